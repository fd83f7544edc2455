import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as pushMetrics } from "@/app/api/v1/metrics/route";
import { setProcessDatabase } from "@/db/client";
import {
  checklistItems,
  checklists,
  decisions,
  incidents,
  metrics,
  phases,
  plans,
  rollbackTriggers,
  sampleRollups,
  samples,
  signOffs,
  successCriteria,
} from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import type { Judgement } from "@/lib/domain/judge";
import { autoAdvancePlan } from "@/lib/services/auto-advance";
import type { ServiceContext } from "@/lib/services/context";
import { approveGate, transitionPlan } from "@/lib/services/decisions";
import { addCriterion, addTrigger } from "@/lib/services/kpis";
import { ingestSamples } from "@/lib/services/metrics";
import { createPlan, setPhaseAutoAdvance } from "@/lib/services/plans";
import { createApiToken } from "@/lib/services/tokens";
import { evaluatePlanTriggers } from "@/lib/services/trigger-watch";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The canary judge end to end: errors of requests pushed per minute per cohort through the
// metrics API, a "canary worse than baseline" trigger judged after every batch (the way a
// pipeline streams them), a "not worse" criterion that lets a phase advance by itself.

const MIN = 60_000;

/** mulberry32: the same simulated traffic on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial draws by inversion for small n·p, a rounded normal otherwise. */
function binomial(rand: () => number, n: number, p: number): number {
  if (n * p * (1 - p) >= 25) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
  }
  let k = 0;
  let f = (1 - p) ** n;
  let u = rand();
  while (u > f && k < n) {
    u -= f;
    f *= ((p / (1 - p)) * (n - k)) / (k + 1);
    k++;
  }
  return k;
}

/** One simulated minute of traffic: `requests` split 10% canary, errors at each cohort's rate. */
function minuteOf(rand: () => number, ts: number, requests: number, rates: { canary: number; baseline: number }) {
  const canary = binomial(rand, requests, 0.1);
  const baseline = requests - canary;
  return [
    {
      metric: "error_rate",
      cohort: "canary",
      ts,
      numerator: binomial(rand, canary, rates.canary),
      denominator: canary,
    },
    {
      metric: "error_rate",
      cohort: "baseline",
      ts,
      numerator: binomial(rand, baseline, rates.baseline),
      denominator: baseline,
    },
  ];
}

describe.each(backends)("the canary judge on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let rm: UserActor, approver: UserActor;
  let token: string;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({ db: t.handle.db, actor, requestId: null });
  const db = () => t.handle.db;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    projectId = (await makeProject(db())).id;
    rm = await makeUser(db(), { projectId, roles: ["release_manager", "engineer"] });
    approver = await makeUser(db(), { projectId, roles: ["approver"] });
    token = (await createApiToken(ctx(rm), { projectId, name: "pipeline", scopes: ["metrics:write"] })).token;
  });
  afterAll(async () => t?.drop());

  const versionOf = async (planId: string) =>
    (await db().select({ version: plans.version }).from(plans).where(eq(plans.id, planId)))[0]!.version;
  const activePhase = async (planId: string) =>
    (
      await db()
        .select()
        .from(phases)
        .where(and(eq(phases.planId, planId), eq(phases.status, "active")))
    )[0]!;

  const push = (planId: string, rows: unknown[]) =>
    pushMetrics(
      new Request("http://test/api/v1/metrics", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ plan: planId, samples: rows }),
      }),
      { params: Promise.resolve({}) },
    );

  /**
   * A running canary plan whose only armed rule is the canary judge on the error rate (the
   * template's threshold triggers are switched off), its phase started `minutes` ago.
   */
  async function judgedCanary(name: string, minutes: number) {
    const { planId } = await createPlan(ctx(rm), { projectId, template: "canary", name, releaseVersion: "1.0.0" });
    const [errorRate] = await db()
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    await db().update(rollbackTriggers).set({ enabled: false }).where(eq(rollbackTriggers.planId, planId));
    await addTrigger(ctx(rm), {
      planId,
      version: await versionOf(planId),
      metricId: errorRate!.id,
      mode: "canary_worse",
      action: "automatic_rollback",
      judgeMethod: "sequential",
    });
    await transitionPlan(ctx(rm), { planId, version: await versionOf(planId), action: "start" });
    const start = Date.now() - minutes * MIN;
    await db()
      .update(phases)
      .set({ actualStartAt: new Date(start) })
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
    return { planId, start };
  }

  test("the editor's settings: defaults for the KPI, percentages as typed, bad ones named by field, nothing written", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "canary",
      name: "Judge settings",
      releaseVersion: "1.0.0",
    });
    const byKey = new Map((await db().select().from(metrics).where(eq(metrics.planId, planId))).map((m) => [m.key, m]));
    const errorRate = byKey.get("error_rate")!;
    const latency = byKey.get("p95_latency")!;
    // Blanks take the defaults: 150 requests for a % KPI (counts), 50 points for one in ms (values).
    await addTrigger(ctx(rm), {
      planId,
      version: await versionOf(planId),
      metricId: errorRate.id,
      mode: "canary_worse",
      action: "automatic_rollback",
      judgeMethod: "",
      judgeAlphaPercent: "",
    });
    await addTrigger(ctx(rm), {
      planId,
      version: await versionOf(planId),
      metricId: latency.id,
      mode: "canary_worse",
      action: "alert_only",
      judgeMethod: "mann_whitney",
      judgeTolerancePercent: "30",
      judgeSmallestRegressionPercent: "15%",
    });
    const judged = await db()
      .select()
      .from(rollbackTriggers)
      .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.mode, "canary_worse")));
    const byMetric = new Map(judged.map((t) => [t.metricId, t]));
    expect(byMetric.get(errorRate.id)).toMatchObject({
      judge: { method: "sequential", alpha: 0.05, minSample: 150, tolerance: 0.25, smallestRegression: 0.1 },
      comparison: "gt",
      value: 1.1,
      durationMinutes: 0,
      description: "Error rate worse on the canary than the baseline (sequential test)",
    });
    expect(byMetric.get(latency.id)).toMatchObject({
      judge: { method: "mann_whitney", alpha: 0.02, minSample: 50, tolerance: 0.3, smallestRegression: 0.15 },
      value: 1.15,
    });

    const version = await versionOf(planId);
    const refused = await addTrigger(ctx(rm), {
      planId,
      version,
      metricId: errorRate.id,
      mode: "canary_worse",
      action: "automatic_rollback",
      judgeAlphaPercent: "50",
      judgeMinSample: "1.5",
      judgeSmallestRegressionPercent: "many",
    }).then(
      () => null,
      (e: { code: string; fieldErrors: Record<string, string[]> }) => e,
    );
    expect(refused?.code).toBe("bad_request:validation");
    expect(refused!.fieldErrors).toEqual({
      judgeAlphaPercent: ["Use a false-alarm rate of at most 20%"],
      judgeMinSample: ["Enter the minimum sample as a whole number"],
      judgeSmallestRegressionPercent: ["Enter a number"],
    });
    const refusedRange = await addTrigger(ctx(rm), {
      planId,
      version,
      metricId: errorRate.id,
      mode: "canary_worse",
      action: "automatic_rollback",
      judgeAlphaPercent: "50",
      judgeMinSample: "1.5",
    }).then(
      () => null,
      (e: { fieldErrors: Record<string, string[]> }) => e,
    );
    expect(refusedRange!.fieldErrors).toEqual({
      judgeAlphaPercent: ["Use a false-alarm rate of at most 20%"],
      judgeMinSample: ["Enter the minimum sample as a whole number"],
    });
    // A threshold trigger still needs its comparison and value; a canary judge needs a KPI.
    const threshold = await addTrigger(ctx(rm), {
      planId,
      version,
      metricId: errorRate.id,
      mode: "absolute",
      action: "alert_only",
    }).then(
      () => null,
      (e: { fieldErrors: Record<string, string[]> }) => e,
    );
    expect(Object.keys(threshold!.fieldErrors).sort()).toEqual(["comparison", "value"]);
    const noKpi = await addTrigger(ctx(rm), {
      planId,
      version,
      metricId: "",
      mode: "canary_worse",
      action: "alert_only",
    }).then(
      () => null,
      (e: { fieldErrors: Record<string, string[]> }) => e,
    );
    expect(noKpi!.fieldErrors).toEqual({ mode: ["Comparing against the baseline needs a metric"] });
    expect(await versionOf(planId)).toBe(version);
    expect(
      await db()
        .select()
        .from(rollbackTriggers)
        .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.mode, "canary_worse"))),
    ).toHaveLength(2);
  });

  test("a real regression pushed through /api/v1/metrics rolls back exactly once, the judgement on its incident", async () => {
    const { planId, start } = await judgedCanary("Judged regression", 61);
    const rand = prng(14);
    let firedAt: number | null = null;
    for (let minute = 0; minute < 60; minute++) {
      const res = await push(
        planId,
        minuteOf(rand, start + minute * MIN + 1000, 2000, { canary: 0.03, baseline: 0.01 }),
      );
      if (firedAt !== null) {
        // The plan is rolled back: its KPIs are history and take no more samples.
        expect(res.status).toBe(409);
        break;
      }
      expect(res.status).toBe(200);
      const body = (await res.json()) as { triggersFired: string[] };
      if (body.triggersFired.length) {
        expect(body.triggersFired).toEqual(["Error rate worse on the canary than the baseline (sequential test)"]);
        firedAt = minute;
      }
    }
    expect(firedAt).not.toBeNull();
    // A 3× error rate on 200 canary requests a minute is found within minutes, never on the first one.
    expect(firedAt!).toBeGreaterThan(0);
    expect(firedAt!).toBeLessThan(30);

    // Evaluators running afterwards, as other instances would, change nothing.
    await Promise.all(Array.from({ length: 4 }, () => evaluatePlanTriggers(db(), planId)));
    expect(
      await db()
        .select()
        .from(decisions)
        .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback"))),
    ).toHaveLength(1);
    const found = await db().select().from(incidents).where(eq(incidents.planId, planId));
    expect(found).toHaveLength(1);
    const judgement = found[0]!.judgement as Judgement;
    expect(judgement).toMatchObject({ verdict: "fail", method: "sequential" });
    expect(judgement.effect.lower!).toBeGreaterThan(1.1);
    expect(judgement.effect.estimate!).toBeGreaterThan(2);
    expect(judgement.samples.canary).toBeGreaterThan(150);
    expect(judgement.sentence).toMatch(
      /^Error rate is \d\.\d× higher on the canary \(95% interval \d\.\d+–\d+(\.\d+)?×\); rolls back above 1\.1×$/,
    );
    const [decision] = await db()
      .select()
      .from(decisions)
      .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback")));
    expect(decision!.rationale).toBe(
      `Automatic: Error rate worse on the canary than the baseline (sequential test) — ${judgement.sentence}`,
    );
    expect(decision!.actorKind).toBe("system");
    // The counts were kept and summed for the judge.
    const [sums] = await db()
      .select({
        n: sampleRollups.n,
        numerator: sampleRollups.numeratorTotal,
        denominator: sampleRollups.denominatorTotal,
      })
      .from(sampleRollups)
      .innerJoin(metrics, eq(metrics.id, sampleRollups.metricId))
      .where(and(eq(metrics.planId, planId), eq(sampleRollups.cohort, "canary"), eq(sampleRollups.bucketSeconds, 3600)))
      .limit(1);
    expect(sums!.denominator).toBeGreaterThan(0);
  });

  test("an A/A stream judged every minute for 60 minutes rolls nothing back", async () => {
    const { planId, start } = await judgedCanary("Judged A/A", 61);
    const rand = prng(2026);
    for (let minute = 0; minute < 60; minute++) {
      const res = await push(
        planId,
        minuteOf(rand, start + minute * MIN + 1000, 1000, { canary: 0.01, baseline: 0.01 }),
      );
      expect(res.status).toBe(200);
      expect(((await res.json()) as { triggersFired: string[] }).triggersFired).toEqual([]);
    }
    expect(
      await db()
        .select()
        .from(decisions)
        .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback"))),
    ).toHaveLength(0);
    const [plan] = await db().select().from(plans).where(eq(plans.id, planId));
    expect(plan!.status).toBe("in_progress");
    // The trigger says in words what it found, never a breach.
    const [trigger] = await db()
      .select()
      .from(rollbackTriggers)
      .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.mode, "canary_worse")));
    expect(trigger!.state === "ok" || trigger!.state === "no_data").toBe(true);
    expect(trigger!.stateReason).toMatch(/^(Error rate is|Not enough data yet)/);
  });

  test("before the minimum sample the trigger says what it still needs", async () => {
    const { planId, start } = await judgedCanary("Judged early", 5);
    const res = await push(planId, [
      { metric: "error_rate", cohort: "canary", ts: start + MIN, numerator: 1, denominator: 30 },
      { metric: "error_rate", cohort: "baseline", ts: start + MIN, numerator: 2, denominator: 270 },
    ]);
    expect(res.status).toBe(200);
    const [trigger] = await db()
      .select()
      .from(rollbackTriggers)
      .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.mode, "canary_worse")));
    expect(trigger!.state).toBe("no_data");
    expect(trigger!.stateReason).toMatch(
      /^Not enough data yet: needs [\d,]+ more baseline requests and [\d,]+ more canary requests/,
    );
    // Stored as counts, the value being their ratio in percent.
    const stored = await db()
      .select()
      .from(samples)
      .innerJoin(metrics, eq(metrics.id, samples.metricId))
      .where(and(eq(metrics.planId, planId), eq(samples.cohort, "canary")));
    expect(stored.map((r) => [r.samples.value, r.samples.numerator, r.samples.denominator])).toEqual([
      [(1 / 30) * 100, 1, 30],
    ]);
  });

  test("a phase with a 'not worse' criterion advances by itself once the judge passes, not before", async () => {
    const { planId } = await createPlan(ctx(rm), {
      projectId,
      template: "staged",
      name: "Judged advance",
      releaseVersion: "1.0.0",
    });
    await transitionPlan(ctx(rm), { planId, version: 1, action: "start" });
    const phase = await activePhase(planId);
    const [errorRate] = await db()
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    // The gate's other conditions hold: only the canary judge stands between the phase and the next.
    await db().delete(successCriteria).where(eq(successCriteria.phaseId, phase.id));
    await db().update(rollbackTriggers).set({ enabled: false }).where(eq(rollbackTriggers.planId, planId));
    await db().update(phases).set({ minDurationMinutes: 0 }).where(eq(phases.id, phase.id));
    await setPhaseAutoAdvance(ctx(rm), {
      planId,
      version: await versionOf(planId),
      phaseId: phase.id,
      autoAdvance: "on",
    });
    await addCriterion(ctx(rm), {
      planId,
      version: await versionOf(planId),
      phaseId: phase.id,
      metricId: errorRate!.id,
      kind: "canary_not_worse",
    });
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
    await approveGate(ctx(approver), { planId, version: await versionOf(planId) });
    const start = Date.now() - 61 * MIN;
    await db()
      .update(phases)
      .set({ actualStartAt: new Date(start) })
      .where(eq(phases.id, phase.id));

    const rand = prng(7);
    let advancedAt: number | null = null;
    for (let minute = 0; minute < 60 && advancedAt === null; minute++) {
      await ingestSamples(
        ctx(rm),
        planId,
        minuteOf(rand, start + minute * MIN + 1000, 10_000, { canary: 0.02, baseline: 0.02 }),
      );
      const check = await autoAdvancePlan(db(), planId);
      if (check?.decisionId) advancedAt = minute;
      else if (minute === 0) {
        // Not yet: the gate names the judge and what it still needs.
        expect(check?.verdict).toMatchObject({ advance: false, waiting: "gate" });
        expect(check?.verdict.advance === false && check.verdict.message).toMatch(
          /not worse on the canary than the baseline/,
        );
      }
    }
    expect(advancedAt).not.toBeNull();
    expect(advancedAt!).toBeGreaterThan(0);
    const after = await activePhase(planId);
    expect(after.id).not.toBe(phase.id);
    const gos = await db()
      .select()
      .from(decisions)
      .where(and(eq(decisions.planId, planId), eq(decisions.kind, "go")));
    expect(gos).toHaveLength(1);
    expect(gos[0]).toMatchObject({ actorKind: "system" });
  });
});
