import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { describeError } from "@/lib/errors";

// How the edge knows where its database stands. A check is `select 1` with a deadline; while the
// database answers, a second check sends a NOTIFY on a channel of the edge's own and waits for it
// to come back through the driver's LISTEN connection (the one change notifications use), so
// "listening" means notifications arrive, not merely that LISTEN was once set up. Checks run on
// a timer, more often after a failure with back-off while the database stays away, and whenever
// /health asks; one check at a time.

export type DatabaseState = "connected" | "unreachable";

export interface DatabaseCondition {
  state: DatabaseState;
  /** When the current state began. */
  since: Date;
  /** Why the last check failed, while unreachable. */
  reason: string | null;
  latencyMs: number | null;
  /** Whether a notification sent through the database came back at the last check. */
  listening: boolean;
}

export interface WatchOptions {
  /** How often the database is checked while it answers. */
  intervalMs?: number;
  /** How long one check waits for an answer. */
  timeoutMs?: number;
  /** While the database is away, checks start this far apart and double up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Told when the database's state or whether notifications arrive changes. */
  onChange?: (now: DatabaseCondition, before: DatabaseCondition) => void;
  /** Told after every check while notifications do not arrive (the edge reloads instead). */
  onDeaf?: () => void;
}

/** The driver's error under the query builder's "Failed query: …" wrapper. */
function rootCause(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  return describeError(inner);
}

export class DatabaseWatch {
  private condition: DatabaseCondition;
  private inFlight: Promise<DatabaseCondition> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  private started = false;
  private readonly channel = `phasegate_edge_probe_${randomBytes(6).toString("hex")}`;
  private readonly waiting = new Map<string, () => void>();
  private unlistenProbe: (() => Promise<void>) | null = null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly handle: DbHandle,
    private readonly options: WatchOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.condition = { state: "connected", since: new Date(), reason: null, latencyMs: null, listening: false };
  }

  get current(): DatabaseCondition {
    return this.condition;
  }

  /** Listens on the probe channel and starts the timer. */
  async start(): Promise<void> {
    try {
      this.unlistenProbe = await this.handle.listen(this.channel, (payload) => this.waiting.get(payload)?.());
    } catch {
      // Without the probe channel, checks report notifications as not arriving: the edge reloads on its timer.
    }
    await this.check();
    this.started = true;
    this.schedule();
  }

  /** Checks now, or joins the check under way. Never rejects. */
  check(): Promise<DatabaseCondition> {
    this.inFlight ??= this.runCheck().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Stops the timer and the probe channel; never rejects, never waits longer than `timeoutMs`. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const unlisten = this.unlistenProbe;
    this.unlistenProbe = null;
    if (unlisten) await this.deadline(unlisten()).catch(() => {});
  }

  private schedule() {
    if (this.stopped) return;
    const delay =
      this.condition.state === "connected"
        ? this.intervalMs
        : Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.max(0, this.failures - 1));
    // A little jitter, so edges that lost the same database do not come back in step.
    this.timer = setTimeout(
      () => void this.check().finally(() => this.schedule()),
      delay * (0.9 + Math.random() * 0.2),
    );
    this.timer.unref();
  }

  private deadline<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  private async runCheck(): Promise<DatabaseCondition> {
    const before = this.condition;
    const started = performance.now();
    let next: DatabaseCondition;
    try {
      await this.deadline(this.handle.db.execute(sql`select 1`));
      const latencyMs = Math.round(performance.now() - started);
      const listening = this.unlistenProbe !== null && (await this.probe());
      this.failures = 0;
      next = {
        state: "connected",
        since: before.state === "connected" ? before.since : new Date(),
        reason: null,
        latencyMs,
        listening,
      };
    } catch (error) {
      this.failures++;
      next = {
        state: "unreachable",
        since: before.state === "unreachable" ? before.since : new Date(),
        reason: rootCause(error),
        latencyMs: null,
        listening: false,
      };
    }
    this.condition = next;
    if (this.stopped || !this.started) return next;
    if (next.state !== before.state || next.listening !== before.listening) this.options.onChange?.(next, before);
    if (next.state === "connected" && !next.listening) this.options.onDeaf?.();
    return next;
  }

  /** Whether a NOTIFY sent now comes back through the LISTEN connection within the deadline. */
  private async probe(): Promise<boolean> {
    const nonce = randomBytes(8).toString("hex");
    const heard = new Promise<void>((resolve) => this.waiting.set(nonce, resolve));
    try {
      await this.deadline(
        Promise.all([heard, this.handle.db.execute(sql`select pg_notify(${this.channel}, ${nonce})`)]),
      );
      return true;
    } catch {
      return false;
    } finally {
      this.waiting.delete(nonce);
    }
  }
}
