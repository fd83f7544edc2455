import { and, asc, eq, gte, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sampleRollups } from "@/db/schema";
import type { MinuteRow } from "@/lib/domain/canary-data";
import type { Tx } from "@/lib/services/context";

/**
 * A KPI's minute rollups of both cohorts between two instants, oldest first: what the canary judge
 * reads (a week of per-minute data is about 20,000 rows).
 */
export async function canaryMinutes(db: Database | Tx, metricId: string, from: Date, to: Date): Promise<MinuteRow[]> {
  const rows = await db
    .select({
      start: sampleRollups.bucketStart,
      cohort: sampleRollups.cohort,
      n: sampleRollups.n,
      total: sampleRollups.total,
      numerator: sampleRollups.numeratorTotal,
      denominator: sampleRollups.denominatorTotal,
    })
    .from(sampleRollups)
    .where(
      and(
        eq(sampleRollups.metricId, metricId),
        eq(sampleRollups.bucketSeconds, 60),
        // The minute a phase started in counts from its start.
        gte(sampleRollups.bucketStart, new Date(Math.floor(from.getTime() / 60_000) * 60_000)),
        lte(sampleRollups.bucketStart, to),
      ),
    )
    .orderBy(asc(sampleRollups.bucketStart));
  return rows.map((r) => ({ t: r.start.getTime(), cohort: r.cohort, n: Number(r.n), total: Number(r.total), numerator: Number(r.numerator), denominator: Number(r.denominator) }));
}
