import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { metrics, plans, samples } from "@/db/schema";
import { DEFAULT_INGEST_POLICY, type IngestPolicy, type RawSample, validateBatch } from "@/lib/domain/ingest";
import { AppError } from "@/lib/errors";
import { writeAudit } from "./audit";
import { authorize } from "./authorize";
import type { ServiceContext } from "./context";
import { notifyOnCommit } from "./events";
import { refreshRollups } from "./rollups";
import { evaluatePlanTriggers } from "./trigger-watch";

const INSERT_CHUNK = 5_000; // rows per INSERT statement (4 parameters each, under PostgreSQL's 65,535)

/** Where a batch came from, when not pushed by the caller itself: recorded in the audit event. */
export interface SampleOrigin {
  kind: "prometheus";
  sourceId: string;
  sourceName: string;
}

export interface StoredBatch {
  stored: number;
  metrics: Record<string, number>;
  triggersFired: string[];
}

/**
 * Stores a batch of KPI samples for one plan: all rows or none. A re-sent sample (same metric,
 * cohort and instant) overwrites the earlier value instead of duplicating it.
 */
export async function ingestSamples(ctx: ServiceContext, planId: string, rows: readonly RawSample[], policy: IngestPolicy = DEFAULT_INGEST_POLICY) {
  if (!z.uuid().safeParse(planId).success) throw new AppError("bad_request:validation", "Name the plan the samples belong to", { plan: ["A plan id (uuid) is required"] });
  const [plan] = await ctx.db.select({ id: plans.id, projectId: plans.projectId }).from(plans).where(eq(plans.id, planId));
  if (!plan) throw new AppError("not_found:entity", "No plan with this id");
  authorize(ctx.actor, plan.projectId, { action: "metric:push", scope: "metrics:write" });
  return storeSampleBatch(ctx, plan, rows, { policy });
}

/**
 * The one way samples land, pushed or polled, once the caller is authorised for the plan:
 * validate every row → store, keep rollups current, audit and notify in one transaction → after
 * the commit, evaluate the plan's rollback triggers.
 */
export async function storeSampleBatch(
  ctx: ServiceContext,
  plan: { id: string; projectId: string },
  rows: readonly RawSample[],
  opts: { policy?: IngestPolicy; origin?: SampleOrigin; now?: Date } = {},
): Promise<StoredBatch> {
  const planId = plan.id;
  const defined = await ctx.db.select({ id: metrics.id, key: metrics.key }).from(metrics).where(eq(metrics.planId, planId));
  const idByKey = new Map(defined.map((m) => [m.key, m.id]));
  const verdict = validateBatch(rows, new Set(idByKey.keys()), opts.now ?? new Date(), opts.policy ?? DEFAULT_INGEST_POLICY);
  if (!verdict.ok) {
    const fields: Record<string, string[]> = {};
    for (const e of verdict.errors) (fields[e.row ? `row ${e.row}` : "batch"] ??= []).push(e.reason);
    const shown = verdict.errors.slice(0, 5).map((e) => (e.row ? `row ${e.row}: ${e.reason}` : e.reason));
    throw new AppError("unprocessable:batch", `Nothing was stored: ${verdict.errors.length} problem${verdict.errors.length === 1 ? "" : "s"} — ${shown.join("; ")}${verdict.errors.length > 5 ? "; …" : ""}`, fields);
  }
  const values = verdict.samples.map((s) => ({ metricId: idByKey.get(s.metric)!, cohort: s.cohort, ts: s.ts, value: s.value }));
  const result = await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < values.length; i += INSERT_CHUNK) {
      await tx
        .insert(samples)
        .values(values.slice(i, i + INSERT_CHUNK))
        .onConflictDoUpdate({ target: [samples.metricId, samples.cohort, samples.ts], set: { value: sql`excluded.value` } });
    }
    await refreshRollups(tx, values);
    const perMetric: Record<string, number> = {};
    for (const s of verdict.samples) perMetric[s.metric] = (perMetric[s.metric] ?? 0) + 1;
    const via = opts.origin ? { via: opts.origin } : {};
    await writeAudit(tx, ctx.actor, { action: "samples.ingested", entityType: "plan", entityId: planId, projectId: plan.projectId, planId, after: { samples: values.length, perMetric, ...via } }, ctx.requestId);
    await notifyOnCommit(tx, { type: "samples.ingested", projectId: plan.projectId, planId, metrics: Object.keys(perMetric), ...via });
    return { stored: values.length, metrics: perMetric };
  });
  // After the commit: samples are evaluated against the plan's rollback triggers as they arrive.
  // The samples are stored whatever happens here.
  let triggersFired: string[] = [];
  try {
    triggersFired = (await evaluatePlanTriggers(ctx.db, planId)).fired.map((f) => f.description);
  } catch (error) {
    console.error("phasegate: trigger evaluation after ingest failed", error);
  }
  return { ...result, triggersFired };
}
