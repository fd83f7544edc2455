import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { phases, plans } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { loadKpiReading, loadPlanView } from "@/lib/queries/plan";
import { transitionPlan } from "@/lib/services/decisions";
import { ingestSamples } from "@/lib/services/metrics";
import { createPlan } from "@/lib/services/plans";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The reading an open plan page fetches to redraw one KPI's chart after samples for it arrive:
// the same chart and health the whole page renders, for one KPI.

describe.each(backends)("one KPI's live reading on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor;
  let planId: string;
  const ctx = () => ({ db: t.handle.db, actor: rm, requestId: null });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(t.handle.db)).id;
    rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager", "engineer"] });
    ({ planId } = await createPlan(ctx(), { projectId, template: "canary", name: "Live", releaseVersion: "1.0.0" }));
    await transitionPlan(ctx(), { planId, version: 1, action: "start" });
    await t.handle.db
      .update(phases)
      .set({ actualStartAt: new Date(Date.now() - 3600_000) })
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
    await t.handle.db
      .update(plans)
      .set({ startedAt: new Date(Date.now() - 3600_000) })
      .where(eq(plans.id, planId));
  }, 120_000);
  afterAll(async () => t?.drop());

  test("before any sample: an empty chart over the rollout so far, health unknown", async () => {
    const reading = await loadKpiReading(t.handle.db, planId, "error_rate");
    expect(reading).not.toBeNull();
    expect(reading!.series.points).toEqual([]);
    expect(reading!.health).toBe("unknown");
    expect(reading!.recent).toBeNull();
    expect(reading!.to).toBeGreaterThan(reading!.from);
  });

  test("after a batch: the chart and health the whole page shows for that KPI", async () => {
    const now = Date.now();
    await ingestSamples(
      ctx(),
      planId,
      Array.from({ length: 20 }, (_, i) => ({ metric: "error_rate", ts: now - (20 - i) * 60_000, value: 0.4 })),
    );
    const at = new Date();
    const reading = await loadKpiReading(t.handle.db, planId, "error_rate", at);
    const view = await loadPlanView(t.handle.db, planId, at);
    const shown = view!.metrics.find((m) => m.key === "error_rate")!;
    expect(reading!.series).toEqual(shown.series);
    expect(reading!.health).toBe(shown.health);
    expect(reading!.health).toBe("green");
    expect(reading!.recent).toBeCloseTo(0.4);
    expect(reading!.from).toBe(view!.chartRange.from.getTime());
    expect(reading!.series.points.length).toBeGreaterThan(0);
  });

  test("a KPI the plan does not have, or no plan, reads as nothing", async () => {
    expect(await loadKpiReading(t.handle.db, planId, "no_such_kpi")).toBeNull();
    expect(await loadKpiReading(t.handle.db, "00000000-0000-4000-8000-000000000000", "error_rate")).toBeNull();
    expect(await loadKpiReading(t.handle.db, "not-a-plan", "error_rate")).toBeNull();
  });
});
