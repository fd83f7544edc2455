import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "@/db/client";
import * as s from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { metricSeries } from "@/lib/reads/series";
import { loadPlanView } from "@/lib/queries/plan";
import { loadPortfolio, withGateBlockers } from "@/lib/queries/portfolio";
import { loadDeliveryHistory } from "@/lib/queries/delivery";
import { deliveryMetrics, deliveryPeriod } from "@/lib/domain/delivery-metrics";
import { rebuildRollups } from "@/lib/services/rollups";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const now = new Date("2026-11-22T12:00:00Z");
// The demo's four plans with a story (and the e2e tests' names); the rest is finished history.
const STORY = ["One-page checkout", "Saved cards vault", "Rich push notifications", "Search backend migration"];

describe.each(backends)("demo seed and read models on %s", (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    expect(await seedDemo(t.handle.db, now)).toEqual({ projects: 3, users: 6, plans: 28 });
  });
  afterAll(async () => t?.drop());

  const countOf = async (table: typeof s.plans | typeof s.auditEvents | typeof s.samples | typeof s.projects) =>
    Number((await t.handle.db.select({ n: count() }).from(table))[0]!.n);

  test("plans in different states, every role held by someone", async () => {
    const plans = await t.handle.db.select({ name: s.plans.name, status: s.plans.status }).from(s.plans);
    const story = plans.filter((p) => STORY.includes(p.name));
    expect(story.map((p) => p.status).sort()).toEqual(["completed", "in_progress", "rolled_back", "scheduled"]);
    // Behind them, twelve weeks of finished releases for the delivery metrics.
    const history = plans.filter((p) => !STORY.includes(p.name));
    expect(history).toHaveLength(24);
    expect(history.filter((p) => p.status === "rolled_back")).toHaveLength(5);
    expect(history.filter((p) => p.status === "completed")).toHaveLength(19);
    const roles = await t.handle.db.selectDistinct({ role: s.memberships.role }).from(s.memberships);
    expect(roles.map((r) => r.role).sort()).toEqual(["approver", "engineer", "release_manager", "viewer"]);
    const admins = await t.handle.db.select().from(s.users).where(eq(s.users.isAdmin, true));
    expect(admins).toHaveLength(1);
  });

  test("the pilot plan streams KPIs up to now, canary and baseline", async () => {
    const result = rowsOf<{ cohort: string; first: Date | string; last: Date | string; n: number }>(
      await t.handle.db.execute(sql`
        select s.cohort, min(s.ts) as first, max(s.ts) as last, count(*)::int as n
        from samples s join metrics m on m.id = s.metric_id join plans p on p.id = m.plan_id
        where p.status = 'in_progress' and m.key = 'error_rate' group by s.cohort order by s.cohort`),
    );
    expect(result.map((r) => r.cohort)).toEqual(["canary", "baseline"]);
    for (const r of result) {
      expect(new Date(r.last).getTime()).toBe(now.getTime());
      expect(now.getTime() - new Date(r.first).getTime()).toBeGreaterThanOrEqual(3 * 86_400_000);
      expect(r.n).toBeGreaterThan(1000);
    }
  });

  test("the rolled-back plan has its automatic incident and system decision", async () => {
    const [mobile] = await t.handle.db.select().from(s.plans).where(eq(s.plans.name, "Rich push notifications"));
    const [incident] = await t.handle.db.select().from(s.incidents).where(eq(s.incidents.planId, mobile!.id));
    expect(incident).toMatchObject({ origin: "automatic", status: "resolved" });
    expect(incident!.verifiedAt!.getTime() - incident!.detectedAt.getTime()).toBeLessThanOrEqual(10 * 60_000);
    const rollbacks = await t.handle.db
      .select()
      .from(s.decisions)
      .where(and(eq(s.decisions.planId, mobile!.id), eq(s.decisions.kind, "rollback")));
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]).toMatchObject({ actorKind: "system", deciderId: null });
  });

  test("twelve weeks of history give every delivery metric figures", async () => {
    const period = deliveryPeriod(now, 12);
    const metrics = deliveryMetrics(await loadDeliveryHistory(t.handle.db, period, null), period, null);
    expect(metrics.releases.total).toBeGreaterThanOrEqual(19);
    expect(metrics.releases.weeks.filter((w) => w.completed > 0).length).toBeGreaterThanOrEqual(8);
    expect(metrics.leadTime.medianMs).toBeGreaterThan(0);
    expect(metrics.leadTime.unmeasured).toBe(0);
    expect(metrics.changeFailureRate.rolledBack).toBe(6);
    expect(metrics.timeToRestore.count).toBe(6);
    expect(metrics.timeToRestore.open).toBe(0);
    const total = metrics.rollbackTargets.stages.find((st) => st.stage === "total")!;
    expect(total.measured).toBe(6);
    expect(total.met).toBeGreaterThan(0);
    expect(metrics.rollbackTargets.stages.some((st) => st.met < st.measured)).toBe(true);
  });

  test("the history is in the audit trail: decisions, ticks, sign-offs, incident", async () => {
    const actions = await t.handle.db
      .select({ action: s.auditEvents.action, n: count() })
      .from(s.auditEvents)
      .groupBy(s.auditEvents.action);
    const byAction = Object.fromEntries(actions.map((a) => [a.action, Number(a.n)]));
    const decisions = await t.handle.db.select({ n: count() }).from(s.decisions);
    expect((byAction["decision.go"] ?? 0) + (byAction["decision.rollback"] ?? 0)).toBe(Number(decisions[0]!.n));
    expect(byAction["checklist_item.updated"]).toBeGreaterThan(20);
    expect(byAction["checklist.signed"]).toBeGreaterThan(3);
    expect(byAction["incident.opened"]).toBe(1 + 5);
  });

  test("seeding again, or into a database with data, writes nothing", async () => {
    const before = [await countOf(s.plans), await countOf(s.auditEvents), await countOf(s.samples)];
    expect(await seedDemo(t.handle.db, now)).toBeNull();
    expect([await countOf(s.plans), await countOf(s.auditEvents), await countOf(s.samples)]).toEqual(before);

    const other = await createTestDatabase(kind);
    try {
      await other.handle.db.insert(s.projects).values({ slug: "real", name: "Real project" });
      expect(await seedDemo(other.handle.db, now)).toBeNull();
      expect(Number((await other.handle.db.select({ n: count() }).from(s.plans))[0]!.n)).toBe(0);
    } finally {
      await other.drop();
    }
  });

  test("the portfolio shows every plan with phase, traffic, health and milestone", async () => {
    const all = await withGateBlockers(t.handle.db, await loadPortfolio(t.handle.db, now), now);
    // The demo's own plans come first in their groups; the history ended earlier.
    expect(all.slice(0, 3).map((r) => r.name)).toEqual([
      "One-page checkout",
      "Saved cards vault",
      "Rich push notifications",
    ]);
    const rows = all.filter((r) => STORY.includes(r.name));
    expect(rows.map((r) => r.status)).toEqual(["in_progress", "scheduled", "rolled_back", "completed"]);
    const [pilot, scheduled, rolledBack, completed] = rows;
    expect(pilot).toMatchObject({
      name: "One-page checkout",
      project: { slug: "checkout", name: "Checkout" },
      phase: { name: "Pilot", position: 2, count: 4 },
      trafficPercent: 10,
      health: "amber", // p95 crept past its 600 ms alert threshold in the last hours
      milestone: { label: "Go/no-go: Pilot → Expanded (25%)", status: "at_risk" },
    });
    expect(scheduled).toMatchObject({
      phase: null,
      trafficPercent: 0,
      health: "unknown",
      milestone: { label: "Start Green warm-up" },
    });
    expect(rolledBack).toMatchObject({
      phase: { name: "Canary 25%" },
      trafficPercent: 0,
      milestone: null,
      openIncidents: 0,
    });
    expect(completed).toMatchObject({
      phase: { name: "GA", position: 5, count: 5 },
      trafficPercent: 100,
      milestone: null,
      blockers: [],
    });
    // The pilot's open blockers are its gate's unmet conditions, in the words a go decision uses.
    expect(pilot!.blockers).toEqual(expect.arrayContaining(["1 of 2 approvals given: 1 more needed from approver"]));
    expect(pilot!.blockers.some((b) => b.startsWith("Success criterion not met"))).toBe(true);
    // The rolled-back plan's incident is resolved: nothing stands open.
    expect(rolledBack!.blockers).toEqual([]);
  });

  test("the plan view explains the active phase's gate and charts every KPI", async () => {
    const [pilot] = await t.handle.db.select().from(s.plans).where(eq(s.plans.status, "in_progress"));
    const view = await loadPlanView(t.handle.db, pilot!.id, now);
    expect(view).not.toBeNull();
    expect(view!.plan.phases[view!.focusIndex]!.name).toBe("Pilot");
    expect(view!.gateOutstanding).toBe(3);
    expect(view!.metrics.map((m) => m.key)).toEqual(["error_rate", "p95_latency", "availability", "conversion"]);
    for (const m of view!.metrics) {
      expect(m.series.points.length).toBeGreaterThan(100);
      expect(m.series.points.length).toBeLessThanOrEqual(501);
    }
    expect(view!.metrics.find((m) => m.key === "p95_latency")!.health).toBe("amber");
    // Each started phase says how it went; Pilot's latency has been over its alert line.
    const byName = new Map(view!.plan.phases.map((p) => [p.name, view!.phaseHealth.get(p.id)]));
    expect(byName.get("Pilot")).toMatchObject({
      health: expect.stringMatching(/amber|red/),
      detail: expect.stringMatching(/ over 15 minutes/),
    });
    expect(byName.get("Expanded")).toBeUndefined();
    // The canary judge on the Pilot's error rate, pushed as errors of requests: the same rate in
    // both cohorts, so after three days it is sure the canary is not worse.
    expect(view!.canary?.phase.name).toBe("Pilot");
    const judged = view!.canary!.kpis.find((k) => k.key === "error_rate")!;
    expect(judged.uses.sort()).toEqual(["automatic rollback", "success criterion"]);
    expect(judged.reading.form).toBe("counts");
    expect(judged.reading.judgement.verdict).toBe("pass");
    expect(judged.reading.judgement.samples.canary).toBeGreaterThan(500_000);
    expect(judged.reading.judgement.sentence).toMatch(
      /^Error rate is .* on the canary \(95% interval 0\.9\d–1\.\d+×\): within the 1\.25× tolerated$/,
    );
    expect(judged.series.length).toBeGreaterThan(50);
    expect(judged.series.length).toBeLessThanOrEqual(120);
    expect(view!.gate!.criteria.find((c) => c.description.includes("not worse on the canary"))).toMatchObject({
      met: true,
    });
  });

  test("an unknown or malformed plan id is simply not found", async () => {
    expect(await loadPlanView(t.handle.db, "00000000-0000-4000-8000-000000000000", now)).toBeNull();
    expect(await loadPlanView(t.handle.db, "'; drop table plans; --", now)).toBeNull();
  });

  test("long series are averaged into at most ~500 buckets in SQL", async () => {
    const [project] = await t.handle.db.select().from(s.projects).limit(1);
    const [plan] = await t.handle.db
      .insert(s.plans)
      .values({ projectId: project!.id, name: "Dense", releaseVersion: "0.1.0", strategy: "canary" })
      .returning();
    const [metric] = await t.handle.db
      .insert(s.metrics)
      .values({ planId: plan!.id, key: "dense", label: "Dense", direction: "lower_is_better" })
      .returning();
    // 100,000 samples, one a second, value = seconds since start mod 10 → every bucket averages 4.5.
    await t.handle.db.execute(sql`
      insert into samples (metric_id, cohort, ts, value)
      select ${metric!.id}, 'canary', timestamptz '2026-11-01 00:00:00+00' + make_interval(secs => g), g % 10
      from generate_series(0, 99999) g`);
    await t.handle.db.transaction((tx) => rebuildRollups(tx, [metric!.id]));
    const from = new Date("2026-11-01T00:00:00Z");
    const to = new Date(from.getTime() + 99_999_000);
    const series = await metricSeries(t.handle.db, metric!.id, from, to);
    expect(series.bucketSeconds).toBe(300);
    expect(series.points.length).toBeLessThanOrEqual(501);
    expect(series.points.length).toBeGreaterThan(300);
    expect(series.points[0]).toEqual({ t: from.getTime(), canary: 4.5, baseline: null });
    const times = series.points.map((p) => p.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
