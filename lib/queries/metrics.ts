import "server-only";
import { type AnyColumn, and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import type { Tx } from "@/lib/services/context";
import { metrics, ROLLUP_LEVELS_SECONDS, sampleRollups, samples } from "@/db/schema";
import { bucketSeconds, DEFAULT_MAX_POINTS } from "@/lib/domain/downsample";

// Mean of the canary samples in the 15 minutes before each metric's newest sample.
export async function recentCanaryValues(db: Database, planIds: string[]): Promise<Map<string, number | null>> {
  if (planIds.length === 0) return new Map();
  const rows = await db
    .select({
      id: metrics.id,
      recent: sql<string | number | null>`(
        select avg(s.value) from ${samples} s
        where s.metric_id = ${metrics.id} and s.cohort = 'canary'
          and s.ts > (select max(s2.ts) from ${samples} s2 where s2.metric_id = ${metrics.id} and s2.cohort = 'canary')
                     - interval '15 minutes')`,
    })
    .from(metrics)
    .where(inArray(metrics.planId, planIds));
  return new Map(rows.map((r) => [r.id, r.recent === null ? null : Number(r.recent)]));
}

export interface SeriesPoint {
  t: number;
  canary: number | null;
  baseline: number | null;
}

export interface MetricSeries {
  bucketSeconds: number;
  points: SeriesPoint[];
}

/** The rollup level a chart bucket of `bucket` seconds can be summed from, or null for raw samples. */
export function rollupLevelFor(bucket: number): number | null {
  const levels = [...ROLLUP_LEVELS_SECONDS].sort((a, b) => b - a);
  return levels.find((level) => bucket >= level && bucket % level === 0) ?? null;
}

/**
 * A metric's samples between two instants, averaged per time bucket in SQL (date_bin), so at most
 * ~maxPoints points per cohort leave the database however many samples the range holds. Buckets
 * of whole minutes or hours are summed from the rollups instead of the samples, so a month of
 * one-second samples costs a few hundred rows (the first bucket may then reach up to one rollup
 * interval before `from`).
 */
export async function metricSeries(
  db: Database | Tx,
  metricId: string,
  from: Date,
  to: Date,
  maxPoints: number = DEFAULT_MAX_POINTS,
): Promise<MetricSeries> {
  const bucket = bucketSeconds(from, to, maxPoints);
  const level = rollupLevelFor(bucket);
  const bin = (column: AnyColumn) => sql`date_bin(make_interval(secs => ${bucket}), ${column}, timestamptz '2000-01-01 00:00:00+00')`;
  const epochMs = (column: AnyColumn) => sql<string | number>`(extract(epoch from ${bin(column)}) * 1000)::float8`;
  const rows =
    level === null
      ? await db
          .select({ t: epochMs(samples.ts), cohort: samples.cohort, value: sql<string | number>`avg(${samples.value})` })
          .from(samples)
          .where(and(eq(samples.metricId, metricId), gte(samples.ts, from), lte(samples.ts, to)))
          .groupBy(sql`1`, samples.cohort)
          .orderBy(sql`1`)
      : await db
          .select({
            t: epochMs(sampleRollups.bucketStart),
            cohort: sampleRollups.cohort,
            value: sql<string | number>`sum(${sampleRollups.total}) / sum(${sampleRollups.n})`,
          })
          .from(sampleRollups)
          .where(
            and(
              eq(sampleRollups.metricId, metricId),
              eq(sampleRollups.bucketSeconds, level),
              gte(sampleRollups.bucketStart, new Date(Math.floor(from.getTime() / 1000 / level) * level * 1000)),
              lte(sampleRollups.bucketStart, to),
            ),
          )
          .groupBy(sql`1`, sampleRollups.cohort)
          .orderBy(sql`1`);
  const byTime = new Map<number, SeriesPoint>();
  for (const row of rows) {
    const t = Number(row.t);
    const point = byTime.get(t) ?? { t, canary: null, baseline: null };
    point[row.cohort] = Math.round(Number(row.value) * 1000) / 1000;
    byTime.set(t, point);
  }
  return { bucketSeconds: bucket, points: [...byTime.values()] };
}

/**
 * Each started phase's worst 15-minute canary average per metric, summed from the minute rollups
 * (a phase of days costs a few hundred rows per metric).
 */
export async function phaseReadings(db: Database, planId: string, now: Date = new Date()): Promise<Map<string, { metricId: string; worst: number }[]>> {
  const rows = rowsOf<{ phase_id: string; metric_id: string; worst: string | number }>(
    await db.execute(sql`
      with bins as (
        select ph.id as phase_id, m.id as metric_id, m.direction,
               date_bin(interval '15 minutes', r.bucket_start, timestamptz '2000-01-01 00:00:00+00') as bin,
               sum(r.total) / sum(r.n) as mean
        from phases ph
        join metrics m on m.plan_id = ph.plan_id
        join sample_rollups r on r.metric_id = m.id and r.cohort = 'canary' and r.bucket_seconds = 60
          and r.bucket_start >= ph.actual_start_at and r.bucket_start < coalesce(ph.actual_end_at, ${now.toISOString()}::timestamptz)
        where ph.plan_id = ${planId} and ph.actual_start_at is not null
        group by 1, 2, 3, 4
      )
      select phase_id, metric_id, case when direction = 'lower_is_better' then max(mean) else min(mean) end as worst
      from bins group by phase_id, metric_id, direction`),
  );
  const byPhase = new Map<string, { metricId: string; worst: number }[]>();
  for (const r of rows) {
    const list = byPhase.get(r.phase_id) ?? [];
    list.push({ metricId: r.metric_id, worst: Number(r.worst) });
    byPhase.set(r.phase_id, list);
  }
  return byPhase;
}
