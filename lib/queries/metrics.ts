import "server-only";
import { and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metrics, samples } from "@/db/schema";
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

/**
 * A metric's samples between two instants, averaged per time bucket in SQL (date_bin), so at most
 * ~maxPoints points per cohort leave the database however many samples the range holds.
 */
export async function metricSeries(
  db: Database,
  metricId: string,
  from: Date,
  to: Date,
  maxPoints: number = DEFAULT_MAX_POINTS,
): Promise<MetricSeries> {
  const bucket = bucketSeconds(from, to, maxPoints);
  const bucketStart = sql`date_bin(make_interval(secs => ${bucket}), ${samples.ts}, timestamptz '2000-01-01 00:00:00+00')`;
  const rows = await db
    .select({
      t: sql<string | number>`(extract(epoch from ${bucketStart}) * 1000)::float8`,
      cohort: samples.cohort,
      value: sql<string | number>`avg(${samples.value})`,
    })
    .from(samples)
    .where(and(eq(samples.metricId, metricId), gte(samples.ts, from), lte(samples.ts, to)))
    .groupBy(sql`1`, samples.cohort)
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
