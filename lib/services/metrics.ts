import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "@/db/client";
import { metrics, phases, plans, samples } from "@/db/schema";
import type { PlanStatus } from "@/db/schema/enums";
import { planStatusLabel } from "@/lib/domain/labels";
import { DEFAULT_INGEST_POLICY, type IngestPolicy, type RawSample, validateBatch } from "@/lib/domain/ingest";
import { AppError } from "@/lib/errors";
import { writeAudit } from "./audit";
import { authorize } from "./authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import { refreshRollups } from "./rollups";
import { evaluatePlanTriggers } from "./trigger-watch";
import { errorFields, log } from "@/lib/observability/log";
import { appMetrics } from "@/lib/observability/metrics";

const INSERT_CHUNK = 5_000; // rows per INSERT statement (6 parameters each, under PostgreSQL's 65,535)
/** Corrections listed in the audit event (all are counted). */
const MAX_CORRECTIONS_AUDITED = 200;
const FINISHED = new Set<PlanStatus>(["completed", "rolled_back", "cancelled"]);
const RUNNING = new Set<PlanStatus>(["in_progress", "paused"]);

const sampleKey = (s: { metricId: string; cohort: string; ts: Date }) => `${s.metricId}|${s.cohort}|${s.ts.getTime()}`;

/** The stored values the batch would overwrite, by sample key (locked until the batch commits). */
async function existingValues(tx: Tx, values: readonly { metricId: string; cohort: string; ts: Date }[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const array = (items: string[]) => `{${items.map((i) => `"${i}"`).join(",")}}`;
  for (let i = 0; i < values.length; i += INSERT_CHUNK) {
    const chunk = values.slice(i, i + INSERT_CHUNK);
    const rows = rowsOf<{ metric_id: string; cohort: string; ms: string | number; value: number | string }>(
      await tx.execute(sql`
        select s.metric_id, s.cohort::text as cohort, (extract(epoch from s.ts) * 1000)::bigint as ms, s.value
        from ${samples} s
        join unnest(${array(chunk.map((v) => v.metricId))}::uuid[], ${array(chunk.map((v) => v.cohort))}::text[], ${array(chunk.map((v) => v.ts.toISOString()))}::timestamptz[]) as x(metric_id, cohort, ts)
          on s.metric_id = x.metric_id and s.cohort::text = x.cohort and s.ts = x.ts
        for update of s`),
    );
    for (const r of rows) found.set(`${r.metric_id}|${r.cohort}|${Number(r.ms)}`, Number(r.value));
  }
  return found;
}

/** The KPIs measured in percent: a rate pushed as counts is stored there as a percentage. */
export function percentKeys(defined: readonly { key: string; unit: string }[]): Set<string> {
  return new Set(defined.filter((m) => m.unit.trim() === "%").map((m) => m.key));
}

/** Where a batch came from, when not pushed by the caller itself: recorded in the audit event. */
export type SampleOrigin = { kind: "prometheus"; sourceId: string; sourceName: string } | { kind: "demo" };

export interface StoredBatch {
  stored: number;
  metrics: Record<string, number>;
  triggersFired: string[];
}

/**
 * Stores a batch of KPI samples for one plan: all rows or none. A re-sent sample (same metric,
 * cohort and instant) overwrites the earlier value instead of duplicating it, audited as a
 * correction with both values. A finished plan takes no samples; a running one none from before
 * its active phase started.
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
  const defined = await ctx.db.select({ id: metrics.id, key: metrics.key, unit: metrics.unit }).from(metrics).where(eq(metrics.planId, planId));
  const idByKey = new Map(defined.map((m) => [m.key, m.id]));
  const now = opts.now ?? new Date();
  const refused = (error: unknown) => {
    if (error instanceof AppError) appMetrics().refusedBatches.inc({ reason: error.code });
    throw error;
  };
  const result = await ctx.db.transaction(async (tx) => {
    // The plan row is held for share, so a decision cannot move the phase (and its history line)
    // between this check and the rows landing.
    const [state] = await tx.select({ status: plans.status }).from(plans).where(eq(plans.id, planId)).for("share");
    if (!state) throw new AppError("not_found:entity", "No plan with this id");
    if (FINISHED.has(state.status)) {
      throw new AppError("conflict:state", `The plan is ${planStatusLabel[state.status].toLowerCase()}: its KPIs are history and take no more samples`, { plan: ["The plan is finished"] });
    }
    const [active] = RUNNING.has(state.status)
      ? await tx.select({ name: phases.name, startedAt: phases.actualStartAt }).from(phases).where(and(eq(phases.planId, planId), eq(phases.status, "active")))
      : [];
    const history = active?.startedAt ? { at: active.startedAt, phase: active.name } : null;
    const verdict = validateBatch(rows, new Set(idByKey.keys()), now, opts.policy ?? DEFAULT_INGEST_POLICY, history, percentKeys(defined));
    if (!verdict.ok) {
      const fields: Record<string, string[]> = {};
      for (const e of verdict.errors) (fields[e.row ? `row ${e.row}` : "batch"] ??= []).push(e.reason);
      const shown = verdict.errors.slice(0, 5).map((e) => (e.row ? `row ${e.row}: ${e.reason}` : e.reason));
      throw new AppError("unprocessable:batch", `Nothing was stored: ${verdict.errors.length} problem${verdict.errors.length === 1 ? "" : "s"} — ${shown.join("; ")}${verdict.errors.length > 5 ? "; …" : ""}`, fields);
    }
    const values = verdict.samples.map((s) => ({ metricId: idByKey.get(s.metric)!, cohort: s.cohort, ts: s.ts, value: s.value, numerator: s.numerator, denominator: s.denominator }));
    const corrections = await existingValues(tx, values);
    for (let i = 0; i < values.length; i += INSERT_CHUNK) {
      await tx
        .insert(samples)
        .values(values.slice(i, i + INSERT_CHUNK))
        .onConflictDoUpdate({
          target: [samples.metricId, samples.cohort, samples.ts],
          set: { value: sql`excluded.value`, numerator: sql`excluded.numerator`, denominator: sql`excluded.denominator` },
        });
    }
    await refreshRollups(tx, values);
    const perMetric: Record<string, number> = {};
    for (const s of verdict.samples) perMetric[s.metric] = (perMetric[s.metric] ?? 0) + 1;
    const via = opts.origin ? { via: opts.origin } : {};
    // A re-sent sample with another value is a correction: the trail keeps what it was and what it became.
    const keyById = new Map(defined.map((m) => [m.id, m.key]));
    const changed = values.flatMap((v) => {
      const before = corrections.get(sampleKey(v));
      return before === undefined || before === v.value ? [] : [{ metric: keyById.get(v.metricId)!, cohort: v.cohort, ts: v.ts.toISOString(), before, after: v.value }];
    });
    const corrected = changed.length ? { corrections: changed.length, corrected: changed.slice(0, MAX_CORRECTIONS_AUDITED) } : {};
    await writeAudit(tx, ctx.actor, { action: changed.length ? "samples.corrected" : "samples.ingested", entityType: "plan", entityId: planId, projectId: plan.projectId, planId, after: { samples: values.length, perMetric, ...corrected, ...via } }, ctx.requestId);
    await notifyOnCommit(tx, { type: "samples.ingested", projectId: plan.projectId, planId, metrics: Object.keys(perMetric), ...via });
    return { stored: values.length, metrics: perMetric };
  }).catch(refused);
  appMetrics().ingestedRows.inc({ origin: opts.origin?.kind ?? "push" }, result.stored);
  // After the commit: samples are evaluated against the plan's rollback triggers as they arrive.
  // The samples are stored whatever happens here.
  let triggersFired: string[] = [];
  try {
    triggersFired = (await evaluatePlanTriggers(ctx.db, planId)).fired.map((f) => f.description);
  } catch (error) {
    log().error({ planId, ...errorFields(error) }, "trigger evaluation after ingest failed");
  }
  return { ...result, triggersFired };
}
