import { sql } from "drizzle-orm";
import { ROLLUP_LEVELS_SECONDS } from "@/db/schema";
import type { Tx } from "./context";

// Per-minute and per-hour aggregates of the samples (count, sum, min, max, and the sums of the
// counts of rates pushed as counts). Ingest keeps them current in the transaction that stores the
// samples (lib/services/metrics.ts); this rebuilds them wholesale after a bulk load. Buckets share
// date_bin's origin with the chart query, so a chart bucket of any whole number of minutes or
// hours is a sum of rollup rows.

const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;

/** Rebuilds every rollup of the given metrics from their samples (bulk loads: seed, benchmarks). */
export async function rebuildRollups(tx: Tx, metricIds: readonly string[]): Promise<void> {
  if (metricIds.length === 0) return;
  const ids = sql.join(
    metricIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await tx.execute(sql`delete from sample_rollups where metric_id in (${ids})`);
  await tx.execute(sql`delete from phase_kpi_extremes where metric_id in (${ids})`);
  await tx.execute(
    sql`update metrics m set last_sample_at = (select max(s.ts) from samples s where s.metric_id = m.id and s.cohort = 'canary') where m.id in (${ids})`,
  );
  for (const secs of ROLLUP_LEVELS_SECONDS) {
    await tx.execute(sql`
      insert into sample_rollups (metric_id, cohort, bucket_seconds, bucket_start, n, total, lo, hi, numerator_total, denominator_total)
      select metric_id, cohort, ${secs}::int, date_bin(make_interval(secs => ${secs}::int), ts, ${ORIGIN}), count(*), sum(value), min(value), max(value),
        coalesce(sum(numerator), 0), coalesce(sum(denominator), 0)
      from samples where metric_id in (${ids})
      group by 1, 2, 3, 4`);
  }
}
