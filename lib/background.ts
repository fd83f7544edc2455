import { getDb } from "@/db/client";
import { describeError } from "./errors";
import { sweepAutoAdvance } from "./services/auto-advance";
import { feedDemoTraffic } from "./services/demo-traffic";
import { pollDueSources } from "./services/metric-sources";
import { sweepTriggers } from "./services/trigger-watch";
import { runWebhooks } from "./services/webhooks";
import { recordTokenUse } from "./services/tokens";
import type { EventHub } from "./live/hub";
import { processHub } from "./live/process-hub";

// Work every app process does on timers: Prometheus sources that are due are polled (each poll
// claimed by one process), rollback triggers are judged even when no samples arrive, so silence
// is noticed, phases set to advance by themselves advance once their gate holds, and webhooks are collected from the audit trail and delivered (with retries). Any number of processes may run this against one database; the services
// make each effect happen once. A job never overlaps its own previous run.

export interface BackgroundWork {
  stop(): void;
}

/** How often triggers are re-judged without new samples (PHASEGATE_WATCH_SECONDS, default 15). */
export function watchIntervalMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.PHASEGATE_WATCH_SECONDS ?? 15);
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 15_000;
}

// The shortest poll interval a metric source may have; a tick polls only the sources that are due.
const POLL_TICK_MS = 5_000;

function every(label: string, ms: number, job: () => Promise<void>): () => void {
  let running = false;
  let lastError: string | null = null;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await job();
      if (lastError) console.log(`phasegate: ${label} resumed`);
      lastError = null;
    } catch (error) {
      // Said once per cause, not on every tick of an outage.
      const message = describeError(error);
      if (message !== lastError) console.error(`phasegate: ${label} paused: ${message}`);
      lastError = message;
    } finally {
      running = false;
    }
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Edges announce a token's use instead of writing it (they may not write): recorded here. */
export function recordTokenUseFromEdges(hub: EventHub = processHub()): () => void {
  let unsubscribe: (() => void) | null = null;
  let stopped = false;
  void hub
    .subscribe("*", (message) => {
      if (message.kind !== "event" || message.event.type !== "token.used") return;
      const { tokenId, at } = message.event;
      if (typeof tokenId !== "string" || typeof at !== "string" || Number.isNaN(Date.parse(at))) return;
      void getDb()
        .then(({ db }) => recordTokenUse(db, tokenId, new Date(at)))
        .catch(() => {});
    })
    .then(
      (stop) => (stopped ? stop() : (unsubscribe = stop)),
      (error: unknown) => console.error(`phasegate: not following token use from edges: ${describeError(error)}`),
    );
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}

export function startBackgroundWork(env: NodeJS.ProcessEnv = process.env): BackgroundWork {
  const stops = [
    every("metric source polling", POLL_TICK_MS, async () => {
      const { db } = await getDb();
      for (const poll of await pollDueSources(db)) {
        for (const fired of poll.triggersFired) console.log(`phasegate: automatic rollback after a Prometheus poll: ${fired}`);
      }
    }),
    every("webhook delivery", POLL_TICK_MS, async () => {
      const { db } = await getDb();
      const run = await runWebhooks(db);
      if (run.failed) console.error(`phasegate: ${run.failed} webhook deliver${run.failed === 1 ? "y" : "ies"} failed after the last retry`);
    }),
    every("rollback trigger watch", watchIntervalMs(env), async () => {
      const { db } = await getDb();
      const sweep = await sweepTriggers(db);
      for (const f of sweep.fired) console.log(`phasegate: automatic rollback: ${f.description}`);
      for (const f of sweep.failed) console.error(`phasegate: trigger evaluation failed for plan ${f.planId}: ${f.error}`);
      // After the triggers, so a breach rolls back (or holds back) before a phase could advance.
      const advance = await sweepAutoAdvance(db);
      for (const a of advance.advanced) console.log(`phasegate: ${a.phase} advanced by itself (plan ${a.planId})`);
      for (const f of advance.failed) console.error(`phasegate: auto-advance check failed for plan ${f.planId}: ${f.error}`);
    }),
  ];
  if (env.PHASEGATE_DEMO_TRAFFIC === "1") {
    console.log("phasegate: demo traffic on: the canary judge's KPIs get a simulated minute of errors and requests per cohort every minute");
    stops.push(
      every("demo traffic", 60_000, async () => {
        const { db } = await getDb();
        const tick = await feedDemoTraffic(db);
        for (const fired of tick.triggersFired) console.log(`phasegate: automatic rollback on demo traffic: ${fired}`);
      }),
    );
  }
  stops.push(recordTokenUseFromEdges());
  return { stop: () => stops.forEach((stop) => stop()) };
}
