import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as planRoute } from "@/app/api/v1/plans/[planId]/route";
import { rowsOf, setProcessDatabase } from "@/db/client";
import { metrics, phaseKpiExtremes, phases } from "@/db/schema";
import { DEFAULT_INGEST_POLICY } from "@/lib/domain/ingest";
import { binFloor, SETTLE_MS } from "@/lib/domain/phase-extremes";
import { phaseReadings, recentCanaryValues } from "@/lib/queries/metrics";
import { ingestSamples } from "@/lib/services/metrics";
import { transitionPlan } from "@/lib/services/decisions";
import { createApiToken } from "@/lib/services/tokens";
import { planWithTokens } from "../support/api-fixture";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The test reads at instants up to two hours ahead of the clock.
const POLICY = { ...DEFAULT_INGEST_POLICY, maxFutureMs: 3 * HOUR };

describe.each(backends)("phase readings kept for the settled part of a phase on %s", (kind) => {
  let t: TestDatabase;
  let fixture: Awaited<ReturnType<typeof planWithTokens>>;
  let phaseId: string;
  let latencyId: string;
  let availabilityId: string;
  const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const phaseStart = new Date(now.getTime() - 6 * HOUR - 7 * MINUTE);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    fixture = await planWithTokens(t.handle.db, "canary", "Phase readings", {});
    await transitionPlan(fixture.ctx, { planId: fixture.planId, version: 1, action: "start" });
    const [active] = await t.handle.db
      .select()
      .from(phases)
      .where(and(eq(phases.planId, fixture.planId), eq(phases.status, "active")));
    phaseId = active!.id;
    await t.handle.db.update(phases).set({ actualStartAt: phaseStart }).where(eq(phases.id, phaseId));
    const kpis = await t.handle.db.select().from(metrics).where(eq(metrics.planId, fixture.planId));
    latencyId = kpis.find((m) => m.key === "p95_latency")!.id;
    availabilityId = kpis.find((m) => m.direction === "higher_is_better")!.id;
    const availability = kpis.find((m) => m.id === availabilityId)!.key;
    // A sample a minute since the phase began; latency spikes for one quarter hour three hours in.
    const rows = [];
    for (let ts = phaseStart.getTime(); ts <= now.getTime(); ts += MINUTE) {
      const spike = binFloor(ts) === binFloor(phaseStart.getTime() + 3 * HOUR);
      rows.push({ metric: "p95_latency", ts, value: spike ? 900 : 200 + ((ts / MINUTE) % 7) });
      rows.push({ metric: availability, ts, value: 99.9 - ((ts / MINUTE) % 5) / 100 });
      rows.push({ metric: "p95_latency", ts, value: 5000, cohort: "baseline" as const });
    }
    for (let i = 0; i < rows.length; i += 400)
      await ingestSamples(fixture.ctx, fixture.planId, rows.slice(i, i + 400), POLICY);
  });
  afterAll(async () => t?.drop());

  /** The worst 15-minute canary mean read straight from the minute rollups, as before anything was kept. */
  async function fromMinutes(at: Date): Promise<Map<string, number>> {
    const rows = rowsOf<{ metric_id: string; worst: number | string }>(
      await t.handle.db.execute(sql`
        with bins as (
          select m.id as metric_id, m.direction, sum(r.total) / sum(r.n) as mean
          from phases ph join metrics m on m.plan_id = ph.plan_id
          join sample_rollups r on r.metric_id = m.id and r.cohort = 'canary' and r.bucket_seconds = 60
            and r.bucket_start >= ph.actual_start_at and r.bucket_start < coalesce(ph.actual_end_at, ${at.toISOString()}::timestamptz)
          where ph.id = ${phaseId}
          group by 1, 2, date_bin(interval '15 minutes', r.bucket_start, timestamptz '2000-01-01 00:00:00+00')
        )
        select metric_id, case when direction = 'lower_is_better' then max(mean) else min(mean) end as worst from bins group by metric_id, direction`),
    );
    return new Map(rows.map((r) => [r.metric_id, Number(r.worst)]));
  }

  /** Equal up to the order sums were taken in. */
  function expectSame(got: Map<string, number>, want: Map<string, number>) {
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, value] of want) expect(got.get(id)).toBeCloseTo(value, 9);
  }

  async function readings(at: Date): Promise<Map<string, number>> {
    return new Map(
      ((await phaseReadings(t.handle.db, fixture.planId, at)).get(phaseId) ?? []).map((r) => [r.metricId, r.worst]),
    );
  }

  const kept = async () =>
    (await t.handle.db.select().from(phaseKpiExtremes).where(eq(phaseKpiExtremes.phaseId, phaseId))).sort((a, b) =>
      a.metricId.localeCompare(b.metricId),
    );

  test("the first read keeps the settled part, and later reads agree with the minutes", async () => {
    const first = await readings(now);
    expectSame(first, await fromMinutes(now));
    expect(first.get(latencyId)).toBeCloseTo(900, 6);
    // Every KPI of the phase, those without samples too (their range holds none).
    const rows = await kept();
    expect(rows.length).toBe(
      (await t.handle.db.select().from(metrics).where(eq(metrics.planId, fixture.planId))).length,
    );
    expect(rows.find((r) => r.metricId === latencyId)?.hi).toBeCloseTo(900, 6);
    for (const r of rows) {
      expect(r.through.getTime()).toBe(binFloor(now.getTime() - SETTLE_MS));
      expect(r.fromAt.getTime()).toBe(phaseStart.getTime());
      expect(r.computedAt.getTime()).toBe(now.getTime());
    }
    // Twenty minutes on, the kept range grows by whole bins and the answer still matches.
    const later = new Date(now.getTime() + 20 * MINUTE);
    expectSame(await readings(later), await fromMinutes(later));
    const grown = await kept();
    expect(grown[0]!.through.getTime()).toBe(binFloor(later.getTime() - SETTLE_MS));
    expect(grown[0]!.computedAt.getTime()).toBe(now.getTime());
  });

  test("the kept value is what a read uses for the settled part", async () => {
    await readings(now);
    await t.handle.db
      .update(phaseKpiExtremes)
      .set({ hi: 12_345 })
      .where(and(eq(phaseKpiExtremes.phaseId, phaseId), eq(phaseKpiExtremes.metricId, latencyId)));
    expect((await readings(now)).get(latencyId)).toBe(12_345);
    // Read in full again once it is an hour old.
    expect((await readings(new Date(now.getTime() + HOUR + MINUTE))).get(latencyId)).toBeCloseTo(900, 6);
  });

  test("a late sample in the settled part drops what was kept, and the next read counts it", async () => {
    await readings(now);
    const before = (await kept()).map((r) => r.metricId);
    expect(before).toContain(latencyId);
    const late = phaseStart.getTime() + 2 * HOUR;
    const bin = binFloor(late);
    const lateRows = Array.from({ length: 15 }, (_, i) => ({
      metric: "p95_latency",
      ts: bin + i * MINUTE,
      value: 1500,
    }));
    await ingestSamples(fixture.ctx, fixture.planId, lateRows, POLICY);
    expect((await kept()).map((r) => r.metricId)).toEqual(before.filter((id) => id !== latencyId));
    const after = await readings(now);
    expect(after.get(latencyId)).toBeGreaterThan(1000);
    expectSame(after, await fromMinutes(now));
  });

  test("a baseline sample or one after the settled part keeps what was kept", async () => {
    await readings(now);
    const before = await kept();
    await ingestSamples(
      fixture.ctx,
      fixture.planId,
      [
        { metric: "p95_latency", ts: phaseStart.getTime() + HOUR, value: 1, cohort: "baseline" },
        { metric: "p95_latency", ts: now.getTime() - 5 * MINUTE, value: 210 },
      ],
      POLICY,
    );
    expect(await kept()).toEqual(before);
    expectSame(await readings(now), await fromMinutes(now));
  });

  test("a phase that moved its start, or has ended, is read in full and kept to its end", async () => {
    await readings(now);
    const moved = new Date(phaseStart.getTime() + 4 * HOUR);
    await t.handle.db.update(phases).set({ actualStartAt: moved }).where(eq(phases.id, phaseId));
    const readMoved = await readings(now);
    expectSame(readMoved, await fromMinutes(now));
    expect(readMoved.get(latencyId)).toBeLessThan(900);
    expect((await kept())[0]!.fromAt.getTime()).toBe(moved.getTime());

    const end = new Date(now.getTime() - 2 * HOUR + 7 * MINUTE);
    await t.handle.db.update(phases).set({ actualStartAt: phaseStart, actualEndAt: end }).where(eq(phases.id, phaseId));
    expectSame(await readings(now), await fromMinutes(now));
    for (const r of await kept()) expect(r.through.getTime()).toBe(end.getTime());
    await t.handle.db.update(phases).set({ actualEndAt: null }).where(eq(phases.id, phaseId));
  });

  test("a KPI keeps its newest canary sample's instant: a late or baseline sample leaves it, a newer one moves it", async () => {
    const newest = async () =>
      (await t.handle.db.select({ at: metrics.lastSampleAt }).from(metrics).where(eq(metrics.id, latencyId)))[0]!.at;
    const before = await newest();
    expect(before?.getTime()).toBe(now.getTime());
    await ingestSamples(
      fixture.ctx,
      fixture.planId,
      [
        { metric: "p95_latency", ts: now.getTime() - HOUR, value: 5 },
        { metric: "p95_latency", ts: now.getTime() + 2 * MINUTE, value: 5, cohort: "baseline" },
      ],
      POLICY,
    );
    expect(await newest()).toEqual(before);
    await ingestSamples(
      fixture.ctx,
      fixture.planId,
      [{ metric: "p95_latency", ts: now.getTime() + MINUTE, value: 205 }],
      POLICY,
    );
    expect((await newest())?.getTime()).toBe(now.getTime() + MINUTE);
    // The KPIs without samples have none, and the portfolio does not read them.
    const blank = await t.handle.db
      .select({ id: metrics.id })
      .from(metrics)
      .where(and(eq(metrics.planId, fixture.planId), isNull(metrics.lastSampleAt)));
    expect(blank.length).toBeGreaterThan(0);
    const recent = await recentCanaryValues(t.handle.db, [fixture.planId]);
    for (const { id } of blank) expect(recent.has(id)).toBe(false);
    expect(recent.get(latencyId)).toBeGreaterThan(0);
  });

  test("a plan read refused to another project's token keeps nothing (found by the API fuzz)", async () => {
    setProcessDatabase(t.handle);
    const other = await makeProject(t.handle.db);
    const otherRm = await makeUser(t.handle.db, { projectId: other.id, roles: ["release_manager"] });
    const stranger = await createApiToken(
      { db: t.handle.db, actor: otherRm, requestId: null },
      { projectId: other.id, name: "other", scopes: ["plans:read"] },
    );
    const own = await createApiToken(fixture.ctx, {
      projectId: fixture.projectId,
      name: "own",
      scopes: ["plans:read"],
    });
    const read = (token: string) =>
      (planRoute as (r: Request, c: { params: Promise<{ planId: string }> }) => Promise<Response>)(
        new Request(`http://test/api/v1/plans/${fixture.planId}`, { headers: { authorization: `Bearer ${token}` } }),
        { params: Promise.resolve({ planId: fixture.planId }) },
      );
    await t.handle.db.delete(phaseKpiExtremes).where(eq(phaseKpiExtremes.phaseId, phaseId));
    expect((await read(stranger.token)).status).toBe(404);
    expect(await kept()).toEqual([]);
    expect((await read(own.token)).status).toBe(200);
    expect((await kept()).length).toBeGreaterThan(0);
  });
});
