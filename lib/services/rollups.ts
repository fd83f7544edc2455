import { sql } from "drizzle-orm";
import { ROLLUP_LEVELS_SECONDS } from "@/db/schema";
import type { Cohort } from "@/db/schema/enums";
import type { Tx } from "./context";

// Per-minute and per-hour aggregates of the samples (count, sum, min, max, and the sums of the
// counts of rates pushed as counts), kept current in the
// transaction that stores the samples. A bucket is always recomputed from what lies beneath it,
// so an overwritten sample never counts twice. Buckets share date_bin's origin with the chart
// query, so a chart bucket of any whole number of minutes or hours is a sum of rollup rows.

const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;
const [MINUTE, HOUR] = ROLLUP_LEVELS_SECONDS;
// The advisory lock class for "rollups of this metric": a second transaction storing samples of
// the same metric waits here, then recomputes with the first one's samples in view.
const ROLLUP_LOCK_CLASS = 7_346_202;

export interface TouchedSample {
  metricId: string;
  cohort: Cohort;
  ts: Date;
}

function floorTo(ms: number, seconds: number): string {
  return new Date(Math.floor(ms / 1000 / seconds) * seconds * 1000).toISOString();
}

/** Recomputes the minute and hour buckets the given samples fall in. Call after storing them. */
export async function refreshRollups(tx: Tx, touched: readonly TouchedSample[]): Promise<void> {
  if (touched.length === 0) return;
  const minutes = new Map<string, { metric_id: string; cohort: Cohort; start: string }>();
  const hours = new Map<string, { metric_id: string; cohort: Cohort; start: string }>();
  for (const s of touched) {
    const m = floorTo(s.ts.getTime(), MINUTE);
    const h = floorTo(s.ts.getTime(), HOUR);
    minutes.set(`${s.metricId}|${s.cohort}|${m}`, { metric_id: s.metricId, cohort: s.cohort, start: m });
    hours.set(`${s.metricId}|${s.cohort}|${h}`, { metric_id: s.metricId, cohort: s.cohort, start: h });
  }
  const metricIds = [...new Set(touched.map((s) => s.metricId))].sort();
  // Sorted, so two transactions touching the same metrics cannot deadlock on these locks.
  for (const id of metricIds) await tx.execute(sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_CLASS}, hashtext(${id}))`);

  await tx.execute(sql`
    insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
    select s.metric_id, s.cohort, ${MINUTE}::int, b.start, count(*), sum(s.value), min(s.value), max(s.value),
      coalesce(sum(s.numerator), 0), coalesce(sum(s.denominator), 0)
    from jsonb_to_recordset(${JSON.stringify([...minutes.values()])}::jsonb) as b(metric_id uuid, cohort cohort, start timestamptz)
    join samples s on s.metric_id = b.metric_id and s.cohort = b.cohort and s.ts >= b.start and s.ts < b.start + interval '1 minute'
    group by s.metric_id, s.cohort, b.start
    on conflict (metric_id, cohort, bucket_seconds, bucket_start)
    do update set n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi,
      numerator_total = excluded.numerator_total, denominator_total = excluded.denominator_total`);
  // Hours from their (at most 60) minute rows, which are now current.
  await tx.execute(sql`
    insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
    select r.metric_id, r.cohort, ${HOUR}::int, b.start, sum(r.n), sum(r.total), min(r.lo), max(r.hi), sum(r.numerator_total), sum(r.denominator_total)
    from jsonb_to_recordset(${JSON.stringify([...hours.values()])}::jsonb) as b(metric_id uuid, cohort cohort, start timestamptz)
    join sample_rollups r on r.metric_id = b.metric_id and r.cohort = b.cohort and r.bucket_seconds = ${MINUTE}
      and r.bucket_start >= b.start and r.bucket_start < b.start + interval '1 hour'
    group by r.metric_id, r.cohort, b.start
    on conflict (metric_id, cohort, bucket_seconds, bucket_start)
    do update set n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi,
      numerator_total = excluded.numerator_total, denominator_total = excluded.denominator_total`);
}

/** Rebuilds every rollup of the given metrics from their samples (bulk loads: seed, benchmarks). */
export async function rebuildRollups(tx: Tx, metricIds: readonly string[]): Promise<void> {
  if (metricIds.length === 0) return;
  const ids = sql.join(
    metricIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await tx.execute(sql`delete from sample_rollups where metric_id in (${ids})`);
  for (const secs of ROLLUP_LEVELS_SECONDS) {
    await tx.execute(sql`
      insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
      select metric_id, cohort, ${secs}::int, date_bin(make_interval(secs => ${secs}::int), ts, ${ORIGIN}), count(*), sum(value), min(value), max(value),
        coalesce(sum(numerator), 0), coalesce(sum(denominator), 0)
      from samples where metric_id in (${ids})
      group by 1, 2, 3, 4`);
  }
}
