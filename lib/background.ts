import { setting } from "@/lib/config";
import { getDb } from "@/db/client";
import { describeError, isDatabaseUnavailable } from "./errors";
import { log } from "./observability/log";
import { appMetrics } from "./observability/metrics";
import { sweepAutoAdvance } from "./services/auto-advance";
import { feedDemoTraffic } from "./services/demo-traffic";
import { sendDueDigests } from "./services/digest";
import { pollDueSources } from "./services/metric-sources";
import { sweepTriggers } from "./services/trigger-watch";
import { runWebhooks } from "./services/webhooks";
import { recordTokenUse } from "./services/tokens";
import type { EventHub } from "./live/hub";
import { processHub } from "./live/process-hub";

// Work every app process does on timers: Prometheus sources that are due are polled (each poll
// claimed by one process), rollback triggers are judged even when no samples arrive, so silence
// is noticed, phases set to advance by themselves advance once their gate holds, webhooks are collected from the audit trail and delivered (with retries), and weekly digests that are due are queued as webhook deliveries. Any number of processes may run this against one database; the services
// make each effect happen once. A job never overlaps its own previous run.
// At shutdown no job starts again, and the runs in progress are waited for, so the rows they claimed
// are settled rather than left to their leases.

export interface BackgroundWork {
  /** Starts no further run and resolves once the runs in progress have ended. */
  stop(): Promise<void>;
}

/** How often triggers are re-judged without new samples (PHASEGATE_WATCH_SECONDS, default 15). */
export function watchIntervalMs(env: NodeJS.ProcessEnv): number {
  return setting("PHASEGATE_WATCH_SECONDS", env) * 1000;
}

// The shortest poll interval a metric source may have; a tick polls only the sources that are due.
const POLL_TICK_MS = 5_000;
// Digests are due on the hour: a check a minute sends each within a minute of its slot.
const DIGEST_TICK_MS = 60_000;

/**
 * A job on a timer: never overlapping its own previous run, one log line per run (debug when it
 * found nothing to do, info when it did something), and an outage said once, not on every tick.
 * The job returns what it did in a few fields, or null for nothing.
 */
function every(label: string, ms: number, job: () => Promise<Record<string, unknown> | null>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let lastError: string | null = null;
  const run = async () => {
    const started = Date.now();
    try {
      const did = await job();
      appMetrics().jobRuns.inc({ job: label, outcome: "ok" });
      if (lastError) log().info({ job: label }, `${label} resumed`);
      lastError = null;
      if (did) log().info({ job: label, ms: Date.now() - started, ...did }, label);
      else log().debug({ job: label, ms: Date.now() - started }, label);
    } catch (error) {
      appMetrics().jobRuns.inc({ job: label, outcome: "failed" });
      if (isDatabaseUnavailable(error)) appMetrics().dbErrors.inc({ where: "job" });
      const message = describeError(error);
      if (message !== lastError) log().error({ job: label, error: message }, `${label} paused`);
      lastError = message;
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = run().finally(() => {
      running = null;
    });
  }, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
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
      (error: unknown) => log().error({ error: describeError(error) }, "not following token use from edges"),
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
      const polls = await pollDueSources(db);
      const stored = polls.reduce((n, p) => n + p.stored, 0);
      const failing = polls.filter((p) => p.error).map((p) => p.sourceId);
      return polls.length ? { sources: polls.length, stored, ...(failing.length ? { failing } : {}) } : null;
    }),
    every("webhook delivery", POLL_TICK_MS, async () => {
      const { db } = await getDb();
      const run = await runWebhooks(db);
      return run.collected || run.delivered || run.retrying || run.failed ? { ...run } : null;
    }),
    every("weekly digest", DIGEST_TICK_MS, async () => {
      const { db } = await getDb();
      const sent = await sendDueDigests(db);
      return sent.length ? { digests: sent.length, deliveries: sent.reduce((n, s) => n + s.deliveries, 0) } : null;
    }),
    every("rollback trigger watch", watchIntervalMs(env), async () => {
      const { db } = await getDb();
      const sweep = await sweepTriggers(db);
      // After the triggers, so a breach rolls back (or holds back) before a phase could advance.
      const advance = await sweepAutoAdvance(db);
      for (const a of advance.advanced)
        log().info({ planId: a.planId, decisionId: a.decisionId }, `${a.phase} advanced by itself`);
      for (const f of [...sweep.failed, ...advance.failed])
        log().error({ planId: f.planId, error: f.error }, "evaluating a plan failed");
      const changed =
        sweep.fired.length +
        sweep.announced.length +
        advance.advanced.length +
        sweep.failed.length +
        advance.failed.length;
      return changed
        ? {
            plans: sweep.plans,
            rolledBack: sweep.fired.length,
            announced: sweep.announced.length,
            advanced: advance.advanced.length,
          }
        : null;
    }),
  ];
  if (setting("PHASEGATE_DEMO_TRAFFIC", env)) {
    log().info(
      "demo traffic on: the canary judge's KPIs get a simulated minute of errors and requests per cohort every minute",
    );
    stops.push(
      every("demo traffic", 60_000, async () => {
        const { db } = await getDb();
        const tick = await feedDemoTraffic(db);
        return tick.samples ? { ...tick } : null;
      }),
    );
  }
  const stopFollowing = recordTokenUseFromEdges();
  stops.push(async () => stopFollowing());
  return {
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
