import { and, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metrics, phases, plans, rollbackTriggers, sampleRollups, successCriteria } from "@/db/schema";
import type { Cohort } from "@/db/schema/enums";
import type { RawSample } from "@/lib/domain/ingest";
import { storeSampleBatch } from "./metrics";

// Simulated traffic for the demo (PHASEGATE_DEMO_TRAFFIC=1, set by `npm run demo`): once a minute
// each KPI the canary judge watches on a running plan gets one more minute of errors and
// requests per cohort, drawn around what that cohort sent in the last hour, and stored through
// the ingest path like a pipeline's push (audited as demo traffic). So a new user sees the judge
// at work: the interval narrows minute by minute. Never on unless asked for.

const SYSTEM = { kind: "system" } as const;
const HOUR_MS = 3_600_000;

export interface DemoTrafficTick {
  plans: number;
  samples: number;
  triggersFired: string[];
}

/** A normal draw (Box–Muller) for the noise around a cohort's recent level. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export async function feedDemoTraffic(
  db: Database,
  now: Date = new Date(),
  random: () => number = Math.random,
): Promise<DemoTrafficTick> {
  const tick: DemoTrafficTick = { plans: 0, samples: 0, triggersFired: [] };
  // The KPIs a canary trigger or the active phase's not-worse criterion judges.
  const triggered = await db
    .select({ planId: plans.id, projectId: plans.projectId, metricId: rollbackTriggers.metricId })
    .from(rollbackTriggers)
    .innerJoin(plans, eq(plans.id, rollbackTriggers.planId))
    .where(
      and(
        eq(plans.status, "in_progress"),
        eq(rollbackTriggers.mode, "canary_worse"),
        eq(rollbackTriggers.enabled, true),
        isNotNull(rollbackTriggers.metricId),
      ),
    );
  const criteria = await db
    .select({ planId: plans.id, projectId: plans.projectId, metricId: successCriteria.metricId })
    .from(successCriteria)
    .innerJoin(phases, eq(phases.id, successCriteria.phaseId))
    .innerJoin(plans, eq(plans.id, phases.planId))
    .where(
      and(eq(plans.status, "in_progress"), eq(phases.status, "active"), eq(successCriteria.kind, "canary_not_worse")),
    );
  const judged = new Map<string, { planId: string; projectId: string; metricIds: Set<string> }>();
  for (const r of [...triggered, ...criteria]) {
    const plan = judged.get(r.planId) ?? { planId: r.planId, projectId: r.projectId, metricIds: new Set<string>() };
    plan.metricIds.add(r.metricId!);
    judged.set(r.planId, plan);
  }
  if (judged.size === 0) return tick;

  const ids = [...judged.values()].flatMap((p) => [...p.metricIds]);
  const keys = new Map(
    (await db.select({ id: metrics.id, key: metrics.key }).from(metrics).where(inArray(metrics.id, ids))).map((m) => [
      m.id,
      m.key,
    ]),
  );
  // What each cohort sent in the last hour, as counts.
  const recent = await db
    .select({
      metricId: sampleRollups.metricId,
      cohort: sampleRollups.cohort,
      numerator: sql<number>`sum(${sampleRollups.numeratorTotal})::float8`,
      denominator: sql<number>`sum(${sampleRollups.denominatorTotal})::float8`,
      first: sql<number>`(extract(epoch from min(${sampleRollups.bucketStart})) * 1000)::float8`,
      last: sql<number>`(extract(epoch from max(${sampleRollups.bucketStart})) * 1000)::float8`,
    })
    .from(sampleRollups)
    .where(
      and(
        inArray(sampleRollups.metricId, ids),
        eq(sampleRollups.bucketSeconds, 60),
        gte(sampleRollups.bucketStart, new Date(now.getTime() - HOUR_MS)),
      ),
    )
    .groupBy(sampleRollups.metricId, sampleRollups.cohort);
  const level = new Map(recent.map((r) => [`${r.metricId}|${r.cohort}`, r]));
  const minute = Math.floor(now.getTime() / 60_000) * 60_000;

  for (const plan of judged.values()) {
    const rows: RawSample[] = [];
    for (const metricId of plan.metricIds) {
      for (const cohort of ["canary", "baseline"] as Cohort[]) {
        const seen = level.get(`${metricId}|${cohort}`);
        if (!seen || !(Number(seen.denominator) > 0)) continue;
        // This minute is fed already (by another process, or a pipeline): nothing to add.
        if (Number(seen.last) >= minute) continue;
        // Requests a minute over the span the hour's rows cover (samples may come every few minutes).
        const span = Math.max(1, Math.min(60, (now.getTime() - Number(seen.first)) / 60_000));
        const perMinute = Number(seen.denominator) / span;
        const rate = Number(seen.numerator) / Number(seen.denominator);
        const denominator = Math.max(1, Math.round(perMinute * (1 + 0.05 * normal(random))));
        const expected = denominator * rate;
        const numerator = Math.min(
          denominator,
          Math.max(0, Math.round(expected + Math.sqrt(expected) * normal(random))),
        );
        rows.push({ metric: keys.get(metricId), cohort, ts: minute, numerator, denominator });
      }
    }
    if (rows.length === 0) continue;
    const stored = await storeSampleBatch(
      { db, actor: SYSTEM, requestId: null },
      { id: plan.planId, projectId: plan.projectId },
      rows,
      { now, origin: { kind: "demo" } },
    );
    tick.plans++;
    tick.samples += stored.stored;
    tick.triggersFired.push(...stored.triggersFired);
  }
  return tick;
}
