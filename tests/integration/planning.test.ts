import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, escalationLevels, migrationSteps, plans, risks } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import type { ServiceContext } from "@/lib/services/context";
import { loadPlanView } from "@/lib/queries/plan";
import { transitionPlan } from "@/lib/services/decisions";
import { addEscalationLevel, removeEscalationLevel, updateEscalationLevel } from "@/lib/services/escalation";
import {
  addMigrationStep,
  moveMigrationStep,
  removeMigrationStep,
  transitionMigrationStep,
  updateMigrationStep,
} from "@/lib/services/migration-steps";
import { addRisk, removeRisk, setRiskStatus, updateRisk } from "@/lib/services/risks";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "ok", message: "", fields: {} }),
    (e: unknown) =>
      e instanceof AppError
        ? { code: e.code, message: e.message, fields: e.fieldErrors ?? {} }
        : { code: `unexpected ${String(e)}`, message: "", fields: {} },
  );

describe.each(backends)("risks, escalation and the migration plan on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string, planId: string;
  let rm: UserActor, engineer: UserActor, viewer: UserActor, outsider: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({
    db: t.handle.db,
    actor,
    requestId: "req-planning",
  });
  const db = () => t.handle.db;

  const stepsOf = async (id = planId) =>
    db().select().from(migrationSteps).where(eq(migrationSteps.planId, id)).orderBy(asc(migrationSteps.position));
  const auditsOf = async (entityId: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(asc(auditEvents.id));
  const auditCount = async (id = planId) =>
    (await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.planId, id))).length;
  /** Everything a refused change must leave as it was. */
  const snapshot = async (id = planId) => ({
    steps: await stepsOf(id),
    risks: await db().select().from(risks).where(eq(risks.planId, id)).orderBy(asc(risks.id)),
    levels: await db()
      .select()
      .from(escalationLevels)
      .where(eq(escalationLevels.planId, id))
      .orderBy(asc(escalationLevels.level)),
    audits: await auditCount(id),
  });
  const run = (stepId: string, transition: string, id = planId) =>
    transitionMigrationStep(ctx(rm), { planId: id, stepId, transition });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    ({ projectId, planId, rm } = await planWithTokens(db(), "backend_migration", "Search migration", {}));
    engineer = await makeUser(db(), { projectId, roles: ["engineer"] });
    viewer = await makeUser(db(), { projectId, roles: ["viewer"] });
    outsider = await makeUser(db());
  });
  afterAll(async () => t?.drop());

  test("the template's migration plan is in order: schema, code, backfill, then an irreversible cleanup", async () => {
    const steps = await stepsOf();
    expect(steps.map((s) => [s.position, s.kind, s.reversible, s.status])).toEqual([
      [0, "schema", true, "pending"],
      [1, "code", true, "pending"],
      [2, "backfill", true, "pending"],
      [3, "cleanup", false, "pending"],
    ]);
  });

  test("an order violation is refused with the step named in words, and nothing is written", async () => {
    const before = await snapshot();
    const [, , backfill, cleanup] = before.steps;
    const move = await failureOf(moveMigrationStep(ctx(rm), { planId, stepId: cleanup!.id, direction: "up" }));
    expect(move).toMatchObject({
      code: "conflict:state",
      message:
        "Moving step 4 'Remove the old fields' (cleanup) up would break the order. Step 3 'Remove the old fields' (cleanup) comes before step 4 'Backfill data into the new schema' (backfill): the order is schema → code → backfill → cleanup",
    });

    const edit = await failureOf(
      updateMigrationStep(ctx(rm), {
        planId,
        stepId: backfill!.id,
        kind: "schema",
        action: backfill!.action,
        reversible: "true",
        expectedDurationMinutes: 120,
        risk: "medium",
        validation: "",
      }),
    );
    expect(edit.code).toBe("bad_request:validation");
    expect(edit.fields).toEqual({
      kind: [
        "Step 2 'Deploy code that reads and writes both old and new schema' (code) comes before step 3 'Backfill data into the new schema' (schema): the order is schema → code → backfill → cleanup",
      ],
    });

    const insert = await failureOf(
      addMigrationStep(ctx(rm), {
        planId,
        kind: "schema",
        action: "Add an index",
        reversible: "true",
        risk: "low",
        position: "4",
      }),
    );
    expect(insert.fields).toEqual({
      position: [
        "Step 3 'Backfill data into the new schema' (backfill) comes before step 4 'Add an index' (schema): the order is schema → code → backfill → cleanup",
      ],
    });
    expect(await snapshot()).toEqual(before);
  });

  test("a step added without a place goes after the last of its kind; steps are edited, moved and removed with audit", async () => {
    const added = await addMigrationStep(ctx(rm), {
      planId,
      kind: "schema",
      action: "Add the search index",
      reversible: "true",
      expectedDurationMinutes: "5",
      risk: "low",
      validation: "Index valid",
    });
    expect(added.number).toBe(2);
    let steps = await stepsOf();
    expect(steps.map((s) => s.action)).toEqual([
      "Add new columns and tables with defaults",
      "Add the search index",
      "Deploy code that reads and writes both old and new schema",
      "Backfill data into the new schema",
      "Remove the old fields",
    ]);
    expect((await auditsOf(added.stepId))[0]).toMatchObject({
      action: "migration_step.added",
      entityType: "migration_step",
      planId,
      actorId: rm.userId,
      requestId: "req-planning",
    });

    await moveMigrationStep(ctx(rm), { planId, stepId: added.stepId, direction: "up" });
    steps = await stepsOf();
    expect(steps.map((s) => [s.position, s.action])).toEqual([
      [0, "Add the search index"],
      [1, "Add new columns and tables with defaults"],
      [2, "Deploy code that reads and writes both old and new schema"],
      [3, "Backfill data into the new schema"],
      [4, "Remove the old fields"],
    ]);
    expect(
      await failureOf(moveMigrationStep(ctx(rm), { planId, stepId: added.stepId, direction: "up" })),
    ).toMatchObject({ code: "conflict:state", message: "Step 1 'Add the search index' (schema) is already first" });

    await updateMigrationStep(ctx(rm), {
      planId,
      stepId: added.stepId,
      kind: "schema",
      action: "Add the search index concurrently",
      reversible: "true",
      expectedDurationMinutes: "15",
      risk: "medium",
      validation: "Index valid",
    });
    expect((await stepsOf())[0]).toMatchObject({
      action: "Add the search index concurrently",
      expectedDurationMinutes: 15,
      risk: "medium",
    });

    await removeMigrationStep(ctx(rm), { planId, stepId: added.stepId });
    steps = await stepsOf();
    expect(steps.map((s) => [s.position, s.kind])).toEqual([
      [0, "schema"],
      [1, "code"],
      [2, "backfill"],
      [3, "cleanup"],
    ]);
    expect((await auditsOf(added.stepId)).map((a) => a.action)).toEqual([
      "migration_step.added",
      "migration_step.moved",
      "migration_step.updated",
      "migration_step.removed",
    ]);
  });

  test("steps run in order, and the irreversible cleanup waits for the backfill's validation", async () => {
    const [schema, code, backfill, cleanup] = await stepsOf();
    expect(await failureOf(run(code!.id, "start"))).toMatchObject({
      code: "conflict:state",
      message:
        "Step 2 'Deploy code that reads and writes both old and new schema' (code) cannot start yet: step 1 'Add new columns and tables with defaults' (schema) is pending, and steps run in order",
    });

    await run(schema!.id, "start");
    await run(schema!.id, "validate");
    await run(schema!.id, "complete");
    await run(code!.id, "start");
    await run(code!.id, "complete");
    await run(backfill!.id, "start");
    await run(backfill!.id, "complete");
    expect((await stepsOf())[2]).toMatchObject({ status: "done", validatedAt: null });
    expect((await stepsOf())[2]!.completedAt).toBeInstanceOf(Date);
    // The run's start is kept, so the card and timeline can say how long it took.
    const ran = (await stepsOf())[2]!;
    expect(ran.startedAt).toBeInstanceOf(Date);
    expect(ran.startedAt!.getTime()).toBeLessThanOrEqual(ran.completedAt!.getTime());
    expect((await auditsOf(backfill!.id)).at(-1)!.after).toMatchObject({
      status: "done",
      startedAt: ran.startedAt!.toISOString(),
    });

    const before = await snapshot();
    expect(await failureOf(run(cleanup!.id, "start"))).toMatchObject({
      code: "conflict:state",
      message:
        "Step 4 'Remove the old fields' (cleanup) is irreversible: it can start only after step 3 'Backfill data into the new schema' (backfill) is validated",
    });
    expect(await snapshot()).toEqual(before);

    // A structural change behind started steps is refused too.
    expect(
      (
        await failureOf(
          addMigrationStep(ctx(rm), { planId, kind: "code", action: "Hotfix", reversible: "true", risk: "low" }),
        )
      ).fields,
    ).toEqual({
      kind: [
        "Step 3 'Backfill data into the new schema' (backfill) has already started: a new step cannot go before it",
      ],
    });
    expect(
      await failureOf(
        updateMigrationStep(ctx(rm), {
          planId,
          stepId: code!.id,
          kind: "code",
          action: "Other",
          reversible: "true",
          risk: "low",
        }),
      ),
    ).toMatchObject({
      code: "conflict:state",
      message:
        "Step 2 'Deploy code that reads and writes both old and new schema' (code) is done: only a pending, failed or reverted step can be edited",
    });

    await run(backfill!.id, "validate");
    expect((await stepsOf())[2]).toMatchObject({ status: "done" });
    expect((await stepsOf())[2]!.validatedAt).toBeInstanceOf(Date);
    await run(cleanup!.id, "start");
    expect(await failureOf(run(backfill!.id, "revert"))).toMatchObject({
      code: "conflict:state",
      message:
        "Step 3 'Backfill data into the new schema' (backfill) cannot be reverted while step 4 'Remove the old fields' (cleanup) has started: revert that one first",
    });
    expect(await failureOf(run(cleanup!.id, "revert"))).toMatchObject({
      message: "Step 4 'Remove the old fields' (cleanup) is irreversible: it cannot be reverted",
    });
    await run(cleanup!.id, "complete");
    expect((await stepsOf()).map((s) => s.status)).toEqual(["done", "done", "done", "done"]);
    expect((await auditsOf(cleanup!.id)).map((a) => a.action)).toEqual([
      "migration_step.started",
      "migration_step.completed",
    ]);
    expect((await auditsOf(backfill!.id)).map((a) => a.action)).toEqual([
      "migration_step.started",
      "migration_step.completed",
      "migration_step.validated",
    ]);
  });

  test("a failed step is retried from the start, and its validation must be given again", async () => {
    const { planId: other, rm: owner } = await planWithTokens(db(), "backend_migration", "Retry", {});
    const [schema, code] = await stepsOf(other);
    const act = (stepId: string, transition: string) =>
      transitionMigrationStep(ctx(owner), { planId: other, stepId, transition });
    await act(schema!.id, "start");
    await act(schema!.id, "validate");
    const firstRun = (await stepsOf(other))[0]!.startedAt;
    expect(firstRun).toBeInstanceOf(Date);
    await act(schema!.id, "fail");
    // A failed run keeps its start (how long it ran); an undone step has none.
    expect((await stepsOf(other))[0]).toMatchObject({ status: "failed", validatedAt: null, startedAt: firstRun });
    expect(await failureOf(act(code!.id, "start"))).toMatchObject({
      message: expect.stringContaining("step 1 'Add new columns and tables with defaults' (schema) is failed"),
    });
    await act(schema!.id, "revert");
    expect((await stepsOf(other))[0]).toMatchObject({ status: "reverted", startedAt: null });
    await act(schema!.id, "start");
    expect((await stepsOf(other))[0]).toMatchObject({ status: "running", validatedAt: null, completedAt: null });
    expect((await stepsOf(other))[0]!.startedAt!.getTime()).toBeGreaterThanOrEqual(firstRun!.getTime());
    expect(await failureOf(act(schema!.id, "start"))).toMatchObject({
      code: "conflict:state",
      message:
        "Step 1 'Add new columns and tables with defaults' (schema) is running: only a pending, failed or reverted step can start",
    });
  });

  test("two people starting the same step at once: one starts it, the other is told it is already running", async () => {
    const { planId: other, rm: owner } = await planWithTokens(db(), "backend_migration", "Race", {});
    const [schema] = await stepsOf(other);
    const outcomes = await Promise.all(
      [0, 1].map(() =>
        failureOf(transitionMigrationStep(ctx(owner), { planId: other, stepId: schema!.id, transition: "start" })),
      ),
    );
    expect(outcomes.map((o) => o.code).sort()).toEqual(["conflict:state", "ok"]);
    expect(outcomes.find((o) => o.code !== "ok")!.message).toBe(
      "Step 1 'Add new columns and tables with defaults' (schema) is running: only a pending, failed or reverted step can start",
    );
    expect((await auditsOf(schema!.id)).map((a) => a.action)).toEqual(["migration_step.started"]);
  });

  test("the plan view carries the steps in order, the risks with their owners and the levels by number", async () => {
    const view = (await loadPlanView(db(), planId))!;
    expect(view.plan.migrationSteps.map((s) => s.kind)).toEqual(["schema", "code", "backfill", "cleanup"]);
    expect(view.plan.escalationLevels.map((l) => l.level)).toEqual([1, 2, 3, 4]);
    expect(view.plan.risks.map((r) => r.owner)).toEqual(view.plan.risks.map(() => null));
    expect(view.plan.risks.length).toBeGreaterThan(0);
  });

  test("engineers, viewers and people outside the project cannot change the migration plan, risks or escalation", async () => {
    const before = await snapshot();
    const [step] = before.steps;
    const [risk] = before.risks;
    const [level] = before.levels;
    for (const actor of [engineer, viewer, outsider]) {
      const c = ctx(actor);
      const attempts = [
        () => addMigrationStep(c, { planId, kind: "cleanup", action: "Drop it", reversible: "false", risk: "high" }),
        () => moveMigrationStep(c, { planId, stepId: step!.id, direction: "down" }),
        () => transitionMigrationStep(c, { planId, stepId: step!.id, transition: "revert" }),
        () => addRisk(c, { planId, description: "Anything", likelihood: "low", impact: "low" }),
        () => updateRisk(c, { planId, riskId: risk!.id, description: "Changed", likelihood: "high", impact: "high" }),
        () => setRiskStatus(c, { planId, riskId: risk!.id, status: "closed" }),
        () => removeRisk(c, { planId, riskId: risk!.id }),
        () => addEscalationLevel(c, { planId, level: 9, who: "Board", afterMinutes: 600 }),
        () => updateEscalationLevel(c, { planId, levelId: level!.id, level: 1, who: "Nobody", afterMinutes: 0 }),
        () => removeEscalationLevel(c, { planId, levelId: level!.id }),
      ];
      for (const attempt of attempts) expect((await failureOf(attempt())).code).toBe("forbidden:permission");
    }
    expect(await snapshot()).toEqual(before);
  });

  test("risks: added with a member or a named owner, edited, closed and removed, each audited", async () => {
    const added = await addRisk(ctx(rm), {
      planId,
      description: "Backfill overloads the primary",
      likelihood: "medium",
      impact: "high",
      mitigation: "Throttle to 500 rows/s",
      ownerId: engineer.userId,
      ownerLabel: "ignored",
    });
    const [row] = await db().select().from(risks).where(eq(risks.id, added.riskId));
    expect(row).toMatchObject({
      likelihood: "medium",
      impact: "high",
      ownerId: engineer.userId,
      ownerLabel: engineer.name,
      status: "open",
    });
    expect((await auditsOf(added.riskId))[0]).toMatchObject({
      action: "risk.added",
      entityType: "risk",
      actorId: rm.userId,
      after: expect.objectContaining({ score: 6 }),
    });

    await updateRisk(ctx(rm), {
      planId,
      riskId: added.riskId,
      description: "Backfill overloads the primary",
      likelihood: "low",
      impact: "high",
      mitigation: "Throttle; run off-peak",
      ownerId: "",
      ownerLabel: "DBA team",
    });
    expect((await db().select().from(risks).where(eq(risks.id, added.riskId)))[0]).toMatchObject({
      likelihood: "low",
      ownerId: null,
      ownerLabel: "DBA team",
      mitigation: "Throttle; run off-peak",
    });

    await setRiskStatus(ctx(rm), { planId, riskId: added.riskId, status: "mitigated" });
    expect(
      (await failureOf(setRiskStatus(ctx(rm), { planId, riskId: added.riskId, status: "mitigated" }))).fields,
    ).toEqual({ status: ["The risk is already mitigated"] });
    await removeRisk(ctx(rm), { planId, riskId: added.riskId });
    expect(await db().select().from(risks).where(eq(risks.id, added.riskId))).toEqual([]);
    expect((await auditsOf(added.riskId)).map((a) => a.action)).toEqual([
      "risk.added",
      "risk.updated",
      "risk.status_changed",
      "risk.removed",
    ]);
  });

  test("bad risk and step input is refused naming every field, and nothing is written", async () => {
    const before = await snapshot();
    const risk = await failureOf(
      addRisk(ctx(rm), { planId, description: " ", likelihood: "sometimes", impact: "", ownerId: "not-a-person" }),
    );
    expect(risk.code).toBe("bad_request:validation");
    expect(risk.fields).toEqual({
      description: ["Enter the risk"],
      likelihood: ["Choose the likelihood: low, medium or high"],
      impact: ["Choose the impact: low, medium or high"],
      ownerId: ["Choose someone in this project"],
    });
    expect(
      (
        await failureOf(
          addRisk(ctx(rm), {
            planId,
            description: "Someone else's person",
            likelihood: "low",
            impact: "low",
            ownerId: outsider.userId,
          }),
        )
      ).fields,
    ).toEqual({ ownerId: ["Choose someone in this project, or name the owner in words"] });
    const step = await failureOf(
      addMigrationStep(ctx(rm), { planId, kind: "data", action: "", expectedDurationMinutes: "-5", risk: "huge" }),
    );
    expect(step.fields).toEqual({
      kind: ["Choose schema, code, backfill or cleanup"],
      action: ["Enter what the step does"],
      expectedDurationMinutes: ["Use 0 or more minutes"],
      risk: ["Choose the risk: low, medium or high"],
    });
    expect(
      (
        await failureOf(
          addMigrationStep(ctx(rm), { planId, kind: "cleanup", action: "Drop", risk: "high", position: "9" }),
        )
      ).fields,
    ).toEqual({ position: ["Choose a step number from 1 to 5"] });
    expect(await snapshot()).toEqual(before);
  });

  test("escalation levels: higher levels strictly later, unique numbers, refused in words", async () => {
    const before = await snapshot();
    expect(before.levels.map((l) => [l.level, l.who, l.afterMinutes])).toEqual([
      [1, "Automated rollback", 0],
      [2, "On-call engineer", 15],
      [3, "Engineering manager", 30],
      [4, "CTO", 60],
    ]);
    expect(
      (await failureOf(addEscalationLevel(ctx(rm), { planId, level: 5, who: "CEO", afterMinutes: 45 }))).fields,
    ).toEqual({
      afterMinutes: [
        "Level 5 (CEO) after 45 min is not later than level 4 (CTO) after 60 min: a higher level is reached later",
      ],
    });
    expect(
      (await failureOf(addEscalationLevel(ctx(rm), { planId, level: 2, who: "Team lead", afterMinutes: 20 }))).fields,
    ).toEqual({ level: ["Level 2 is already On-call engineer: choose another level number"] });
    expect(
      (
        await failureOf(
          updateEscalationLevel(ctx(rm), {
            planId,
            levelId: before.levels[1]!.id,
            level: 2,
            who: "On-call engineer",
            afterMinutes: 40,
          }),
        )
      ).fields,
    ).toEqual({
      afterMinutes: [
        "Level 3 (Engineering manager) after 30 min is not later than level 2 (On-call engineer) after 40 min: a higher level is reached later",
      ],
    });
    expect(
      (await failureOf(addEscalationLevel(ctx(rm), { planId, level: "", who: "", afterMinutes: "soon" }))).fields,
    ).toEqual({
      level: ["Use 1 or more"],
      who: ["Enter who is called"],
      afterMinutes: ["Enter after how many minutes as a whole number"],
    });
    expect(await snapshot()).toEqual(before);

    const added = await addEscalationLevel(ctx(rm), {
      planId,
      level: "5",
      who: "CEO",
      afterMinutes: "120",
      contact: "+62 21 555 0100",
    });
    await updateEscalationLevel(ctx(rm), {
      planId,
      levelId: added.levelId,
      level: 5,
      who: "CEO",
      afterMinutes: 90,
      contact: "",
    });
    expect((await db().select().from(escalationLevels).where(eq(escalationLevels.id, added.levelId)))[0]).toMatchObject(
      { level: 5, afterMinutes: 90, contact: "" },
    );
    await removeEscalationLevel(ctx(rm), { planId, levelId: added.levelId });
    expect((await auditsOf(added.levelId)).map((a) => [a.action, a.entityType])).toEqual([
      ["escalation_level.added", "escalation_level"],
      ["escalation_level.updated", "escalation_level"],
      ["escalation_level.removed", "escalation_level"],
    ]);
  });

  test("a finished plan's register and matrix are history, but its risks can still be closed", async () => {
    const { planId: done, rm: owner } = await planWithTokens(db(), "backend_migration", "Cancelled", {});
    const [plan] = await db().select({ version: plans.version }).from(plans).where(eq(plans.id, done));
    await transitionPlan(ctx(owner), { planId: done, version: plan!.version, action: "cancel" });
    const before = await snapshot(done);
    const c = ctx(owner);
    expect(
      await failureOf(addRisk(c, { planId: done, description: "Late", likelihood: "low", impact: "low" })),
    ).toMatchObject({
      code: "conflict:state",
      message: "The plan is cancelled: its risk register is history and cannot change",
    });
    expect(
      await failureOf(addEscalationLevel(c, { planId: done, level: 5, who: "CEO", afterMinutes: 120 })),
    ).toMatchObject({
      code: "conflict:state",
      message: "The plan is cancelled: its escalation matrix is history and cannot change",
    });
    expect(
      await failureOf(moveMigrationStep(c, { planId: done, stepId: before.steps[0]!.id, direction: "down" })),
    ).toMatchObject({
      code: "conflict:state",
      message: "The plan is cancelled: its migration plan is history and cannot change",
    });
    expect(
      (await failureOf(transitionMigrationStep(c, { planId: done, stepId: before.steps[0]!.id, transition: "start" })))
        .code,
    ).toBe("conflict:state");
    expect(await snapshot(done)).toEqual(before);

    await setRiskStatus(c, { planId: done, riskId: before.risks[0]!.id, status: "closed" });
    expect((await db().select().from(risks).where(eq(risks.id, before.risks[0]!.id)))[0]!.status).toBe("closed");
    expect(await auditCount(done)).toBe(before.audits + 1);
  });
});
