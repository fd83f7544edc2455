import type { DbHandle } from "@/db/client";
import { type DomainEvent, EVENTS_CHANNEL } from "@/lib/services/events";
import { errorFields, log } from "@/lib/observability/log";

// One LISTEN per app process on the events channel, fanned out to the open pages (and anything
// else in the process) that follow a plan. Every instance listens for itself, so a change made
// through any instance reaches the pages open on all of them, after it commits.

export type HubMessage = { kind: "event"; event: DomainEvent } | { kind: "resync" };
type Subscriber = (message: HubMessage) => void;

export class EventHub {
  private readonly byPlan = new Map<string, Set<Subscriber>>();
  private readonly everything = new Set<Subscriber>();
  private started: Promise<void> | null = null;
  private stop: (() => Promise<void>) | null = null;
  private listenedOnce = false;
  private established = false;

  constructor(private readonly handle: () => Promise<DbHandle>) {}

  /** Follows one plan's events (or every event with planId "*"); returns the unsubscribe. */
  async subscribe(planId: string, fn: Subscriber): Promise<() => void> {
    const set = planId === "*" ? this.everything : (this.byPlan.get(planId) ?? new Set<Subscriber>());
    if (planId !== "*") this.byPlan.set(planId, set);
    set.add(fn);
    try {
      await this.ensureListening();
    } catch (error) {
      set.delete(fn);
      throw error;
    }
    return () => {
      set.delete(fn);
      if (planId !== "*" && set.size === 0) this.byPlan.delete(planId);
    };
  }

  /** Whether LISTEN was set up (the driver re-listens by itself after a dropped connection). */
  get listening(): boolean {
    return this.established;
  }

  get subscribers(): number {
    let n = this.everything.size;
    for (const set of this.byPlan.values()) n += set.size;
    return n;
  }

  private ensureListening(): Promise<void> {
    this.started ??= (async () => {
      const handle = await this.handle();
      this.stop = await handle.listen(
        EVENTS_CHANNEL,
        (payload) => this.dispatch(payload),
        () => this.reconnected(),
      );
      this.established = true;
    })().catch((error: unknown) => {
      this.started = null; // the next subscriber tries again
      throw error;
    });
    return this.started;
  }

  private reconnected() {
    // The first LISTEN is the start; later ones follow a dropped connection, during which events
    // may have been missed: every follower is told to catch up.
    if (!this.listenedOnce) {
      this.listenedOnce = true;
      return;
    }
    this.broadcast({ kind: "resync" }, [this.everything, ...this.byPlan.values()]);
  }

  private dispatch(payload: string) {
    let event: DomainEvent;
    try {
      event = JSON.parse(payload) as DomainEvent;
    } catch {
      return;
    }
    const sets = [this.everything];
    const plan = event.planId ? this.byPlan.get(event.planId) : undefined;
    if (plan) sets.push(plan);
    this.broadcast({ kind: "event", event }, sets);
  }

  private broadcast(message: HubMessage, sets: Iterable<Set<Subscriber>>) {
    for (const set of sets) {
      for (const fn of [...set]) {
        try {
          fn(message);
        } catch (error) {
          log().error(errorFields(error), "live event subscriber failed");
        }
      }
    }
  }

  /**
   * Stops listening. Never rejects and never waits longer than `timeoutMs`: an UNLISTEN sent to a
   * database that is restarting or gone can fail or hang, and the listening connection closes
   * with the database handle anyway.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    const stop = this.stop;
    this.stop = null;
    if (stop) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), timeoutMs);
      });
      try {
        const outcome = await Promise.race([stop().then(() => "done" as const), late]);
        if (outcome === "late")
          log().warn({ timeoutMs }, "UNLISTEN got no answer in time; left to the connection's close");
      } catch (error) {
        log().warn(errorFields(error), "UNLISTEN failed; left to the connection's close");
      } finally {
        clearTimeout(timer);
      }
    }
    this.started = null;
    this.listenedOnce = false;
    this.established = false;
  }
}
