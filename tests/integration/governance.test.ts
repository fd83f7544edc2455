import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, changeFreezes, decisions, freezeOverrides, gates, phases, plans } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { freezeWindowsBetween, listFreezes, portfolioFreezeBanner } from "@/lib/queries/freezes";
import { loadOverviewReading, loadTimelineReading } from "@/lib/queries/plan-readings";
import { planStatus } from "@/lib/queries/plan-status";
import { autoAdvanceState } from "@/lib/services/auto-advance";
import type { ServiceContext } from "@/lib/services/context";
import { approveGate, recordDecision, transitionPlan } from "@/lib/services/decisions";
import { createFreeze, removeFreeze, signFreezeOverride } from "@/lib/services/freezes";
import { setProjectGovernance } from "@/lib/services/project-settings";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: "ok", message: "" }),
    (e: unknown) =>
      e instanceof AppError ? { code: e.code, message: e.message } : { code: `unexpected ${String(e)}`, message: "" },
  );

/** A wall time on UTC clocks, `minutes` from now. */
const utcWall = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

describe.each(backends)("change freezes and four-eyes on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor, admin: UserActor, adminRm: UserActor, approverA: UserActor;
  let engineer: UserActor, rmApprover: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({ db: t.handle.db, actor, requestId: "req-gov" });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(t.handle.db)).id;
    const db = t.handle.db;
    rm = await makeUser(db, { projectId, roles: ["release_manager", "approver"] });
    admin = await makeUser(db, { isAdmin: true });
    adminRm = await makeUser(db, { projectId, roles: ["release_manager"], isAdmin: true });
    approverA = await makeUser(db, { projectId, roles: ["approver"] });
    engineer = await makeUser(db, { projectId, roles: ["engineer"] });
    rmApprover = await makeUser(db, { projectId, roles: ["release_manager", "approver"] });
  });
  afterAll(async () => t?.drop());

  /** A running plan owned by `rm`, with `phaseCount` phases whose gates need `approvals` approvals. */
  async function runningPlan(opts: { approvals?: number; phaseCount?: number; project?: string } = {}) {
    const db = t.handle.db;
    const [plan] = await db
      .insert(plans)
      .values({
        projectId: opts.project ?? projectId,
        name: `Plan ${Math.random().toString(36).slice(2, 8)}`,
        releaseVersion: "1.0.0",
        strategy: "rolling",
        ownerId: rm.userId,
      })
      .returning();
    const count = opts.phaseCount ?? 2;
    for (let i = 0; i < count; i++) {
      const [phase] = await db
        .insert(phases)
        .values({
          planId: plan!.id,
          position: i,
          name: `Phase ${i + 1}`,
          audience: "All",
          trafficPercent: i === count - 1 ? 100 : 10,
        })
        .returning();
      await db.insert(gates).values({ phaseId: phase!.id, requiredApprovals: opts.approvals ?? 0 });
    }
    const started = await transitionPlan(ctx(admin), { planId: plan!.id, version: plan!.version, action: "start" });
    return { planId: plan!.id, version: started.version };
  }

  const go = (actor: UserActor, p: { planId: string; version: number }) =>
    recordDecision(ctx(actor), { planId: p.planId, version: p.version, kind: "go", rationale: "Ready" });

  async function freezeNow(name: string, project: string | null = projectId) {
    const made = await createFreeze(ctx(project === projectId ? rm : admin), {
      name,
      kind: "one_off",
      scope: project ? "project" : "instance",
      projectId: project,
      timeZone: "UTC",
      startsAt: utcWall(-60),
      endsAt: utcWall(120),
    });
    return made.freezeId;
  }

  describe("freezes", () => {
    let freezeId: string;
    beforeAll(async () => {
      freezeId = await freezeNow("Holiday freeze");
    });
    afterAll(async () => {
      await removeFreeze(ctx(rm), { freezeId });
    });

    test("a go during a freeze is refused, naming the freeze and until when", async () => {
      const p = await runningPlan();
      const result = await failure(go(rm, p));
      expect(result.code).toBe("conflict:state");
      expect(result.message).toMatch(/Change freeze “Holiday freeze” is on until .* \(UTC\)/);
      expect(result.message).toContain("emergency override");
      const overview = await loadOverviewReading(t.handle.db, p.planId);
      expect(overview?.gate.blockers[0]).toMatch(/^Change freeze “Holiday freeze” is on until/);
      expect(overview?.autoAdvance?.waiting).toBe("off");
      const rows = await t.handle.db.select().from(decisions).where(eq(decisions.planId, p.planId));
      expect(rows).toHaveLength(0);
    });

    test("no-go and rollback are always allowed", async () => {
      const p = await runningPlan();
      const noGo = await recordDecision(ctx(rm), { ...p, kind: "no_go", rationale: "Hold" });
      expect(noGo.kind).toBe("no_go");
      const back = await recordDecision(ctx(rm), { ...p, version: noGo.version, kind: "rollback", rationale: "Undo" });
      expect(back.status).toBe("rolled_back");
    });

    test("automatic advance waits and says why; the plan status reports the freeze", async () => {
      const p = await runningPlan();
      await t.handle.db.update(phases).set({ autoAdvance: true }).where(eq(phases.planId, p.planId));
      const state = await autoAdvanceState(t.handle.db, p.planId);
      expect(state?.verdict).toMatchObject({ advance: false, waiting: "freeze" });
      expect(state?.verdict.advance === false ? state.verdict.message : "").toContain("Holiday freeze");
      const status = await planStatus(t.handle.db, p.planId);
      expect(status.freeze).toMatchObject({ name: "Holiday freeze", untilAtLeast: false });
      expect(status.freeze?.sentence).toContain("Change freeze “Holiday freeze” is on until");
      expect(status.isGo).toBe(false);
      expect(status.activePhase?.autoAdvance.waitingFor).toBe("freeze");
      const system = await failure(
        recordDecision(
          { db: t.handle.db, actor: { kind: "system" }, requestId: null },
          { ...p, kind: "go", rationale: "Auto" },
        ),
      );
      expect(system.message).toContain("automatic advance waits");
    });

    test("a release manager and an admin override one go; both signatures are audited and the decision carries them", async () => {
      const p = await runningPlan();
      // A non-admin cannot confirm as the admin; a non-release-manager cannot sign as one.
      expect(
        (await failure(signFreezeOverride(ctx(rmApprover), { planId: p.planId, as: "admin", reason: "x" }))).code,
      ).toBe("forbidden:permission");
      expect(
        (await failure(signFreezeOverride(ctx(admin), { planId: p.planId, as: "release_manager", reason: "x" }))).code,
      ).toBe("forbidden:permission");
      expect(
        (await failure(signFreezeOverride(ctx(rm), { planId: p.planId, as: "release_manager", reason: " " }))).code,
      ).toBe("bad_request:validation");

      const first = await signFreezeOverride(ctx(rm), {
        planId: p.planId,
        as: "release_manager",
        reason: "Payment outage fix",
      });
      expect(first.complete).toBe(false);
      expect((await failure(go(rm, p))).code).toBe("conflict:state");
      const second = await signFreezeOverride(ctx(admin), { planId: p.planId, as: "admin", reason: "Approved by CTO" });
      expect(second).toMatchObject({ overrideId: first.overrideId, complete: true });

      const decided = await go(rm, p);
      expect(decided.activePhase).toBe("Phase 2");
      const [row] = await t.handle.db.select().from(decisions).where(eq(decisions.id, decided.decisionId));
      expect(row!.overrideReason).toContain("Holiday freeze");
      expect(row!.overrideReason).toContain(`release manager ${rm.name}: Payment outage fix`);
      expect(row!.overrideReason).toContain(`admin ${admin.name}: Approved by CTO`);
      const signed = await t.handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.planId, p.planId), eq(auditEvents.action, "freeze_override.signed")));
      expect(signed.map((e) => e.actorId).sort()).toEqual([rm.userId, admin.userId].sort());
      const [goEvent] = await t.handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.planId, p.planId), eq(auditEvents.action, "decision.go")));
      expect(goEvent!.after).toMatchObject({ freezeOverride: { releaseManager: rm.name, admin: admin.name } });
      const [override] = await t.handle.db
        .select()
        .from(freezeOverrides)
        .where(eq(freezeOverrides.id, first.overrideId));
      expect(override!.decisionId).toBe(decided.decisionId);

      const timeline = await loadTimelineReading(t.handle.db, p.planId);
      const marker = timeline?.markers.find((m) => m.id === decided.decisionId);
      expect(marker?.kind).toBe("override");
      expect(marker?.label).toContain("Payment outage fix");

      // One go only: the next is refused again.
      expect((await failure(go(rm, { planId: p.planId, version: decided.version }))).code).toBe("conflict:state");
    });

    test("the same person cannot sign both parts, in either order", async () => {
      const p = await runningPlan();
      await signFreezeOverride(ctx(adminRm), { planId: p.planId, as: "admin", reason: "Hotfix" });
      const twice = await failure(
        signFreezeOverride(ctx(adminRm), { planId: p.planId, as: "release_manager", reason: "Hotfix" }),
      );
      expect(twice.code).toBe("conflict:state");
      expect(twice.message).toContain("two different people");
      expect(
        (await failure(signFreezeOverride(ctx(admin), { planId: p.planId, as: "admin", reason: "Again" }))).code,
      ).toBe("conflict:state");
      expect((await failure(go(adminRm, p))).code).toBe("conflict:state");
    });

    test("an instance-wide freeze holds every project; only admins keep it", async () => {
      const other = (await makeProject(t.handle.db)).id;
      expect(
        (
          await failure(
            createFreeze(ctx(rm), {
              name: "All",
              kind: "one_off",
              scope: "instance",
              timeZone: "UTC",
              startsAt: utcWall(-5),
              endsAt: utcWall(5),
            }),
          )
        ).code,
      ).toBe("forbidden:permission");
      const id = await freezeNow("Year end", null);
      try {
        const p = await runningPlan({ project: other });
        expect((await failure(go(admin, p))).message).toContain("Year end");
        expect((await failure(removeFreeze(ctx(rm), { freezeId: id }))).code).toBe("forbidden:permission");
        await removeFreeze(ctx(admin), { freezeId: id });
        expect((await go(admin, p)).kind).toBe("go");
      } finally {
        await removeFreeze(ctx(admin), { freezeId: id }).catch(() => undefined);
      }
    });
  });

  test("who may keep a project's freezes; each change is audited", async () => {
    const input = {
      name: "Ops",
      kind: "recurring",
      scope: "project",
      projectId,
      timeZone: "Europe/Berlin",
      rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16",
      from: "2026-01-02T16:00",
      durationMinutes: 60,
    };
    expect((await failure(createFreeze(ctx(engineer), input))).code).toBe("forbidden:permission");
    expect((await failure(createFreeze(ctx(approverA), input))).code).toBe("forbidden:permission");
    const bad = await failure(createFreeze(ctx(rm), { ...input, rrule: "FREQ=HOURLY" }));
    expect(bad.code).toBe("bad_request:validation");
    const { freezeId } = await createFreeze(ctx(rm), input);
    await removeFreeze(ctx(admin), { freezeId });
    expect((await failure(removeFreeze(ctx(admin), { freezeId }))).code).toBe("not_found:entity");
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.entityId, freezeId));
    expect(events.map((e) => e.action).sort()).toEqual(["freeze.created", "freeze.removed"]);
  });

  test("a freeze starting within a day is a warning on the plan's overview", async () => {
    const soon = await freezeNow("Tonight", projectId);
    await t.handle.db
      .update(changeFreezes)
      .set({ startsAt: utcWall(120), endsAt: utcWall(240) })
      .where(eq(changeFreezes.id, soon));
    try {
      const p = await runningPlan();
      const overview = await loadOverviewReading(t.handle.db, p.planId);
      expect(overview?.gate.blockers.join(" ")).not.toContain("Tonight");
      expect(overview?.gate.warnings).toEqual([
        expect.stringMatching(/^Change freeze “Tonight” starts .*, in (1 h 5\d min|2 h)/),
      ]);
      expect((await go(rm, p)).kind).toBe("go");
    } finally {
      await removeFreeze(ctx(rm), { freezeId: soon });
    }
  });

  test("freeze windows for the roadmap, the list and the portfolio banner", async () => {
    const db = t.handle.db;
    const other = (await makeProject(db)).id;
    const weekly = await createFreeze(ctx(admin), {
      name: "Friday freeze",
      kind: "recurring",
      scope: "project",
      projectId: other,
      timeZone: "Europe/Berlin",
      rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
      from: "2026-01-02T16:00",
      durationMinutes: 64 * 60,
    });
    try {
      const from = new Date("2026-03-01T00:00:00Z");
      const to = new Date("2026-04-01T00:00:00Z");
      const windows = await freezeWindowsBetween(db, [other], from, to);
      const friday = windows.filter((w) => w.freezeId === weekly.freezeId);
      expect(friday.map((w) => w.startsAt.toISOString())).toEqual([
        "2026-02-27T15:00:00.000Z",
        "2026-03-06T15:00:00.000Z",
        "2026-03-13T15:00:00.000Z",
        "2026-03-20T15:00:00.000Z",
        "2026-03-27T15:00:00.000Z",
      ]);
      expect(friday[0]).toMatchObject({ name: "Friday freeze", projectId: other });
      expect(friday[0]!.description).toContain("Every week on Friday at 16:00");
      expect((await freezeWindowsBetween(db, [projectId], from, to)).some((w) => w.freezeId === weekly.freezeId)).toBe(
        false,
      );
      expect((await freezeWindowsBetween(db, "all", from, to)).some((w) => w.freezeId === weekly.freezeId)).toBe(true);

      const [listed] = (await listFreezes(db, other)).filter((f) => f.id === weekly.freezeId);
      expect(listed!.description).toContain("Every week on Friday at 16:00 for 2 days 16 hours (Europe/Berlin)");
      expect(listed!.when).toMatch(/^(Next: |Change freeze “Friday freeze” is on until)/);

      const now = await freezeNow("Banner freeze", other);
      expect(await portfolioFreezeBanner(db, [other])).toMatchObject({
        tone: "active",
        text: expect.stringContaining("Banner freeze"),
      });
      await removeFreeze(ctx(admin), { freezeId: now });
    } finally {
      await removeFreeze(ctx(admin), { freezeId: weekly.freezeId });
    }
  });

  describe("four-eyes", () => {
    let fourEyesProject: string;
    let owner: UserActor, a: UserActor, b: UserActor, both: UserActor, engAppr: UserActor, manager: UserActor;
    beforeAll(async () => {
      const db = t.handle.db;
      fourEyesProject = (await makeProject(db)).id;
      const p = fourEyesProject;
      owner = await makeUser(db, { projectId: p, roles: ["release_manager", "approver"] });
      a = await makeUser(db, { projectId: p, roles: ["approver"] });
      b = await makeUser(db, { projectId: p, roles: ["approver"] });
      both = await makeUser(db, { projectId: p, roles: ["release_manager", "approver"] });
      engAppr = await makeUser(db, { projectId: p, roles: ["engineer", "approver"] });
      manager = await makeUser(db, { projectId: p, roles: ["release_manager"] });
      expect(
        (await failure(setProjectGovernance(ctx(engAppr), { projectId: p, fourEyes: true, minDistinctApprovers: 2 })))
          .code,
      ).toBe("forbidden:permission");
      expect(
        (await failure(setProjectGovernance(ctx(manager), { projectId: p, fourEyes: "on", minDistinctApprovers: 6 })))
          .code,
      ).toBe("bad_request:validation");
      await setProjectGovernance(ctx(manager), { projectId: p, fourEyes: "on", minDistinctApprovers: "2" });
    });

    async function plan() {
      const db = t.handle.db;
      const [row] = await db
        .insert(plans)
        .values({
          projectId: fourEyesProject,
          name: "Four eyes",
          releaseVersion: "1",
          strategy: "rolling",
          ownerId: owner.userId,
        })
        .returning();
      for (const i of [0, 1]) {
        const [phase] = await db
          .insert(phases)
          .values({
            planId: row!.id,
            position: i,
            name: `Phase ${i + 1}`,
            audience: "All",
            trafficPercent: i ? 100 : 10,
          })
          .returning();
        await db.insert(gates).values({ phaseId: phase!.id, requiredApprovals: 1 });
      }
      const started = await transitionPlan(ctx(owner), { planId: row!.id, version: row!.version, action: "start" });
      return { planId: row!.id, version: started.version };
    }
    const approve = async (actor: UserActor, p: { planId: string; version: number }) => ({
      ...p,
      version: (await approveGate(ctx(actor), { ...p, comment: "" })).version,
    });

    test("the owner's approval does not count, and two distinct approvers are needed", async () => {
      let p = await plan();
      p = await approve(owner, p);
      p = await approve(a, p);
      const refused = await failure(go(manager, p));
      expect(refused.code).toBe("conflict:state");
      expect(refused.message).toContain(
        `Four-eyes: approvals by the plan owner (${owner.name}) and by whoever records the go (${manager.name}) do not count: 1 of 2 distinct approvers`,
      );
      const status = await planStatus(t.handle.db, p.planId);
      expect(status.gate?.unmet).toContain(
        `Four-eyes: approvals by the plan owner (${owner.name}) and by whoever records the go do not count: 1 of 2 distinct approvers`,
      );
      p = await approve(b, p);
      expect((await go(manager, p)).kind).toBe("go");
    });

    test("a person who approves cannot count towards the go they record", async () => {
      let p = await plan();
      p = await approve(both, p);
      p = await approve(a, p);
      const own = await failure(go(both, p));
      expect(own.message).toContain(`whoever records the go (${both.name}) do not count: 1 of 2`);
      expect((await go(manager, p)).kind).toBe("go");
    });

    test("an engineer who is also an approver approves, but cannot record the go", async () => {
      let p = await plan();
      p = await approve(engAppr, p);
      p = await approve(b, p);
      expect((await failure(go(engAppr, p))).code).toBe("forbidden:permission");
      expect((await go(manager, p)).kind).toBe("go");
    });

    test("the setting is audited", async () => {
      const events = await t.handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, fourEyesProject), eq(auditEvents.action, "project.governance")));
      expect(events).toHaveLength(1);
      expect(events[0]!.after).toEqual({ fourEyes: true, minDistinctApprovers: 2 });
    });
  });
});
