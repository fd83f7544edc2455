import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, checklistItems, checklists, flags, gates, incidents, phases, plans, signOffs } from "@/db/schema";
import type { TokenActor, UserActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import type { ServiceContext } from "@/lib/services/context";
import { updateChecklistItem } from "@/lib/services/checklists";
import { approveGate, recordDecision, transitionPlan } from "@/lib/services/decisions";
import { addPhase, createPlan, movePhase, removePhase, updatePhase } from "@/lib/services/plans";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { makeProject, makeUser } from "../support/people";

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected ${String(e)}`),
  );

describe.each(backends)("plans and go/no-go on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor, approver: UserActor, approver2: UserActor, engineer: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({
    db: t.handle.db,
    actor,
    requestId: "req-decisions",
  });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const project = await makeProject(t.handle.db);
    projectId = project.id;
    rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager"] });
    approver = await makeUser(t.handle.db, { projectId, roles: ["approver"] });
    approver2 = await makeUser(t.handle.db, { projectId, roles: ["approver"] });
    engineer = await makeUser(t.handle.db, { projectId, roles: ["engineer"] });
  });
  afterAll(async () => t?.drop());

  async function version(planId: string) {
    const [p] = await t.handle.db.select({ version: plans.version }).from(plans).where(eq(plans.id, planId));
    return p!.version;
  }

  /** Settles every go/no-go item of a phase and signs its lists (the checklist API arrives separately). */
  async function completeChecklists(phaseId: string) {
    const lists = await t.handle.db
      .select()
      .from(checklists)
      .where(and(eq(checklists.phaseId, phaseId), eq(checklists.kind, "go_no_go")));
    if (!lists.length) return;
    await t.handle.db
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
        await t.handle.db.insert(signOffs).values({ checklistId: l.id, userId: approver.userId, role });
  }

  test("staged template: the full path from draft to Pilot, with the gate explaining itself", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "staged",
      name: "Search v2",
      releaseVersion: "2.0.0",
    });
    const created = await t.handle.db.select().from(phases).where(eq(phases.planId, planId));
    expect(created.map((p) => [p.name, p.trafficPercent])).toEqual([
      ["Internal", 1],
      ["Pilot", 10],
      ["Expanded", 25],
      ["GA", 100],
    ]);
    const [flag] = await t.handle.db
      .insert(flags)
      .values({
        projectId,
        key: `search-v2-${kind}`,
        type: "boolean",
        variants: { on: true, off: false },
        defaultVariant: "off",
        rolloutVariant: "on",
        planId,
      })
      .returning();

    expect(await codeOf(transitionPlan(ctx(engineer), { planId, version: 1, action: "start" }))).toBe(
      "forbidden:permission",
    );
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    expect(await codeOf(transitionPlan(ctx(rm), { planId, version: 2, action: "resume" }))).toBe("conflict:state");

    // The gate does not hold and says why, in words.
    const refused = await recordDecision(ctx(rm), { planId, version: 2, kind: "go", rationale: "Looks fine" }).catch(
      (e: unknown) => e as AppError,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("conflict:state");
    expect((refused as AppError).message).toMatch(/0 of 1 approvals given/);
    expect((refused as AppError).message).toMatch(/Internal go\/no-go: 4 required items not done/);
    expect((refused as AppError).message).toMatch(/sign-off missing from approver/);
    expect(await version(planId)).toBe(2); // a refused decision changes nothing

    const internal = created.find((p) => p.name === "Internal")!;
    await completeChecklists(internal.id);
    expect(await codeOf(approveGate(ctx(engineer), { planId, version: 2 }))).toBe("forbidden:permission");
    await approveGate(ctx(approver), { planId, version: 2, comment: "Ran the critical paths myself" });
    expect(await codeOf(approveGate(ctx(approver), { planId, version: 3 }))).toBe("conflict:state");

    const [flagBefore] = await t.handle.db.select().from(flags).where(eq(flags.id, flag!.id));
    const go = await recordDecision(ctx(rm), { planId, version: 3, kind: "go", rationale: "Internal clean for a day" });
    expect(go).toMatchObject({
      kind: "go",
      status: "in_progress",
      trafficPercent: 10,
      activePhase: "Pilot",
      overridden: [],
    });
    // Internal is history now: its go/no-go list no longer changes.
    const [internalList] = await t.handle.db
      .select()
      .from(checklists)
      .where(and(eq(checklists.phaseId, internal.id), eq(checklists.kind, "go_no_go")));
    const [internalItem] = await t.handle.db
      .select()
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, internalList!.id))
      .limit(1);
    const historic = await updateChecklistItem(ctx(engineer), { itemId: internalItem!.id, state: "open" }).catch(
      (e: AppError) => e,
    );
    expect(historic).toMatchObject({
      code: "conflict:state",
      message: "Internal is passed: its go/no-go list is history",
    });
    const [flagAfter] = await t.handle.db.select().from(flags).where(eq(flags.id, flag!.id));
    expect(flagAfter!.version).toBe(flagBefore!.version + 1);

    // Pilot needs 2 approvals and 3 days of clean KPIs; a release manager may override only the criteria.
    const pilot = created.find((p) => p.name === "Pilot")!;
    await completeChecklists(pilot.id);
    const v = await version(planId);
    const noOverride = await recordDecision(ctx(rm), {
      planId,
      version: v,
      kind: "go",
      rationale: "Ship it",
      overrideReason: "Business deadline agreed with the CTO",
    }).catch((e: AppError) => e);
    expect((noOverride as AppError).message).toMatch(
      /Only unmet success criteria can be overridden; still open: 0 of 2 approvals/,
    );
    await approveGate(ctx(approver), { planId, version: v });
    await approveGate(ctx(approver2), { planId, version: v + 1 });
    const tokenActor: TokenActor = {
      kind: "token",
      tokenId: "t",
      tokenName: "ci",
      projectId,
      scopes: ["decisions:write"],
    };
    expect(
      await codeOf(
        recordDecision(ctx(tokenActor), {
          planId,
          version: v + 2,
          kind: "go",
          rationale: "x",
          overrideReason: "pipeline wants it",
        }),
      ),
    ).toBe("forbidden:permission");
    expect(await codeOf(recordDecision(ctx(rm), { planId, version: v + 2, kind: "go", rationale: "Pilot done" }))).toBe(
      "conflict:state",
    );
    const overridden = await recordDecision(ctx(rm), {
      planId,
      version: v + 2,
      kind: "go",
      rationale: "Pilot done",
      overrideReason: "Metrics pipeline was down for a day; dashboards show it clean",
    });
    expect(overridden.activePhase).toBe("Expanded");
    expect(overridden.overridden.every((u) => u.startsWith("Success criterion not met"))).toBe(true);
    const [audit] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, overridden.decisionId));
    expect(audit).toMatchObject({ action: "decision.go", actorKind: "user", requestId: "req-decisions" });
    expect((audit!.after as { overrideReason: string }).overrideReason).toMatch(/pipeline was down/);

    // No-go keeps the phase and records why; the token may record it.
    const noGo = await recordDecision(ctx(tokenActor), {
      planId,
      version: await version(planId),
      kind: "no_go",
      rationale: "Load test failed in CI run 4411",
    });
    expect(noGo).toMatchObject({ status: "in_progress", activePhase: "Expanded", trafficPercent: 25 });

    // Rollback drops traffic to 0 and opens an incident.
    const rollback = await recordDecision(ctx(rm), {
      planId,
      version: await version(planId),
      kind: "rollback",
      rationale: "Checkout errors at 25%",
    });
    expect(rollback).toMatchObject({ status: "rolled_back", trafficPercent: 0, activePhase: null });
    const [incident] = await t.handle.db.select().from(incidents).where(eq(incidents.id, rollback.incidentId!));
    expect(incident).toMatchObject({ origin: "manual", status: "open" });
    expect(
      await codeOf(recordDecision(ctx(rm), { planId, version: await version(planId), kind: "go", rationale: "again" })),
    ).toBe("conflict:state");

    const trail = await t.handle.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.planId, planId));
    const actions = trail.map((a) => a.action);
    for (const a of [
      "plan.created",
      "plan.start",
      "gate.approved",
      "decision.go",
      "decision.no_go",
      "decision.rollback",
      "incident.opened",
    ])
      expect(actions).toContain(a);
    expect(actions.filter((a) => a.startsWith("decision."))).toHaveLength(4);
  });

  test("a stale version is refused with 409 and changes nothing", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "canary",
      name: "Stale",
      releaseVersion: "1.0.0",
    });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    const error = await recordDecision(ctx(rm), { planId, version: 1, kind: "no_go", rationale: "old page" }).catch(
      (e: AppError) => e,
    );
    expect(error).toMatchObject({ code: "conflict:stale_version", status: 409 });
    expect((error as AppError).message).toMatch(/The plan changed since you loaded it .* reload/);
  });

  test("fifty concurrent decisions on one version: exactly one wins, 49 get 409", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "canary",
      name: "Race",
      releaseVersion: "1.0.0",
    });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        codeOf(recordDecision(ctx(rm), { planId, version: 2, kind: "no_go", rationale: `decider ${i}` })),
      ),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "conflict:stale_version")).toHaveLength(49);
    expect(await version(planId)).toBe(3);
    const decided = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.planId, planId), eq(auditEvents.action, "decision.no_go")));
    expect(decided).toHaveLength(1);
  });

  test("only future phases can be edited, moved or removed", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "canary",
      name: "Edits",
      releaseVersion: "1.0.0",
    });
    let v = 1;
    const list = async () =>
      t.handle.db.select().from(phases).where(eq(phases.planId, planId)).orderBy(phases.position);
    const added = await addPhase(ctx(rm), {
      planId,
      version: v++,
      name: "Soak",
      audience: "Everyone",
      trafficPercent: 100,
      requiredApprovals: 2,
    });
    expect((await list()).map((p) => p.name)).toEqual([
      "Canary 5%",
      "Canary 25%",
      "Canary 75%",
      "Full rollout",
      "Soak",
    ]);
    const [gate] = await t.handle.db.select().from(gates).where(eq(gates.phaseId, added.phaseId));
    expect(gate!.requiredApprovals).toBe(2);
    await movePhase(ctx(rm), { planId, version: v++, phaseId: added.phaseId, direction: "up" });
    expect((await list()).map((p) => p.name)).toEqual([
      "Canary 5%",
      "Canary 25%",
      "Canary 75%",
      "Soak",
      "Full rollout",
    ]);
    const first = (await list())[0]!;
    await removePhase(ctx(rm), { planId, version: v++, phaseId: (await list())[2]!.id });
    expect((await list()).map((p) => [p.name, p.position])).toEqual([
      ["Canary 5%", 0],
      ["Canary 25%", 1],
      ["Soak", 2],
      ["Full rollout", 3],
    ]);
    const bad = await updatePhase(ctx(rm), {
      planId,
      version: v,
      phaseId: first.id,
      name: "",
      trafficPercent: 140,
    }).catch((e: AppError) => e);
    expect(bad).toMatchObject({
      code: "bad_request:validation",
      fieldErrors: { name: [expect.any(String)], trafficPercent: ["Traffic is between 0 and 100%"] },
    });
    await transitionPlan(ctx(rm), { planId, version: v++, action: "start" });
    expect(
      await codeOf(updatePhase(ctx(rm), { planId, version: v, phaseId: first.id, name: "Renamed", trafficPercent: 5 })),
    ).toBe("conflict:state");
    expect(
      await codeOf(movePhase(ctx(rm), { planId, version: v, phaseId: (await list())[1]!.id, direction: "up" })),
    ).toBe("conflict:state");
    expect(
      await codeOf(
        updatePhase(ctx(engineer), {
          planId,
          version: v,
          phaseId: (await list())[1]!.id,
          name: "X",
          trafficPercent: 30,
        }),
      ),
    ).toBe("forbidden:permission");
    // While running, traffic may not fall after the active phase.
    const lower = await updatePhase(ctx(rm), {
      planId,
      version: v,
      phaseId: (await list())[1]!.id,
      name: "Canary 25%",
      trafficPercent: 2,
    }).catch((e: AppError) => e);
    expect(lower).toMatchObject({
      code: "conflict:state",
      message: expect.stringMatching(/traffic cannot fall during a running rollout/),
    });
    const [after] = await t.handle.db
      .select()
      .from(phases)
      .where(eq(phases.id, (await list())[1]!.id));
    expect(after!.trafficPercent).toBe(25);
  });
});
