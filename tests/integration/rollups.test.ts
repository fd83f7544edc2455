import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "@/db/client";
import { metrics } from "@/db/schema";
import { metricSeries, rollupLevelFor } from "@/lib/reads/series";
import { ingestSamples } from "@/lib/services/metrics";
import { planWithTokens } from "../support/api-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

interface Mismatch {
  level: number;
  bucket: string;
  rolled: number;
  actual: number;
}

describe.each(backends)("sample rollups on %s", (kind) => {
  let t: TestDatabase;
  let fixture: Awaited<ReturnType<typeof planWithTokens>>;
  let metricId: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    fixture = await planWithTokens(t.handle.db, "canary", "Rollups", {});
    const [m] = await t.handle.db
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, fixture.planId), eq(metrics.key, "p95_latency")));
    metricId = m!.id;
  });
  afterAll(async () => t?.drop());

  /** Rollup rows that disagree with the samples beneath them (count or sum). */
  async function mismatches(): Promise<Mismatch[]> {
    return rowsOf<Mismatch>(
      await t.handle.db.execute(sql`
        select r.bucket_seconds as level, r.bucket_start::text as bucket, r.n as rolled, count(s.*)::int as actual
        from sample_rollups r
        left join samples s on s.metric_id = r.metric_id and s.cohort = r.cohort
          and s.ts >= r.bucket_start and s.ts < r.bucket_start + make_interval(secs => r.bucket_seconds)
        where r.metric_id = ${metricId}
        group by r.metric_id, r.cohort, r.bucket_seconds, r.bucket_start, r.n, r.total
        having r.n <> count(s.*) or abs(r.total - coalesce(sum(s.value), 0)) > 1e-6`),
    );
  }

  test("ingest keeps minute and hour rollups equal to the samples, overwrites included", async () => {
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const start = end - 3 * 3_600_000;
    const rows = [];
    for (let ts = start; ts < end; ts += 20_000) {
      rows.push(
        { metric: "p95_latency", ts, value: 300 + ((ts / 20_000) % 17) },
        { metric: "p95_latency", ts, value: 310, cohort: "baseline" },
      );
    }
    for (let i = 0; i < rows.length; i += 500) await ingestSamples(fixture.ctx, fixture.planId, rows.slice(i, i + 500));
    // Re-send a slice with new values: the buckets must not count these twice.
    await ingestSamples(
      fixture.ctx,
      fixture.planId,
      rows.slice(100, 400).map((r) => ({ ...r, value: r.value + 50 })),
    );
    expect(await mismatches()).toEqual([]);
    const levels = rowsOf<{ level: number; n: number }>(
      await t.handle.db.execute(
        sql`select bucket_seconds as level, sum(n)::int as n from sample_rollups where metric_id = ${metricId} group by 1 order by 1`,
      ),
    );
    expect(levels).toEqual([
      { level: 60, n: rows.length },
      { level: 3600, n: rows.length },
    ]);
  });

  test("a chart read from rollups gives the same points as one read from the samples", async () => {
    const to = new Date();
    const from = new Date(Math.floor((to.getTime() - 4 * 3_600_000) / 3_600_000) * 3_600_000);
    // 4 h into 30 points → 10-minute buckets (minute rollups); into 3 points → 2-hour buckets (hour rollups).
    for (const maxPoints of [30, 3]) {
      const series = await metricSeries(t.handle.db, metricId, from, to, maxPoints);
      expect(rollupLevelFor(series.bucketSeconds)).not.toBeNull();
      const raw = rowsOf<{ t: number; cohort: "canary" | "baseline"; value: number }>(
        await t.handle.db.execute(sql`
          select (extract(epoch from date_bin(make_interval(secs => ${series.bucketSeconds}), ts, timestamptz '2000-01-01 00:00:00+00')) * 1000)::float8 as t,
                 cohort, avg(value) as value
          from samples where metric_id = ${metricId} and ts >= ${from.toISOString()}::timestamptz and ts <= ${to.toISOString()}::timestamptz
          group by 1, 2 order by 1`),
      );
      expect(series.points.length).toBeGreaterThan(0);
      for (const r of raw) {
        const point = series.points.find((p) => p.t === Number(r.t));
        expect(point?.[r.cohort]).toBeCloseTo(Number(r.value), 2);
      }
      expect(series.points.length).toBe(new Set(raw.map((r) => Number(r.t))).size);
    }
  });

  // Concurrent transactions need a server; PGlite runs one at a time.
  if (kind === "postgres")
    test("concurrent batches into the same minutes are all counted", async () => {
      // Five hours back: clear of the samples the first test stored.
      const minute = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 3_600_000;
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) => ({ metric: "p95_latency", ts: minute + b * 50 + i, value: 100 + i })),
      );
      await Promise.all(batches.map((rows) => ingestSamples(fixture.ctx, fixture.planId, rows)));
      expect(await mismatches()).toEqual([]);
      const [row] = rowsOf<{ n: number }>(
        await t.handle.db.execute(
          sql`select n from sample_rollups where metric_id = ${metricId} and cohort = 'canary' and bucket_seconds = 60 and bucket_start = ${new Date(minute).toISOString()}::timestamptz`,
        ),
      );
      expect(row?.n).toBe(400);
    });
});
