import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metrics, phases } from "@/db/schema";
import { transitionPlan } from "@/lib/services/decisions";
import { createMetricSource } from "@/lib/services/metric-sources";
import { planWithTokens } from "./api-fixture";

/**
 * A running canary plan whose `error_rate` is polled from a Prometheus source at `baseUrl`
 * (created by the project's release manager), the other metrics pushed as usual.
 */
export async function runningPlanWithPolledMetric(
  db: Database,
  opts: { baseUrl: string; promql: string; name?: string; pollIntervalSeconds?: number },
) {
  const fixture = await planWithTokens(db, "canary", opts.name ?? "Polled", {});
  const source = await createMetricSource(fixture.ctx, {
    projectId: fixture.projectId,
    name: "Prometheus",
    baseUrl: opts.baseUrl,
    pollIntervalSeconds: opts.pollIntervalSeconds ?? 15,
  });
  const [metric] = await db
    .update(metrics)
    .set({ sourceKind: "prometheus", sourceId: source.id, promql: opts.promql })
    .where(and(eq(metrics.planId, fixture.planId), eq(metrics.key, "error_rate")))
    .returning();
  await transitionPlan(fixture.ctx, { planId: fixture.planId, version: 1, action: "start" });
  // Running for a while already: polls may look back before "now" (never before the phase started).
  await db
    .update(phases)
    .set({ actualStartAt: sql`now() - interval '6 hours'` })
    .where(and(eq(phases.planId, fixture.planId), eq(phases.status, "active")));
  return { ...fixture, source, metric: metric! };
}
