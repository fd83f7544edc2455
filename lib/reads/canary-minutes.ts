import { sql } from "drizzle-orm";
import { type Database, rowsOf, type Tx } from "@/db/client";
import { sampleRollups } from "@/db/schema";
import type { MinuteRow } from "@/lib/domain/canary-data";

/**
 * A KPI's minute rollups of both cohorts between two instants, oldest first: what the canary judge
 * reads (a week of per-minute data is about 20,000 rows).
 */
export async function canaryMinutes(db: Database | Tx, metricId: string, from: Date, to: Date): Promise<MinuteRow[]> {
  return (await canaryMinutesOf(db, [{ metricId, from }], to)).get(`${metricId}|${from.getTime()}`) ?? [];
}

/**
 * canaryMinutes for many KPIs at once (the gates of every running plan), in one query: keyed by
 * `${metricId}|${from in ms}`, each list oldest first.
 */
export async function canaryMinutesOf(
  db: Database | Tx,
  windows: readonly { metricId: string; from: Date }[],
  to: Date,
): Promise<Map<string, MinuteRow[]>> {
  const result = new Map<string, MinuteRow[]>();
  if (windows.length === 0) return result;
  const keyed = [...new Map(windows.map((w) => [`${w.metricId}|${w.from.getTime()}`, w])).entries()].map(
    ([key, w]) => ({
      key,
      metricId: w.metricId,
      // The minute a phase started in counts from its start.
      from: new Date(Math.floor(w.from.getTime() / 60_000) * 60_000).toISOString(),
    }),
  );
  const rows = rowsOf<{
    key: string;
    start: string | Date;
    cohort: MinuteRow["cohort"];
    n: number | string;
    total: number | string;
    numerator: number | string;
    denominator: number | string;
  }>(
    await db.execute(sql`
      select w.key, r.start, r.cohort, r.n, r.total, r.numerator, r.denominator
      from jsonb_to_recordset(${JSON.stringify(keyed)}::jsonb) as w(key text, "metricId" uuid, "from" timestamptz)
      -- Lateral, so each KPI is an index range scan of its own minutes.
      cross join lateral (
        select r.bucket_start as start, r.cohort, r.n, r.total, r.numerator_total as numerator, r.denominator_total as denominator
        from ${sampleRollups} r
        where r.metric_id = w."metricId" and r.bucket_seconds = 60 and r.bucket_start >= w."from" and r.bucket_start <= ${to.toISOString()}::timestamptz
      ) r
      order by w.key, r.start`),
  );
  for (const { key } of keyed) result.set(key, []);
  for (const r of rows) {
    result.get(r.key)!.push({
      t: new Date(r.start).getTime(),
      cohort: r.cohort,
      n: Number(r.n),
      total: Number(r.total),
      numerator: Number(r.numerator),
      denominator: Number(r.denominator),
    });
  }
  return result;
}
