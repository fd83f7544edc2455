import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { phases, plans } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { readableProjectIds } from "@/lib/auth/actor";
import { deliveryMetrics, deliveryPeriod } from "@/lib/domain/delivery-metrics";
import { layoutRoadmap, parseRoadmapFilter } from "@/lib/domain/roadmap";
import { loadDeliveryHistory, loadDeliveryProjects } from "@/lib/queries/delivery";
import { loadRoadmap } from "@/lib/queries/roadmap";
import { recordDecision, transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The roadmap and the delivery metrics read only the projects a person may read, with every
// plan's phases, decisions and incidents, in a fixed number of queries whatever the number of plans.

const HOUR = 3_600_000;

describe.each(backends)("roadmap and delivery reads on %s", (kind) => {
  let t: TestDatabase;
  let counting = false;
  let queries = 0;
  let viewer: UserActor;
  let ids: { rolledBack: string; completed: string; draft: string; other: string };
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind, { onQuery: () => void (counting && queries++) });
    const db = t.handle.db;
    projectA = (await makeProject(db)).id;
    projectB = (await makeProject(db)).id;
    const rmA = await makeUser(db, { projectId: projectA, roles: ["release_manager"] });
    const rmB = await makeUser(db, { projectId: projectB, roles: ["release_manager"] });
    viewer = await makeUser(db, { projectId: projectA, roles: ["viewer"] });
    const ctxA = { db, actor: rmA, requestId: null };
    const ctxB = { db, actor: rmB, requestId: null };
    const make = async (ctx: typeof ctxA, projectId: string, name: string) =>
      (await createPlan(ctx, { projectId, template: "staged", name, releaseVersion: "1.0.0" })).planId;

    const rolledBack = await make(ctxA, projectA, "Rolled back release");
    await transitionPlan(ctxA, { planId: rolledBack, version: 1, action: "start" });
    await recordDecision(ctxA, { planId: rolledBack, version: 2, kind: "rollback", rationale: "Errors doubled" });

    // A completed release, its last phase (100%) reached three hours after the start.
    const completed = await make(ctxA, projectA, "Completed release");
    const start = new Date(Date.now() - 5 * HOUR);
    await db
      .update(plans)
      .set({ status: "completed", startedAt: start, endedAt: new Date(Date.now() - HOUR) })
      .where(eq(plans.id, completed));
    await db
      .update(phases)
      .set({ status: "passed", actualStartAt: new Date(start.getTime() + 3 * HOUR), actualEndAt: new Date() })
      .where(sql`${phases.planId} = ${completed} and ${phases.trafficPercent} >= 100`);

    const draft = await make(ctxA, projectA, "Draft release");
    const other = await make(ctxB, projectB, "Other project's release");
    await transitionPlan(ctxB, { planId: other, version: 1, action: "start" });
    ids = { rolledBack, completed, draft, other };
  }, 120_000);
  afterAll(async () => t?.drop());

  test("the roadmap holds the readable plans with their phases and marks", async () => {
    const now = new Date();
    const mine = await loadRoadmap(t.handle.db, now, readableProjectIds(viewer));
    expect(mine.map((p) => p.id).sort()).toEqual([ids.rolledBack, ids.completed, ids.draft].sort());
    const rolledBack = mine.find((p) => p.id === ids.rolledBack)!;
    expect(rolledBack.status).toBe("rolled_back");
    expect(rolledBack.project.id).toBe(projectA);
    expect(rolledBack.phases.length).toBeGreaterThan(1);
    expect(rolledBack.markers.map((m) => m.kind).sort()).toEqual(["incident", "rollback"]);

    const all = await loadRoadmap(t.handle.db, now, null);
    expect(all.map((p) => p.id)).toContain(ids.other);
    const running = all.find((p) => p.id === ids.other)!;
    expect(running.milestone).not.toBeNull();
    expect(await loadRoadmap(t.handle.db, now, [])).toEqual([]);

    const layout = layoutRoadmap(mine, parseRoadmapFilter({}), now);
    const drawn = layout.groups.flatMap((g) => g.rows.map((r) => r.plan.id));
    expect(drawn).toContain(ids.rolledBack);
    expect(drawn.length + layout.outside).toBe(3);
  });

  test("the delivery history holds the readable releases that ended in the period", async () => {
    const now = new Date();
    const period = deliveryPeriod(now, 4);
    const history = await loadDeliveryHistory(t.handle.db, period, readableProjectIds(viewer));
    expect(history.plans.map((p) => p.id).sort()).toEqual([ids.rolledBack, ids.completed].sort());
    const completed = history.plans.find((p) => p.id === ids.completed)!;
    expect(completed.reached100At!.getTime() - completed.startedAt!.getTime()).toBe(3 * HOUR);
    expect(history.incidents).toHaveLength(1);
    expect(history.incidents[0]!.planId).toBe(ids.rolledBack);
    expect(history.incidents[0]!.targets.decideTargetSec).toBeGreaterThan(0);

    const metrics = deliveryMetrics(history, period, null);
    expect(metrics.changeFailureRate).toMatchObject({ rolledBack: 1, finished: 2 });
    expect(metrics.leadTime.medianMs).toBe(3 * HOUR);
    expect(metrics.timeToRestore.open).toBe(1);

    const earlier = deliveryPeriod(new Date(now.getTime() - 60 * 24 * HOUR), 4);
    expect((await loadDeliveryHistory(t.handle.db, earlier, null)).plans).toEqual([]);
    expect(await loadDeliveryHistory(t.handle.db, period, [])).toEqual({ plans: [], incidents: [] });
    expect((await loadDeliveryProjects(t.handle.db, readableProjectIds(viewer))).map((p) => p.id)).toEqual([projectA]);
  });

  test("both reads send the same number of queries with many more plans", async () => {
    const count = async (load: () => Promise<unknown>) => {
      queries = 0;
      counting = true;
      try {
        await load();
      } finally {
        counting = false;
      }
      return queries;
    };
    const period = deliveryPeriod(new Date(), 12);
    const roadmap = () => loadRoadmap(t.handle.db, new Date(), null);
    const delivery = () => loadDeliveryHistory(t.handle.db, period, null);
    const before = [await count(roadmap), await count(delivery)];
    const rm = await makeUser(t.handle.db, { projectId: projectB, roles: ["release_manager"] });
    for (let i = 0; i < 6; i++) {
      const { planId } = await createPlan(
        { db: t.handle.db, actor: rm, requestId: null },
        { projectId: projectB, template: "canary", name: `More ${i}`, releaseVersion: "2.0.0" },
      );
      if (i % 2)
        await transitionPlan({ db: t.handle.db, actor: rm, requestId: null }, { planId, version: 1, action: "start" });
    }
    expect([await count(roadmap), await count(delivery)]).toEqual(before);
  });
});
