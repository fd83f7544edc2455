import { eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "@/db/client";
import { auditEvents, plans, ROLLUP_LEVELS_SECONDS } from "@/db/schema";
import type { PlanStatus } from "@/db/schema/enums";
import { type Actor, actorId, actorLabel } from "@/lib/auth/actor";
import { planStatusLabel } from "@/lib/domain/labels";
import {
  DEFAULT_INGEST_POLICY,
  type HistoryLine,
  type IngestPolicy,
  type RawSample,
  validateBatch,
} from "@/lib/domain/ingest";
import { metricKeysNamed, type SampleColumns, sampleColumns } from "@/lib/domain/ingest-columns";
import { AppError } from "@/lib/errors";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { EVENTS_CHANNEL, eventPayload, type DomainEvent } from "./events";
import { evaluatePlanTriggers } from "./trigger-watch";
import { errorFields, log } from "@/lib/observability/log";
import { appMetrics } from "@/lib/observability/metrics";

/** Corrections listed in the audit event (all are counted). */
const MAX_CORRECTIONS_AUDITED = 200;
const FINISHED = new Set<PlanStatus>(["completed", "rolled_back", "cancelled"]);
const RUNNING = new Set<PlanStatus>(["in_progress", "paused"]);
const [MINUTE, HOUR] = ROLLUP_LEVELS_SECONDS;
// The advisory lock class for "rollups of this metric": a second
// transaction storing samples of the same metric waits here, then reads the first one's samples.
const ROLLUP_LOCK_CLASS = 7_346_202;
// Rollup buckets share date_bin's origin with the chart query and rebuildRollups.
const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;

interface PlanState {
  status: PlanStatus;
  metrics: { id: string; key: string; unit: string }[];
  active: { name: string; startedMs: number | null } | null;
}

const activePhase = (
  planId: string,
) => sql`(select json_build_object('name', ph.name, 'startedMs', (extract(epoch from ph.actual_start_at) * 1000)::float8)
  from phases ph where ph.plan_id = ${planId} and ph.status = 'active' limit 1)`;

/**
 * Holds the plan row for share, so a decision cannot move the phase (and its history line) until
 * the batch commits, and reads its status, KPIs and active phase in the same statement. The
 * rollups of the metrics the batch names are locked there too, in id order so that two batches
 * cannot deadlock on them. Null when there is no such plan.
 */
async function holdPlan(tx: Tx, planId: string, keys: readonly string[]): Promise<PlanState | null> {
  const [row] = rowsOf<PlanState & { locked: string; seen: string | null }>(
    await tx.execute(sql`
      select p.status, p.xmin::text as locked, (select xmin::text from plans where id = ${planId}) as seen,
        (select coalesce(json_agg(json_build_object('id', m.id, 'key', m.key, 'unit', m.unit)), '[]'::json) from metrics m where m.plan_id = ${planId}) as metrics,
        ${activePhase(planId)} as active,
        (select count(*)::int from (
          select pg_advisory_xact_lock(${ROLLUP_LOCK_CLASS}, hashtext(m.id::text)) from metrics m
          where m.plan_id = ${planId} and m.key in (select json_array_elements_text(${JSON.stringify(keys)}::json)) order by m.id) l) as rollups_locked
      from plans p where p.id = ${planId}
      for share of p`),
  );
  if (!row) return null;
  // The row changed between this statement's snapshot and the lock (a decision committed while
  // it waited): the phase read above is older than the plan row, so read it again.
  if (row.locked !== row.seen) {
    const [fresh] = rowsOf<{ active: PlanState["active"] }>(
      await tx.execute(sql`select ${activePhase(planId)} as active`),
    );
    row.active = fresh?.active ?? null;
  }
  return { status: row.status, metrics: row.metrics, active: row.active };
}

/** The audit event of a batch; its action and corrections are filled in by the statement storing it. */
function auditRow(
  actor: Actor,
  requestId: string | null,
  plan: { id: string; projectId: string },
  action: SQL,
  after: SQL,
) {
  return {
    projectId: plan.projectId,
    planId: plan.id,
    actorKind: actor.kind,
    actorId: actorId(actor),
    actorLabel: actorLabel(actor),
    action,
    entityType: "plan",
    entityId: plan.id,
    before: null,
    after,
    requestId,
  };
}

interface BatchWrite {
  columns: SampleColumns;
  plan: { id: string; projectId: string };
  actor: Actor;
  requestId: string | null;
  /** The audit event's content before corrections are added. */
  after: Record<string, unknown>;
  event: DomainEvent;
}

/**
 * Stores a checked batch in one statement: the samples upserted; their minute buckets recomputed
 * from the samples beneath them and the hour buckets from those minutes; the audit event, with
 * each replaced value that changed (a correction: what it was and what it became); and the event
 * announced on commit. Every part reads the same snapshot, taken after the rollup locks, in which
 * the batch's own writes are not yet visible: a bucket is the stored samples it covers that the
 * batch does not replace plus the batch's rows, and a replaced sample's value there is the one
 * before this batch.
 */
async function writeBatch(tx: Tx, w: BatchWrite): Promise<void> {
  const c = w.columns;
  const minute = sql`make_interval(secs => ${MINUTE}::int)`;
  const hour = sql`make_interval(secs => ${HOUR}::int)`;
  const action = sql`(select case when count(*) > 0 then 'samples.corrected' else 'samples.ingested' end from corrections)`;
  const after = sql`${JSON.stringify(w.after)}::jsonb || coalesce((
    select jsonb_build_object('corrections', count(*), 'corrected', jsonb_agg(jsonb_build_object(
        'metric', m.key, 'cohort', c.cohort, 'ts', to_char(c.ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'before', c.before, 'after', c.after
      ) order by c.ord) filter (where c.rank <= ${MAX_CORRECTIONS_AUDITED}))
    from corrections c join metrics m on m.id = c.metric_id having count(*) > 0), '{}'::jsonb)`;
  await tx.execute(sql`
    with batch as (
      select (${c.seriesMetricIds}::uuid[])[b.series] as metric_id, (${c.seriesCohorts}::cohort[])[b.series] as cohort,
        timestamptz 'epoch' + b.ms * interval '1 millisecond' as ts, b.value, b.numerator, b.denominator, b.ord
      from unnest(${c.series}::int4[], ${c.epochMs}::int8[], ${c.values}::float8[], ${c.numerators}::float8[], ${c.denominators}::float8[])
        with ordinality as b(series, ms, value, numerator, denominator, ord)
    ),
    stored as (
      insert into samples (metric_id, cohort, ts, value, numerator, denominator)
      select metric_id, cohort, ts, value, numerator, denominator from batch
      on conflict (metric_id, cohort, ts) do update set value = excluded.value, numerator = excluded.numerator, denominator = excluded.denominator
      -- An updated row carries this transaction as its xmax (the conflict locked it first); a new one none.
      returning metric_id, cohort, ts, xmax <> '0'::xid as replaced
    ),
    replaced as (select metric_id, cohort, ts from stored where replaced),
    corrections as (
      select o.*, row_number() over (order by o.ord) as rank from (
        select b.ord, b.metric_id, b.cohort, b.ts, b.value as after,
          (select s.value from samples s where s.metric_id = b.metric_id and s.cohort = b.cohort and s.ts = b.ts) as before
        from replaced n join batch b on b.metric_id = n.metric_id and b.cohort = n.cohort and b.ts = n.ts
      ) o where o.before <> o.after
    ),
    minute_samples as (
      select metric_id, cohort, date_bin(${minute}, ts, ${ORIGIN}) as start, value, numerator, denominator from batch
      union all
      select s.metric_id, s.cohort, m.start, s.value, s.numerator, s.denominator
      from (select distinct metric_id, cohort, date_bin(${minute}, ts, ${ORIGIN}) as start from batch) m
      join samples s on s.metric_id = m.metric_id and s.cohort = m.cohort and s.ts >= m.start and s.ts < m.start + ${minute}
      where not exists (select from replaced n where n.metric_id = s.metric_id and n.cohort = s.cohort and n.ts = s.ts)
    ),
    minutes as (
      select metric_id, cohort, start, count(*)::int as n, sum(value) as total, min(value) as lo, max(value) as hi,
        coalesce(sum(numerator), 0) as numerator_total, coalesce(sum(denominator), 0) as denominator_total
      from minute_samples group by metric_id, cohort, start
    ),
    minute_rollups as (
      insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
      select metric_id, cohort, ${MINUTE}::int, start, n, total, lo, hi, numerator_total, denominator_total from minutes
      on conflict (metric_id, cohort, bucket_seconds, bucket_start)
      do update set n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi,
        numerator_total = excluded.numerator_total, denominator_total = excluded.denominator_total
    ),
    hour_minutes as (
      select metric_id, cohort, date_bin(${hour}, start, ${ORIGIN}) as start, n, total, lo, hi, numerator_total, denominator_total from minutes
      union all
      select r.metric_id, r.cohort, h.start, r.n, r.total, r.lo, r.hi, r.numerator_total, r.denominator_total
      from (select distinct metric_id, cohort, date_bin(${hour}, start, ${ORIGIN}) as start from minutes) h
      join sample_rollups r on r.metric_id = h.metric_id and r.cohort = h.cohort and r.bucket_seconds = ${MINUTE}::int
        and r.bucket_start >= h.start and r.bucket_start < h.start + ${hour}
      where not exists (select from minutes m where m.metric_id = r.metric_id and m.cohort = r.cohort and m.start = r.bucket_start)
    ),
    hour_rollups as (
      insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
      select metric_id, cohort, ${HOUR}::int, start, sum(n), sum(total), min(lo), max(hi), sum(numerator_total), sum(denominator_total)
      from hour_minutes group by metric_id, cohort, start
      on conflict (metric_id, cohort, bucket_seconds, bucket_start)
      do update set n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi,
        numerator_total = excluded.numerator_total, denominator_total = excluded.denominator_total
    ),
    canary_span as (select metric_id, min(ts) as first, max(ts) as last from batch where cohort = 'canary' group by metric_id),
    -- A sample landing in the settled part of a phase changes what phase_kpi_extremes kept.
    unsettled as (
      delete from phase_kpi_extremes k using canary_span b
      where k.metric_id = b.metric_id and k.through > date_bin(${minute}, b.first, ${ORIGIN})
    ),
    newest as (
      update metrics m set last_sample_at = b.last from canary_span b
      where m.id = b.metric_id and (m.last_sample_at is null or m.last_sample_at < b.last)
    ),
    audited as ${tx.insert(auditEvents).values(auditRow(w.actor, w.requestId, w.plan, action, after))}
    select pg_notify(${EVENTS_CHANNEL}, ${eventPayload(w.event)})`);
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
export async function ingestSamples(
  ctx: ServiceContext,
  planId: string,
  rows: readonly RawSample[],
  policy: IngestPolicy = DEFAULT_INGEST_POLICY,
) {
  if (!z.uuid().safeParse(planId).success)
    throw new AppError("bad_request:validation", "Name the plan the samples belong to", {
      plan: ["A plan id (uuid) is required"],
    });
  const [plan] = await ctx.db
    .select({ id: plans.id, projectId: plans.projectId })
    .from(plans)
    .where(eq(plans.id, planId));
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
  const now = opts.now ?? new Date();
  const refused = (error: unknown) => {
    if (error instanceof AppError) appMetrics().refusedBatches.inc({ reason: error.code });
    throw error;
  };
  const result = await ctx.db
    .transaction(async (tx) => {
      const state = await holdPlan(tx, planId, metricKeysNamed(rows));
      if (!state) throw new AppError("not_found:entity", "No plan with this id");
      if (FINISHED.has(state.status)) {
        throw new AppError(
          "conflict:state",
          `The plan is ${planStatusLabel[state.status].toLowerCase()}: its KPIs are history and take no more samples`,
          { plan: ["The plan is finished"] },
        );
      }
      const idByKey = new Map(state.metrics.map((m) => [m.key, m.id]));
      const history: HistoryLine | null =
        RUNNING.has(state.status) && state.active?.startedMs != null
          ? { at: new Date(state.active.startedMs), phase: state.active.name }
          : null;
      const verdict = validateBatch(
        rows,
        new Set(idByKey.keys()),
        now,
        opts.policy ?? DEFAULT_INGEST_POLICY,
        history,
        percentKeys(state.metrics),
      );
      if (!verdict.ok) {
        const fields: Record<string, string[]> = {};
        for (const e of verdict.errors) (fields[e.row ? `row ${e.row}` : "batch"] ??= []).push(e.reason);
        const shown = verdict.errors.slice(0, 5).map((e) => (e.row ? `row ${e.row}: ${e.reason}` : e.reason));
        throw new AppError(
          "unprocessable:batch",
          `Nothing was stored: ${verdict.errors.length} problem${verdict.errors.length === 1 ? "" : "s"} — ${shown.join("; ")}${verdict.errors.length > 5 ? "; …" : ""}`,
          fields,
        );
      }
      const perMetric: Record<string, number> = {};
      for (const s of verdict.samples) perMetric[s.metric] = (perMetric[s.metric] ?? 0) + 1;
      const via = opts.origin ? { via: opts.origin } : {};
      const stored = verdict.samples.length;
      await writeBatch(tx, {
        columns: sampleColumns(verdict.samples, idByKey),
        plan,
        actor: ctx.actor,
        requestId: ctx.requestId,
        after: { samples: stored, perMetric, ...via },
        event: { type: "samples.ingested", projectId: plan.projectId, planId, metrics: Object.keys(perMetric), ...via },
      });
      return { stored, metrics: perMetric };
    })
    .catch(refused);
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
