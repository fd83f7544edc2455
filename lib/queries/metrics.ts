import "server-only";
import { and, inArray, isNotNull, type SQLWrapper, sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { metrics, phaseKpiExtremes, phases, ROLLUP_LEVELS_SECONDS, sampleRollups, samples } from "@/db/schema";
import { combineExtremes, type Extremes, keptUsable, settledUntil, worstOf } from "@/lib/domain/phase-extremes";
import { isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/observability/log";

const ORIGIN = sql`timestamptz '2000-01-01 00:00:00+00'`;
const [MINUTE] = ROLLUP_LEVELS_SECONDS;

// Mean of the canary samples in the 15 minutes before each metric's newest sample. Only KPIs with
// samples are read (their newest instant is kept on the KPI): at a thousand plans, most have none.
export async function recentCanaryValues(
  db: Database,
  planIds: string[] | SQLWrapper,
): Promise<Map<string, number | null>> {
  if (Array.isArray(planIds) && planIds.length === 0) return new Map();
  const rows = await db
    .select({
      id: metrics.id,
      recent: sql<string | number | null>`(
        select avg(s.value) from ${samples} s
        where s.metric_id = ${metrics.id} and s.cohort = 'canary'
          and s.ts > ${metrics.lastSampleAt} - interval '15 minutes' and s.ts <= ${metrics.lastSampleAt})`,
    })
    .from(metrics)
    .where(and(inArray(metrics.planId, planIds), isNotNull(metrics.lastSampleAt)));
  return new Map(rows.map((r) => [r.id, r.recent === null ? null : Number(r.recent)]));
}

/**
 * The worst 15-minute canary mean of each KPI in each phase that has started, by phase: the
 * highest for a KPI where lower is better, the lowest otherwise. The settled part of each range
 * comes from phase_kpi_extremes and only the rest (about the last hour of a running phase) from
 * the minute rollups; what was read is kept for the next reader.
 */
export async function phaseReadings(
  db: Database,
  planId: string,
  now: Date = new Date(),
): Promise<Map<string, { metricId: string; worst: number }[]>> {
  type Pair = {
    phase_id: string;
    metric_id: string;
    direction: "lower_is_better" | "higher_is_better";
    s: string | Date;
    e: string | Date;
    from_at: string | Date | null;
    through: string | Date | null;
    hi: number | string | null;
    lo: number | string | null;
    computed_at: string | Date | null;
  };
  const pairs = rowsOf<Pair>(
    await db.execute(sql`
      select ph.id as phase_id, m.id as metric_id, m.direction, ph.actual_start_at as s, coalesce(ph.actual_end_at, ${now.toISOString()}::timestamptz) as e,
        k.from_at, k.through, k.hi, k.lo, k.computed_at
      from ${phases} ph
      join ${metrics} m on m.plan_id = ph.plan_id
      left join ${phaseKpiExtremes} k on k.phase_id = ph.id and k.metric_id = m.id
      where ph.plan_id = ${planId} and ph.actual_start_at is not null`),
  );
  const num = (x: number | string | null) => (x === null ? null : Number(x));
  const ranges = pairs.map((p, i) => {
    const start = new Date(p.s);
    const end = new Date(p.e);
    const until = settledUntil(start, end, now);
    const kept =
      p.from_at && p.through && p.computed_at
        ? {
            fromAt: new Date(p.from_at),
            through: new Date(p.through),
            computedAt: new Date(p.computed_at),
            hi: num(p.hi),
            lo: num(p.lo),
          }
        : null;
    const usable = keptUsable(kept, start, until, now) ? kept : null;
    return { i, pair: p, start, end, until, kept: usable, from: usable ? usable.through : start };
  });
  const windows = ranges
    .filter((w) => w.from < w.end)
    .map((w) => ({
      i: w.i,
      metricId: w.pair.metric_id,
      from: w.from.toISOString(),
      until: w.until?.toISOString() ?? null,
      to: w.end.toISOString(),
    }));
  const read = new Map<number, { settled: Extremes; all: Extremes }>();
  if (windows.length > 0) {
    const rows = rowsOf<{
      i: number;
      hi_settled: number | string | null;
      lo_settled: number | string | null;
      hi: number | string | null;
      lo: number | string | null;
    }>(
      await db.execute(sql`
        select w.i, x.hi_settled, x.lo_settled, x.hi, x.lo
        from jsonb_to_recordset(${JSON.stringify(windows)}::jsonb) as w(i int, "metricId" uuid, "from" timestamptz, "until" timestamptz, "to" timestamptz)
        -- Lateral, so each KPI is an index range scan of its own minutes.
        cross join lateral (
          select max(b.mean) filter (where b.bin < w."until") as hi_settled, min(b.mean) filter (where b.bin < w."until") as lo_settled,
            max(b.mean) as hi, min(b.mean) as lo
          from (
            select date_bin(interval '15 minutes', r.bucket_start, ${ORIGIN}) as bin, sum(r.total) / sum(r.n) as mean
            from ${sampleRollups} r
            where r.metric_id = w."metricId" and r.cohort = 'canary' and r.bucket_seconds = ${MINUTE}::int and r.bucket_start >= w."from" and r.bucket_start < w."to"
            group by 1
          ) b
        ) x`),
    );
    for (const r of rows)
      read.set(Number(r.i), {
        settled: { hi: num(r.hi_settled), lo: num(r.lo_settled) },
        all: { hi: num(r.hi), lo: num(r.lo) },
      });
  }

  const byPhase = new Map<string, { metricId: string; worst: number }[]>();
  const keep: (typeof phaseKpiExtremes.$inferInsert)[] = [];
  for (const w of ranges) {
    const before: Extremes = w.kept ?? { hi: null, lo: null };
    const fresh = read.get(w.i) ?? { settled: { hi: null, lo: null }, all: { hi: null, lo: null } };
    const worst = worstOf(combineExtremes(before, fresh.all), w.pair.direction);
    if (worst !== null) {
      const list = byPhase.get(w.pair.phase_id) ?? [];
      list.push({ metricId: w.pair.metric_id, worst });
      byPhase.set(w.pair.phase_id, list);
    }
    if (w.until && (!w.kept || w.until > w.kept.through)) {
      keep.push({
        phaseId: w.pair.phase_id,
        metricId: w.pair.metric_id,
        fromAt: w.start,
        through: w.until,
        ...combineExtremes(before, fresh.settled),
        computedAt: w.kept?.computedAt ?? now,
      });
    }
  }
  if (keep.length > 0) await keepExtremes(db, keep);
  return byPhase;
}

/** Keeps what phaseReadings read. A failure costs the next reader a longer read, never the page. */
async function keepExtremes(db: Database, rows: (typeof phaseKpiExtremes.$inferInsert)[]): Promise<void> {
  try {
    await db
      .insert(phaseKpiExtremes)
      .values(rows)
      .onConflictDoUpdate({
        target: [phaseKpiExtremes.phaseId, phaseKpiExtremes.metricId],
        set: {
          fromAt: sql`excluded.from_at`,
          through: sql`excluded.through`,
          hi: sql`excluded.hi`,
          lo: sql`excluded.lo`,
          computedAt: sql`excluded.computed_at`,
        },
      });
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    log().warn({ error: (error as Error).message }, "phase readings not kept");
  }
}
