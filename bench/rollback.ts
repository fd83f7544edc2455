// npm run bench:rollback – from a breach to the rollback, as a pipeline and an SDK see it. A
// production `next start` and an edge evaluator share a PostgreSQL database. Each run starts a
// canary plan (its "Error rate > 5% for 5 min" rollback is automatic) with a flag bound to it,
// pushes a breach just short of the window through POST /api/v1/metrics (the trigger holds),
// waits until the edge serves the flag at the phase's 5% and the window has passed, then pushes
// the one sample that closes it and times:
//   - rolled back: until the plan is rolled_back in the database (polled every 2 ms);
//   - edge at 0%: until the edge answers the bound flag with rolloutPercent 0 (polled every 2 ms).
// Prints p50 and p95 over BENCH_RUNS (50) runs against the target (p95 ≤ 1 s for both).
import http from "node:http";
import { and, eq, sql } from "drizzle-orm";
import { flags, phases, plans } from "../db/schema";
import { transitionPlan } from "../lib/services/decisions";
import { EVENTS_CHANNEL } from "../lib/services/events";
import { createPlan } from "../lib/services/plans";
import { createApiToken } from "../lib/services/tokens";
import { freePort, startEdge, startNext, stopAll, waitUntilHealthy } from "../e2e/support/processes";
import { makeProject, makeUser } from "../tests/support/people";
import { ensureBuild } from "./build";
import { withBenchDatabase } from "./support";

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const POLL_MS = 2;
const BATCH = 10;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`timed out waiting for ${what}`);
}

ensureBuild("bench:rollback");

await withBenchDatabase(async (handle, databaseUrl) => {
  const { db } = handle;
  const project = await makeProject(db, "rollback-bench");
  const rm = await makeUser(db, { projectId: project.id, roles: ["release_manager"] });
  const ctx = { db, actor: rm, requestId: null };
  const metricsToken = (
    await createApiToken(ctx, { projectId: project.id, name: "pipeline", scopes: ["metrics:write"] })
  ).token;
  const flagsToken = (await createApiToken(ctx, { projectId: project.id, name: "sdk", scopes: ["flags:evaluate"] }))
    .token;

  const [appPort, edgePort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: databaseUrl,
    PHASEGATE_DEMO_SEED: "0",
    PHASEGATE_LOG_LEVEL: "warn",
    OFREP_RATE_LIMIT: "0",
  };
  // No trigger timer: the closing sample's own evaluation at ingest is what is measured.
  const app = startNext("app", appPort, {
    ...env,
    PHASEGATE_BACKGROUND: "0",
    AUTH_SECRET: "bench-only-session-secret-0123456789abcdef",
  });
  const edge = startEdge("edge", edgePort, env);
  try {
    await waitUntilHealthy(app, "/api/health");
    await waitUntilHealthy(edge, "/health");
    /** A running canary with its flag, and the breach pushed up to just short of the window. */
    async function prepare(run: number) {
      const { planId } = await createPlan(ctx, {
        projectId: project.id,
        template: "canary",
        name: `Breach ${run}`,
        releaseVersion: `1.${run}.0`,
      });
      await transitionPlan(ctx, { planId, version: 1, action: "start" });
      // The phase has been running for an hour, so the trigger's five minutes fit inside it.
      await db
        .update(phases)
        .set({ actualStartAt: new Date(Date.now() - 3600_000) })
        .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
      const key = `rollback.run-${run}`;
      await db.transaction(async (tx) => {
        await tx.insert(flags).values({
          projectId: project.id,
          key,
          type: "boolean",
          variants: { on: true, off: false },
          defaultVariant: "off",
          rolloutVariant: "on",
          planId,
        });
        await tx.execute(
          sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify({ type: "flags.changed", projectId: project.id })})`,
        );
      });
      const push = (samples: { at: number; value: number }[]) =>
        call(`http://127.0.0.1:${appPort}/api/v1/metrics`, {
          method: "POST",
          headers: { authorization: `Bearer ${metricsToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            plan: planId,
            samples: samples.map((x) => ({ metric: "error_rate", ts: new Date(x.at).toISOString(), value: x.value })),
          }),
        });
      // Healthy ten minutes ago, then 7.8% for the last 2 min 55 s: with the evaluator's 2 minutes of
      // coverage slack that is 4 min 55 s of the trigger's 5, so the window is still open.
      const breachFrom = Date.now() - 175_000;
      const opened = await push([
        { at: Date.now() - 600_000, value: 0.4 },
        { at: breachFrom, value: 7.8 },
        { at: Date.now() - 120_000, value: 7.8 },
        { at: Date.now() - 60_000, value: 7.8 },
      ]);
      if (opened.status !== 200 || (JSON.parse(opened.body) as { triggersFired: string[] }).triggersFired.length) {
        throw new Error(`run ${run}: the opening samples answered ${opened.status} ${opened.body}`);
      }
      const evaluate = async () => {
        const res = await call(`http://127.0.0.1:${edgePort}/ofrep/v1/evaluate/flags/${key}`, {
          method: "POST",
          headers: { authorization: `Bearer ${flagsToken}`, "content-type": "application/json" },
          body: JSON.stringify({ context: { targetingKey: `user-${run}` } }),
        });
        return res.status === 200
          ? (JSON.parse(res.body) as { metadata?: { rolloutPercent?: number } }).metadata?.rolloutPercent
          : undefined;
      };
      await until(`the edge to serve ${key} at 5%`, async () => ((await evaluate()) === 5 ? true : undefined));
      return { run, planId, push, evaluate, closesAt: breachFrom + 181_000 };
    }

    const rolledBack: number[] = [];
    const edgeAtZero: number[] = [];
    // Prepared ten at a time, so the five minutes of each window are waited out once per batch;
    // each closing sample is then pushed and timed on its own.
    for (let first = 1; first <= RUNS; first += BATCH) {
      const batch = [];
      for (let run = first; run < first + BATCH && run <= RUNS; run++) batch.push(await prepare(run));
      for (const r of batch) {
        // Past five minutes of breach, the pipeline's next sample closes the window.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, r.closesAt - Date.now())));
        const started = performance.now();
        const closing = r.push([{ at: Date.now(), value: 7.8 }]);
        const [plan, edgeZero] = await Promise.all([
          until("the rollback", async () => {
            const [row] = await db.select({ status: plans.status }).from(plans).where(eq(plans.id, r.planId));
            return row?.status === "rolled_back" ? performance.now() - started : undefined;
          }),
          until("the edge to answer 0%", async () =>
            (await r.evaluate()) === 0 ? performance.now() - started : undefined,
          ),
        ]);
        const answer = await closing;
        if (answer.status !== 200)
          throw new Error(`run ${r.run}: the closing sample answered ${answer.status} ${answer.body}`);
        rolledBack.push(plan);
        edgeAtZero.push(edgeZero);
      }
      console.log(`bench:rollback: ${rolledBack.length} of ${RUNS} runs`);
    }
    const line = (name: string, xs: number[]) => {
      const p95 = percentile(xs, 95);
      return `  ${name.padEnd(12)}: p50 ${percentile(xs, 50).toFixed(0).padStart(4)} ms, p95 ${p95.toFixed(0).padStart(4)} ms, max ${Math.max(
        ...xs,
      )
        .toFixed(0)
        .padStart(4)} ms (target p95 ≤ 1,000 ms: ${p95 <= 1000 ? "met" : "NOT met"})`;
    };
    console.log(
      `\nFrom the sample that closes an automatic trigger's window, ${RUNS} runs (app and edge on one PostgreSQL database):`,
    );
    console.log(line("rolled back", rolledBack));
    console.log(line("edge at 0%", edgeAtZero));
  } finally {
    agent.destroy();
    await stopAll([app, edge]);
  }
});
