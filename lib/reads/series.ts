import { type AnyColumn, and, eq, gte, lte, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { ROLLUP_LEVELS_SECONDS, sampleRollups, samples } from "@/db/schema";
import { bucketSeconds, DEFAULT_MAX_POINTS } from "@/lib/domain/downsample";

// A KPI's chart series, bucketed from the rollups: what the plan page draws and what a trigger's
// window is judged on.

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
  const bin = (column: AnyColumn) =>
    sql`date_bin(make_interval(secs => ${bucket}), ${column}, timestamptz '2000-01-01 00:00:00+00')`;
  const epochMs = (column: AnyColumn) => sql<string | number>`(extract(epoch from ${bin(column)}) * 1000)::float8`;
  const rows =
    level === null
      ? await db
          .select({
            t: epochMs(samples.ts),
            cohort: samples.cohort,
            value: sql<string | number>`avg(${samples.value})`,
          })
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
