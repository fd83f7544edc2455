import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, decisions, incidents, phases, plans, rollbackTriggers } from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { transitionPlan } from "@/lib/services/decisions";
import { ingestSamples } from "@/lib/services/metrics";
import { createPlan } from "@/lib/services/plans";
import { evaluatePlanTriggers, sweepTriggers } from "@/lib/services/trigger-watch";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { makeProject, makeUser } from "../support/people";

describe.each(backends)("automatic rollback on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor;
  const ctx = (actor: UserActor) => ({ db: t.handle.db, actor, requestId: null });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    projectId = (await makeProject(t.handle.db)).id;
    rm = await makeUser(t.handle.db, { projectId, roles: ["release_manager", "engineer"] });
  });
  afterAll(async () => t?.drop());

  async function runningCanary(name: string) {
    const { planId } = await createPlan(ctx(rm), { projectId, template: "canary", name, releaseVersion: "1.0.0" });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    // The phase has been running for an hour: the trigger's 5 minutes fit inside it.
    await t.handle.db
      .update(phases)
      .set({ actualStartAt: new Date(Date.now() - 3600_000) })
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
    return planId;
  }
  /** One canary sample a minute, from `older` to `newer` minutes ago. */
  const between = (older: number, newer: number, value: number) =>
    Array.from({ length: older - newer + 1 }, (_, i) => ({
      metric: "error_rate",
      ts: Date.now() - (older - i) * 60_000 - 1000,
      value,
    }));
  /** One canary sample a minute for the last `minutes`, at `value`. */
  const errors = (minutes: number, value: (m: number) => number) =>
    Array.from({ length: minutes }, (_, i) => ({
      metric: "error_rate",
      ts: Date.now() - (minutes - 1 - i) * 60_000 - 1000,
      value: value(minutes - 1 - i),
    }));

  test("a healthy batch changes nothing; a breach held for 5 minutes rolls back at ingest, as the system", async () => {
    const planId = await runningCanary("Auto A");
    expect((await ingestSamples(ctx(rm), planId, between(30, 15, 0.4))).triggersFired).toEqual([]);
    // A spike shorter than the trigger's 5 minutes, followed by healthy samples, does not fire.
    expect(
      (await ingestSamples(ctx(rm), planId, [...between(14, 12, 9), ...between(11, 8, 0.4)])).triggersFired,
    ).toEqual([]);
    const result = await ingestSamples(ctx(rm), planId, between(7, 0, 7.8));
    expect(result.triggersFired).toEqual(["Error rate > 5% for 5 min"]);

    const [plan] = await t.handle.db.select().from(plans).where(eq(plans.id, planId));
    expect(plan!.status).toBe("rolled_back");
    const [incident] = await t.handle.db.select().from(incidents).where(eq(incidents.planId, planId));
    expect(incident).toMatchObject({ origin: "automatic", title: "Error rate > 5% for 5 min in Canary 5%" });
    expect(incident!.triggerId).not.toBeNull();
    expect(incident!.executedAt).toBeInstanceOf(Date);
    const [decision] = await t.handle.db
      .select()
      .from(decisions)
      .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback")));
    expect(decision).toMatchObject({ actorKind: "system", deciderId: null });
    expect(decision!.rationale).toMatch(/^Automatic: Error rate > 5% for 5 min — held for \d+ min/);
    const trail = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.planId, planId), eq(auditEvents.actorKind, "system")));
    // The p95 triggers, which never got a sample in the hour the phase ran, are announced stale.
    expect(
      trail
        .filter((a) => a.entityType !== "rollback_trigger")
        .map((a) => a.action)
        .sort(),
    ).toEqual(["decision.rollback", "incident.opened"]);
    expect(
      trail.filter((a) => a.action === "trigger.breached").map((a) => (a.after as { description: string }).description),
    ).toEqual(["Error rate > 5% for 5 min"]);
  });

  test("exactly once when several evaluators see the breach at the same moment", async () => {
    const planId = await runningCanary("Auto B");
    // Store a breach without evaluating (as if it arrived on another instance), then race evaluators.
    await ingestSamples(
      ctx(rm),
      planId,
      errors(8, () => 9.5),
    );
    // Ingest already rolled it back; racing evaluators afterwards must change nothing.
    const runs = await Promise.all(Array.from({ length: 6 }, () => evaluatePlanTriggers(t.handle.db, planId)));
    const rollbacks = await t.handle.db
      .select()
      .from(decisions)
      .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback")));
    expect(rollbacks).toHaveLength(1);
    expect(await t.handle.db.select().from(incidents).where(eq(incidents.planId, planId))).toHaveLength(1);
    expect(runs.flatMap((r) => r.fired).length).toBeLessThanOrEqual(1);
  });

  test("racing evaluators on a fresh breach: one rollback, one incident", async () => {
    const planId = await runningCanary("Auto C");
    // Samples written straight to the table: no evaluation yet.
    const { samples, metrics } = await import("@/db/schema");
    const [metric] = await t.handle.db
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    await t.handle.db.insert(samples).values(
      errors(8, () => 12).map((s) => ({
        metricId: metric!.id,
        cohort: "canary" as const,
        ts: new Date(s.ts),
        value: s.value,
      })),
    );
    const runs = await Promise.all(Array.from({ length: 6 }, () => evaluatePlanTriggers(t.handle.db, planId)));
    expect(runs.flatMap((r) => r.fired)).toHaveLength(1);
    expect(
      await t.handle.db
        .select()
        .from(decisions)
        .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback"))),
    ).toHaveLength(1);
    expect(await t.handle.db.select().from(incidents).where(eq(incidents.planId, planId))).toHaveLength(1);
  });

  /** Announced trigger changes of the error-rate triggers (the p95 ones get no samples here). */
  const announcements = async (planId: string) =>
    (
      await t.handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.planId, planId), eq(auditEvents.entityType, "rollback_trigger")))
    )
      .map((a) => `${a.action} ${(a.after as { description: string }).description}`)
      .filter((line) => line.includes("Error rate"))
      .sort();

  test("an alert-only breach is announced once, recovery too, and the plan keeps running", async () => {
    const planId = await runningCanary("Alert A");
    // 3% for 70 minutes: over the alert-only "2% for 1 hour", under the automatic 5%.
    await t.handle.db
      .update(phases)
      .set({ actualStartAt: new Date(Date.now() - 3 * 3600_000) })
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
    await ingestSamples(ctx(rm), planId, between(70, 0, 3));
    const runs = await Promise.all(Array.from({ length: 4 }, () => evaluatePlanTriggers(t.handle.db, planId)));
    expect(runs.flatMap((r) => r.announced)).toEqual([]); // ingest already announced it
    expect(await announcements(planId)).toEqual(["trigger.breached Error rate > 2% for 1 hour (manual decision)"]);
    const [plan] = await t.handle.db.select().from(plans).where(eq(plans.id, planId));
    expect(plan!.status).toBe("in_progress");
    const [alert] = await t.handle.db
      .select()
      .from(rollbackTriggers)
      .where(
        and(
          eq(rollbackTriggers.planId, planId),
          eq(rollbackTriggers.description, "Error rate > 2% for 1 hour (manual decision)"),
        ),
      );
    expect(alert).toMatchObject({ state: "breached", stateReason: expect.stringMatching(/^held for \d+ min/) });

    await ingestSamples(ctx(rm), planId, [{ metric: "error_rate", ts: Date.now() - 500, value: 0.5 }]);
    expect(await announcements(planId)).toEqual([
      "trigger.breached Error rate > 2% for 1 hour (manual decision)",
      "trigger.recovered Error rate > 2% for 1 hour (manual decision)",
    ]);
  });

  test("the timer notices data that stopped arriving, and announces it once", async () => {
    const planId = await runningCanary("Stale A");
    // Stored without evaluation, as if the last batch arrived 40 minutes ago.
    const { samples, metrics } = await import("@/db/schema");
    const [metric] = await t.handle.db
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    await t.handle.db.insert(samples).values(
      between(59, 40, 0.4).map((s) => ({
        metricId: metric!.id,
        cohort: "canary" as const,
        ts: new Date(s.ts),
        value: s.value,
      })),
    );
    const sweeps = await Promise.all([sweepTriggers(t.handle.db), sweepTriggers(t.handle.db)]);
    const mine = sweeps.flatMap((s) => s.announced).filter((a) => a.state === "stale");
    expect(mine.filter((a) => a.description === "Error rate > 5% for 5 min")).toHaveLength(1);
    const states = await t.handle.db
      .select({ d: rollbackTriggers.description, state: rollbackTriggers.state, reason: rollbackTriggers.stateReason })
      .from(rollbackTriggers)
      .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.description, "Error rate > 5% for 5 min")));
    expect(states).toEqual([
      { d: "Error rate > 5% for 5 min", state: "stale", reason: expect.stringMatching(/^no samples for 4\d min$/) },
    ]);
    expect(await announcements(planId)).toContain("trigger.stale Error rate > 5% for 5 min");
    expect((await t.handle.db.select().from(plans).where(eq(plans.id, planId)))[0]!.status).toBe("in_progress");
  });

  test("the timer rolls back a breach stored without evaluation", async () => {
    const planId = await runningCanary("Sweep A");
    const { samples, metrics } = await import("@/db/schema");
    const [metric] = await t.handle.db
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    await t.handle.db.insert(samples).values(
      errors(8, () => 11).map((s) => ({
        metricId: metric!.id,
        cohort: "canary" as const,
        ts: new Date(s.ts),
        value: s.value,
      })),
    );
    const sweep = await sweepTriggers(t.handle.db);
    expect(sweep.fired.map((f) => f.description)).toContain("Error rate > 5% for 5 min");
    expect((await t.handle.db.select().from(plans).where(eq(plans.id, planId)))[0]!.status).toBe("rolled_back");
  });
});
