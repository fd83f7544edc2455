import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  auditEvents,
  checklistItems,
  checklists,
  decisions,
  phases,
  plans,
  rollbackTriggers,
  signOffs,
} from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { autoAdvancePlan, sweepAutoAdvance } from "@/lib/services/auto-advance";
import type { ServiceContext } from "@/lib/services/context";
import { approveGate, transitionPlan } from "@/lib/services/decisions";
import { createPlan, setPhaseAutoAdvance } from "@/lib/services/plans";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// A phase set to advance by itself: the system records the go once the minimum duration has
// passed and the gate holds, never before, never past a breached trigger, and exactly once.

const MIN = 60_000;

describe.each(backends)("phases that advance by themselves on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor, approver: UserActor, engineer: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({ db: t.handle.db, actor, requestId: "req-auto" });
  const db = () => t.handle.db;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(db())).id;
    rm = await makeUser(db(), { projectId, roles: ["release_manager"] });
    approver = await makeUser(db(), { projectId, roles: ["approver"] });
    engineer = await makeUser(db(), { projectId, roles: ["engineer"] });
  });
  afterAll(async () => t?.drop());

  const planState = async (planId: string) => {
    const [plan] = await db().select().from(plans).where(eq(plans.id, planId));
    const list = await db().select().from(phases).where(eq(phases.planId, planId)).orderBy(phases.position);
    return { plan: plan!, phases: list, active: list.find((p) => p.status === "active") ?? null };
  };

  /** A started staged plan whose Internal phase advances by itself after `minutes`, with its gate made to hold. */
  async function startedPlan(name: string, minutes: number, { gateHolds = true } = {}) {
    const { planId } = await createPlan(ctx(rm), { projectId, template: "staged", name, releaseVersion: "1.0.0" });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    const { active } = await planState(planId);
    await db().update(phases).set({ minDurationMinutes: minutes }).where(eq(phases.id, active!.id));
    await setPhaseAutoAdvance(ctx(rm), { planId, version: 2, phaseId: active!.id, autoAdvance: "on" });
    if (gateHolds) {
      const lists = await db()
        .select()
        .from(checklists)
        .where(and(eq(checklists.phaseId, active!.id), eq(checklists.kind, "go_no_go")));
      await db()
        .update(checklistItems)
        .set({ state: "done" })
        .where(
          inArray(
            checklistItems.checklistId,
            lists.map((l) => l.id),
          ),
        );
      for (const l of lists)
        for (const role of l.requiredSignoffRoles)
          await db().insert(signOffs).values({ checklistId: l.id, userId: approver.userId, role });
      await approveGate(ctx(approver), { planId, version: 3 });
    }
    return { planId, phase: active! };
  }

  test("switching it on is a release manager's edit of the plan: versioned and audited", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "staged",
      name: "Switch",
      releaseVersion: "1.0.0",
    });
    const [first] = (await planState(planId)).phases;
    await expect(
      setPhaseAutoAdvance(ctx(engineer), { planId, version: 1, phaseId: first!.id, autoAdvance: true }),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
    await expect(
      setPhaseAutoAdvance(ctx(rm), { planId, version: 7, phaseId: first!.id, autoAdvance: true }),
    ).rejects.toMatchObject({ code: "conflict:stale_version" });
    await expect(
      setPhaseAutoAdvance(ctx(rm), { planId, version: 1, phaseId: first!.id, autoAdvance: "maybe" }),
    ).rejects.toMatchObject({ code: "bad_request:validation", fieldErrors: { autoAdvance: [expect.any(String)] } });
    expect(await setPhaseAutoAdvance(ctx(rm), { planId, version: 1, phaseId: first!.id, autoAdvance: true })).toEqual({
      autoAdvance: true,
      version: 2,
    });
    expect((await planState(planId)).phases[0]!.autoAdvance).toBe(true);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, first!.id), eq(auditEvents.action, "phase.auto_advance_set")));
    expect(audit).toMatchObject({ actorId: rm.userId, before: { autoAdvance: false }, after: { autoAdvance: true } });
  });

  test("waits for the minimum duration, then advances as the system with its reason", async () => {
    const { planId, phase } = await startedPlan("Guarded", 60);
    const started = (await planState(planId)).active!.actualStartAt!;
    const early = await autoAdvancePlan(db(), planId, new Date(started.getTime() + 30 * MIN));
    expect(early).toMatchObject({
      phase: "Internal",
      verdict: { advance: false, waiting: "min_duration", at: new Date(started.getTime() + 60 * MIN) },
    });
    expect(early!.decisionId).toBeUndefined();
    expect((await planState(planId)).active!.name).toBe("Internal");

    const due = await autoAdvancePlan(db(), planId, new Date(started.getTime() + 61 * MIN));
    expect(due!.decisionId).toEqual(expect.any(String));
    const after = await planState(planId);
    expect(after.active!.name).toBe("Pilot");
    expect(after.phases.find((p) => p.id === phase.id)!.status).toBe("passed");
    const [decision] = await db().select().from(decisions).where(eq(decisions.id, due!.decisionId!));
    expect(decision).toMatchObject({ kind: "go", actorKind: "system", deciderId: null, overrideReason: null });
    expect(decision!.rationale).toBe(
      "Advanced by itself: Internal held for 1 h (minimum 1 h), its gate held and every success criterion was met",
    );
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.entityId, decision!.id));
    expect(audit).toMatchObject({ action: "decision.go", actorKind: "system", actorId: null });
    // Pilot does not advance by itself: the flag belongs to the phase, not the plan.
    expect(await autoAdvancePlan(db(), planId, new Date(started.getTime() + 200 * MIN))).toBeNull();
  });

  test("an open gate, a breached trigger or a pause holds it back", async () => {
    const { planId, phase } = await startedPlan("Held", 0, { gateHolds: false });
    const open = await autoAdvancePlan(db(), planId);
    expect(open!.verdict).toMatchObject({ advance: false, waiting: "gate" });
    expect(open!.verdict.advance ? "" : open!.verdict.message).toMatch(
      /^as soon as the gate holds; still open: .*approvals given/,
    );

    const lists = await db()
      .select()
      .from(checklists)
      .where(and(eq(checklists.phaseId, phase.id), eq(checklists.kind, "go_no_go")));
    await db()
      .update(checklistItems)
      .set({ state: "done" })
      .where(
        inArray(
          checklistItems.checklistId,
          lists.map((l) => l.id),
        ),
      );
    for (const l of lists)
      for (const role of l.requiredSignoffRoles)
        await db().insert(signOffs).values({ checklistId: l.id, userId: approver.userId, role });
    await approveGate(ctx(approver), { planId, version: 3 });
    const [trigger] = await db()
      .insert(rollbackTriggers)
      .values({ planId, description: "Checkout errors above 5%", value: 5, state: "breached" })
      .returning();
    expect((await autoAdvancePlan(db(), planId))!.verdict).toMatchObject({
      advance: false,
      waiting: "trigger",
      message: "held back: rollback trigger breached (Checkout errors above 5%)",
    });

    await db().update(rollbackTriggers).set({ state: "ok" }).where(eq(rollbackTriggers.id, trigger!.id));
    await transitionPlan(ctx(rm), { planId, version: 4, action: "pause" });
    expect((await autoAdvancePlan(db(), planId))!.verdict).toMatchObject({ advance: false, waiting: "not_running" });
    expect((await sweepAutoAdvance(db())).advanced.filter((a) => a.planId === planId)).toEqual([]);

    await transitionPlan(ctx(rm), { planId, version: 5, action: "resume" });
    const sweep = await sweepAutoAdvance(db());
    expect(sweep.advanced.filter((a) => a.planId === planId)).toEqual([
      { planId, phase: "Internal", decisionId: expect.any(String) },
    ]);
    expect((await planState(planId)).active!.name).toBe("Pilot");
  });

  test("two instances checking at the same moment advance it once", async () => {
    const { planId } = await startedPlan("Race", 0);
    const results = await Promise.all([
      autoAdvancePlan(db(), planId),
      autoAdvancePlan(db(), planId),
      autoAdvancePlan(db(), planId),
    ]);
    expect(results.filter((r) => r?.decisionId)).toHaveLength(1);
    expect(await db().select().from(decisions).where(eq(decisions.planId, planId))).toHaveLength(1);
    expect((await planState(planId)).active!.name).toBe("Pilot");
  });
});
