import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  auditEvents,
  metricSources,
  metrics,
  phases,
  plans,
  rollbackTriggers,
  samples,
  successCriteria,
} from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { loadKpiEditorData } from "@/lib/queries/kpis";
import type { ServiceContext } from "@/lib/services/context";
import { recordDecision, transitionPlan } from "@/lib/services/decisions";
import {
  addCriterion,
  addMetric,
  addTrigger,
  moveMetric,
  removeCriterion,
  removeMetric,
  removeTrigger,
  setTriggerEnabled,
  updateCriterion,
  updateMetric,
  updateTrigger,
} from "@/lib/services/kpis";
import { ingestSamples } from "@/lib/services/metrics";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AppError ? e.code : `unexpected ${String(e)}`),
  );
const fieldsOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof AppError ? (e.fieldErrors ?? {}) : { unexpected: [String(e)] }),
  );

describe.each(backends)("KPIs, success criteria and rollback triggers on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string, planId: string;
  let rm: UserActor, engineer: UserActor, viewer: UserActor;
  const ctx = (actor: ServiceContext["actor"]): ServiceContext => ({ db: t.handle.db, actor, requestId: "req-kpis" });
  const db = () => t.handle.db;

  async function version(id = planId) {
    const [p] = await db().select({ version: plans.version }).from(plans).where(eq(plans.id, id));
    return p!.version;
  }
  const metricByKey = async (key: string, id = planId) =>
    (
      await db()
        .select()
        .from(metrics)
        .where(and(eq(metrics.planId, id), eq(metrics.key, key)))
    )[0];
  const phaseByName = async (name: string, id = planId) =>
    (
      await db()
        .select()
        .from(phases)
        .where(and(eq(phases.planId, id), eq(phases.name, name)))
    )[0]!;
  const auditsOf = async (entityId: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(asc(auditEvents.id));
  /** Everything a failed edit must leave as it was. */
  const snapshot = async () => ({
    version: await version(),
    metrics: await db().select().from(metrics).where(eq(metrics.planId, planId)).orderBy(asc(metrics.key)),
    triggers: await db()
      .select()
      .from(rollbackTriggers)
      .where(eq(rollbackTriggers.planId, planId))
      .orderBy(asc(rollbackTriggers.id)),
    criteria: await db()
      .select({ c: successCriteria })
      .from(successCriteria)
      .innerJoin(phases, eq(phases.id, successCriteria.phaseId))
      .where(eq(phases.planId, planId))
      .orderBy(asc(successCriteria.id)),
    audits: (await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.planId, planId))).length,
  });

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    ({ projectId, planId, rm } = await planWithTokens(db(), "staged", "KPI editing", {}));
    engineer = await makeUser(db(), { projectId, roles: ["engineer"] });
    viewer = await makeUser(db(), { projectId, roles: ["viewer"] });
  });
  afterAll(async () => t?.drop());

  test("a custom KPI is added, audited, and then accepts pushed samples", async () => {
    const v = await version();
    const added = await addMetric(ctx(rm), {
      planId,
      version: v,
      from: "custom",
      label: "Checkout success",
      unit: "%",
      direction: "higher_is_better",
      target: "99.5",
      alertThreshold: "99",
      criticalThreshold: "97",
    });
    expect(added).toMatchObject({ key: "checkout_success", version: v + 1 });
    const row = (await metricByKey("checkout_success"))!;
    expect(row).toMatchObject({
      label: "Checkout success",
      direction: "higher_is_better",
      target: 99.5,
      alertThreshold: 99,
      criticalThreshold: 97,
      sourceKind: "push",
      position: 7,
    });
    const [audit] = await auditsOf(row.id);
    expect(audit).toMatchObject({
      action: "metric.added",
      entityType: "metric",
      planId,
      actorId: rm.userId,
      requestId: "req-kpis",
    });

    const stored = await ingestSamples(ctx(engineer), planId, [
      { metric: "checkout_success", value: 99.7, ts: Date.now() - 60_000 },
      { metric: "checkout_success", value: 98.9 },
    ]);
    expect(stored).toMatchObject({ stored: 2, metrics: { checkout_success: 2 } });
    expect((await loadKpiEditorData(db(), projectId, [row.id])).sampleCounts[row.id]).toBe(2);

    // The same label again gets its own key; the catalogue adds only what the plan lacks.
    expect(
      (
        await addMetric(ctx(rm), {
          planId,
          version: await version(),
          from: "custom",
          label: "Checkout success",
          direction: "higher_is_better",
        })
      ).key,
    ).toBe("checkout_success_2");
    expect(
      await fieldsOf(
        addMetric(ctx(rm), {
          planId,
          version: await version(),
          from: "custom",
          key: "checkout_success",
          label: "Again",
          direction: "higher_is_better",
        }),
      ),
    ).toEqual({ key: ['"checkout_success" is already a KPI of this plan'] });
    expect(
      await fieldsOf(
        addMetric(ctx(rm), { planId, version: await version(), from: "catalogue", catalogueKey: "error_rate" }),
      ),
    ).toEqual({ catalogueKey: ["Error rate is already a KPI of this plan"] });
  });

  test("a catalogue KPI comes with the template's thresholds", async () => {
    const { planId: blank, rm: other } = await planWithTokens(db(), "blank", "Blank", {});
    await addMetric(ctx(other), {
      planId: blank,
      version: await version(blank),
      from: "catalogue",
      catalogueKey: "p95_latency",
    });
    expect(await metricByKey("p95_latency", blank)).toMatchObject({
      label: "Response time p95",
      unit: "ms",
      target: 2000,
      alertThreshold: 3000,
      criticalThreshold: 4000,
      position: 0,
    });
    expect(
      await fieldsOf(
        addMetric(ctx(other), {
          planId: blank,
          version: await version(blank),
          from: "catalogue",
          catalogueKey: "nope",
        }),
      ),
    ).toEqual({ catalogueKey: ["Choose a KPI from the catalogue"] });
  });

  test("engineers and viewers cannot edit KPIs, criteria or triggers", async () => {
    const before = await snapshot();
    const errorRate = (await metricByKey("error_rate"))!;
    const [trigger] = await db().select().from(rollbackTriggers).where(eq(rollbackTriggers.planId, planId));
    for (const actor of [engineer, viewer]) {
      expect(
        await codeOf(
          addMetric(ctx(actor), { planId, version: before.version, from: "catalogue", catalogueKey: "cpu" }),
        ),
      ).toBe("forbidden:permission");
      expect(
        await codeOf(
          updateMetric(ctx(actor), {
            planId,
            version: before.version,
            metricId: errorRate.id,
            label: "Errors",
            direction: "lower_is_better",
          }),
        ),
      ).toBe("forbidden:permission");
      expect(await codeOf(removeMetric(ctx(actor), { planId, version: before.version, metricId: errorRate.id }))).toBe(
        "forbidden:permission",
      );
      expect(
        await codeOf(
          addCriterion(ctx(actor), {
            planId,
            version: before.version,
            phaseId: (await phaseByName("GA")).id,
            metricId: errorRate.id,
            comparison: "lt",
            value: 1,
          }),
        ),
      ).toBe("forbidden:permission");
      expect(
        await codeOf(
          setTriggerEnabled(ctx(actor), { planId, version: before.version, triggerId: trigger!.id, enabled: "false" }),
        ),
      ).toBe("forbidden:permission");
    }
    expect(await snapshot()).toEqual(before);
  });

  test("every field at fault is named, in words, before the database check could fire; nothing is written", async () => {
    const before = await snapshot();
    const errorRate = (await metricByKey("error_rate"))!;
    const base = {
      planId,
      version: before.version,
      metricId: errorRate.id,
      label: "Error rate",
      unit: "%",
      direction: "lower_is_better",
    };
    expect(
      await fieldsOf(updateMetric(ctx(rm), { ...base, target: "3", alertThreshold: "5", criticalThreshold: "2" })),
    ).toEqual({
      criticalThreshold: ["Critical must be at or above the alert threshold (5): higher is worse for this metric"],
    });
    expect(
      await fieldsOf(updateMetric(ctx(rm), { ...base, target: "6", alertThreshold: "5", criticalThreshold: "9" })),
    ).toEqual({ target: ["The target must be at or below the alert threshold (5): lower is better for this metric"] });
    expect(
      await fieldsOf(updateMetric(ctx(rm), { ...base, label: "", direction: "sideways", alertThreshold: "lots" })),
    ).toEqual({
      label: ["Enter a label"],
      direction: ["Choose whether lower or higher is better"],
      alertThreshold: ["Enter the alert threshold as a number"],
    });
    expect(await fieldsOf(updateMetric(ctx(rm), { ...base, sourceKind: "prometheus" }))).toEqual({
      sourceId: ["Choose the Prometheus source to poll"],
      promql: ["Enter the PromQL query to poll"],
    });
    expect(
      await fieldsOf(
        addMetric(ctx(rm), {
          planId,
          version: before.version,
          from: "custom",
          key: "9-lives",
          label: "Lives",
          direction: "lower_is_better",
        }),
      ),
    ).toEqual({ key: ["Start with a lowercase letter; use lowercase letters, digits, _ and . only"] });
    const ga = await phaseByName("GA");
    expect(
      await fieldsOf(
        addCriterion(ctx(rm), {
          planId,
          version: before.version,
          phaseId: ga.id,
          metricId: errorRate.id,
          comparison: "gt",
          value: "1",
          sustainedMinutes: "-5",
        }),
      ),
    ).toEqual({ sustainedMinutes: ["Use 0 or more minutes"] });
    expect(
      await fieldsOf(
        addCriterion(ctx(rm), {
          planId,
          version: before.version,
          phaseId: ga.id,
          metricId: errorRate.id,
          comparison: "gt",
          value: "1",
        }),
      ),
    ).toEqual({ comparison: ["Lower is better for this metric: a success criterion uses < or ≤"] });
    expect(
      await fieldsOf(
        addTrigger(ctx(rm), {
          planId,
          version: before.version,
          metricId: "",
          mode: "relative_to_baseline",
          comparison: "gt",
          value: "2",
          action: "automatic_rollback",
        }),
      ),
    ).toEqual({
      action: ["An automatic rollback needs a metric to watch; a condition people judge is alert only"],
      mode: ["Comparing against the baseline needs a metric"],
    });
    // A source from another project is not one of this project's.
    const { projectId: foreignProject } = await planWithTokens(db(), "blank", "Foreign", {});
    const [foreign] = await db()
      .insert(metricSources)
      .values({ projectId: foreignProject, name: "prom", baseUrl: "http://prom.example:9090" })
      .returning();
    expect(
      await fieldsOf(
        updateMetric(ctx(rm), {
          ...base,
          sourceKind: "prometheus",
          sourceId: foreign!.id,
          promql: "sum(rate(errors[5m]))",
        }),
      ),
    ).toEqual({ sourceId: ["Choose one of this project's metric sources"] });
    expect(await snapshot()).toEqual(before);
  });

  test("KPI edits: thresholds, a Prometheus source, direction guarded by its criteria, order", async () => {
    const errorRate = (await metricByKey("error_rate"))!;
    const [source] = await db()
      .insert(metricSources)
      .values({ projectId, name: "prometheus", baseUrl: "http://prom.example:9090" })
      .returning();
    await updateMetric(ctx(rm), {
      planId,
      version: await version(),
      metricId: errorRate.id,
      label: "Error rate (5xx)",
      unit: "%",
      direction: "lower_is_better",
      target: "0.5",
      alertThreshold: "1.5",
      criticalThreshold: "4",
      sourceKind: "prometheus",
      sourceId: source!.id,
      promql: 'sum(rate(http_requests_total{code=~"5.."}[5m]))',
    });
    expect(await metricByKey("error_rate")).toMatchObject({
      label: "Error rate (5xx)",
      target: 0.5,
      alertThreshold: 1.5,
      criticalThreshold: 4,
      sourceKind: "prometheus",
      sourceId: source!.id,
    });
    const [audit] = (await auditsOf(errorRate.id)).filter((a) => a.action === "metric.updated");
    expect(audit).toMatchObject({
      before: { label: "Error rate", alertThreshold: 2, sourceKind: "push" },
      after: { label: "Error rate (5xx)", alertThreshold: 1.5, sourceKind: "prometheus" },
    });

    // Back to pushed: the query goes with the source.
    await updateMetric(ctx(rm), {
      planId,
      version: await version(),
      metricId: errorRate.id,
      label: "Error rate",
      unit: "%",
      direction: "lower_is_better",
      target: "1",
      alertThreshold: "2",
      criticalThreshold: "5",
      sourceKind: "push",
      promql: "ignored",
    });
    expect(await metricByKey("error_rate")).toMatchObject({ sourceKind: "push", sourceId: null, promql: null });

    // Pilot and Expanded judge "error rate < 1%" and triggers watch "> 5%": flipping the direction would invert them.
    const flipped = await fieldsOf(
      updateMetric(ctx(rm), {
        planId,
        version: await version(),
        metricId: errorRate.id,
        label: "Error rate",
        unit: "%",
        direction: "higher_is_better",
      }),
    );
    expect(flipped?.direction?.[0]).toMatch(
      /^These compare Error rate the other way; change or remove them first: Pilot: Error rate < 1% for 3 days; .*trigger “Error rate > 5% for 5 min”/,
    );

    const order = async () =>
      (
        await db()
          .select({ key: metrics.key })
          .from(metrics)
          .where(eq(metrics.planId, planId))
          .orderBy(asc(metrics.position))
      ).map((m) => m.key);
    const p95 = (await metricByKey("p95_latency"))!;
    await moveMetric(ctx(rm), { planId, version: await version(), metricId: p95.id, direction: "up" });
    expect((await order()).slice(0, 2)).toEqual(["p95_latency", "error_rate"]);
    expect(
      await codeOf(moveMetric(ctx(rm), { planId, version: await version(), metricId: p95.id, direction: "up" })),
    ).toBe("conflict:state");
    expect((await auditsOf(p95.id)).map((a) => a.action)).toEqual(["metric.moved"]);
  });

  test("criteria per phase: add, change, remove, each audited; finished phases are history", async () => {
    const ga = await phaseByName("GA");
    const availability = (await metricByKey("availability"))!;
    const errorRate = (await metricByKey("error_rate"))!;
    const { criterionId } = await addCriterion(ctx(rm), {
      planId,
      version: await version(),
      phaseId: ga.id,
      metricId: availability.id,
      comparison: "gte",
      value: "99.9",
      sustainedMinutes: "1440",
    });
    await updateCriterion(ctx(rm), {
      planId,
      version: await version(),
      criterionId,
      metricId: errorRate.id,
      comparison: "lte",
      value: "0.5",
      sustainedMinutes: "120",
    });
    expect((await db().select().from(successCriteria).where(eq(successCriteria.id, criterionId)))[0]).toMatchObject({
      metricId: errorRate.id,
      comparison: "lte",
      value: 0.5,
      sustainedMinutes: 120,
    });
    await removeCriterion(ctx(rm), { planId, version: await version(), criterionId });
    expect(await db().select().from(successCriteria).where(eq(successCriteria.id, criterionId))).toEqual([]);
    const audits = await auditsOf(criterionId);
    expect(audits.map((a) => [a.action, a.after ?? a.before])).toEqual([
      ["criterion.added", { phase: "GA", criterion: "Availability ≥ 99.9% for 1 day" }],
      ["criterion.updated", { phase: "GA", criterion: "Error rate ≤ 0.5% for 2 h" }],
      ["criterion.removed", { phase: "GA", criterion: "Error rate ≤ 0.5% for 2 h" }],
    ]);
    expect(await codeOf(removeCriterion(ctx(rm), { planId, version: await version(), criterionId }))).toBe(
      "not_found:entity",
    );
  });

  test("triggers: absolute, relative and degradation; scoped, disabled, edited, removed — each audited", async () => {
    const p95 = (await metricByKey("p95_latency"))!;
    const pilot = await phaseByName("Pilot");
    const rel = await addTrigger(ctx(rm), {
      planId,
      version: await version(),
      metricId: p95.id,
      phaseId: pilot.id,
      mode: "relative_to_baseline",
      comparison: "gt",
      value: "3",
      durationMinutes: "10",
      action: "automatic_rollback",
      enabled: "true",
    });
    const deg = await addTrigger(ctx(rm), {
      planId,
      version: await version(),
      metricId: p95.id,
      mode: "degradation_pct",
      comparison: "gt",
      value: "50",
      durationMinutes: "15",
      action: "alert_only",
      enabled: "false",
    });
    const rows = await db()
      .select()
      .from(rollbackTriggers)
      .where(inArray(rollbackTriggers.id, [rel.triggerId, deg.triggerId]));
    expect(rows.find((r) => r.id === rel.triggerId)).toMatchObject({
      description: "Response time p95 > 3× baseline for 10 min",
      phaseId: pilot.id,
      enabled: true,
    });
    expect(rows.find((r) => r.id === deg.triggerId)).toMatchObject({
      description: "Response time p95 degradation > 50% for 15 min",
      phaseId: null,
      enabled: false,
    });

    await db()
      .update(rollbackTriggers)
      .set({ state: "breached", stateReason: "held for 12 min" })
      .where(eq(rollbackTriggers.id, rel.triggerId));
    await updateTrigger(ctx(rm), {
      planId,
      version: await version(),
      triggerId: rel.triggerId,
      metricId: p95.id,
      phaseId: "",
      description: "p95 triples",
      mode: "relative_to_baseline",
      comparison: "gte",
      value: "3",
      durationMinutes: "5",
      action: "automatic_rollback",
    });
    expect((await db().select().from(rollbackTriggers).where(eq(rollbackTriggers.id, rel.triggerId)))[0]).toMatchObject(
      {
        description: "p95 triples",
        phaseId: null,
        comparison: "gte",
        durationMinutes: 5,
        state: "unknown",
        stateReason: null,
      },
    );

    await setTriggerEnabled(ctx(rm), { planId, version: await version(), triggerId: deg.triggerId, enabled: "true" });
    await setTriggerEnabled(ctx(rm), { planId, version: await version(), triggerId: rel.triggerId, enabled: "false" });
    await removeTrigger(ctx(rm), { planId, version: await version(), triggerId: deg.triggerId });
    expect((await auditsOf(rel.triggerId)).map((a) => a.action)).toEqual([
      "trigger.added",
      "trigger.updated",
      "trigger.disabled",
    ]);
    expect((await auditsOf(deg.triggerId)).map((a) => a.action)).toEqual([
      "trigger.added",
      "trigger.enabled",
      "trigger.removed",
    ]);
    // A description that was the rule in words follows the rule; a written one (above) stays.
    const errorRate = (await metricByKey("error_rate"))!;
    const plain = await addTrigger(ctx(rm), {
      planId,
      version: await version(),
      metricId: errorRate.id,
      mode: "absolute",
      comparison: "gt",
      value: "3",
      durationMinutes: "10",
      action: "alert_only",
    });
    const described = async () =>
      (await db().select().from(rollbackTriggers).where(eq(rollbackTriggers.id, plain.triggerId)))[0]!.description;
    expect(await described()).toBe("Error rate > 3% for 10 min");
    await updateTrigger(ctx(rm), {
      planId,
      version: await version(),
      triggerId: plain.triggerId,
      metricId: errorRate.id,
      description: "Error rate > 3% for 10 min",
      mode: "absolute",
      comparison: "gte",
      value: "4",
      durationMinutes: "30",
      action: "alert_only",
    });
    expect(await described()).toBe("Error rate ≥ 4% for 30 min");

    expect(
      await fieldsOf(
        updateTrigger(ctx(rm), {
          planId,
          version: await version(),
          triggerId: rel.triggerId,
          metricId: p95.id,
          mode: "degradation_pct",
          comparison: "lt",
          value: "0",
          action: "alert_only",
        }),
      ),
    ).toEqual({
      comparison: ["A degradation is measured in the metric's bad direction: use > or ≥"],
      value: ["A degradation is a percentage above 0"],
    });
  });

  test("a criterion change while someone decides makes their decision stale, and stale edits are refused", async () => {
    const { planId: running, rm: owner } = await planWithTokens(db(), "canary", "Stale", {});
    await transitionPlan(ctx(owner), { planId: running, version: 1, action: "start" });
    const seen = await version(running);
    const canary = await phaseByName("Canary 5%", running);
    const [criterion] = await db().select().from(successCriteria).where(eq(successCriteria.phaseId, canary.id));
    await updateCriterion(ctx(owner), {
      planId: running,
      version: seen,
      criterionId: criterion!.id,
      metricId: criterion!.metricId,
      comparison: "lt",
      value: "0.5",
      sustainedMinutes: "60",
    });
    const decided = await recordDecision(ctx(owner), {
      planId: running,
      version: seen,
      kind: "go",
      rationale: "Canary holds",
    }).catch((e: unknown) => e as AppError);
    expect(decided).toMatchObject({ code: "conflict:stale_version" });
    expect(
      await codeOf(
        addTrigger(ctx(owner), {
          planId: running,
          version: seen,
          mode: "absolute",
          comparison: "gt",
          value: "0",
          action: "alert_only",
          description: "Pager storm",
        }),
      ),
    ).toBe("conflict:stale_version");
    expect(await version(running)).toBe(seen + 1);
  });

  test("removing a KPI: refused while it guards a running rollout or judged a finished phase; confirmed by key when it has samples", async () => {
    const { planId: running, rm: owner } = await planWithTokens(db(), "staged", "Removal", {});
    await transitionPlan(ctx(owner), { planId: running, version: 1, action: "start" });
    const errorRate = (await metricByKey("error_rate", running))!;
    const armed = await removeMetric(ctx(owner), {
      planId: running,
      version: await version(running),
      metricId: errorRate.id,
    }).catch((e: unknown) => e as AppError);
    expect(armed).toMatchObject({
      code: "conflict:state",
      message: expect.stringContaining("watched by an automatic rollback (“Error rate > 5% for 5 min”)"),
    });

    // Internal passes (set directly: the go path has its own tests); a criterion it was judged on pins its KPI.
    const internal = await phaseByName("Internal", running);
    const pilot = await phaseByName("Pilot", running);
    const cpu = (await metricByKey("cpu", running))!;
    await addCriterion(ctx(owner), {
      planId: running,
      version: await version(running),
      phaseId: internal.id,
      metricId: cpu.id,
      comparison: "lt",
      value: "80",
    });
    await db().update(phases).set({ status: "passed" }).where(eq(phases.id, internal.id));
    await db().update(phases).set({ status: "active" }).where(eq(phases.id, pilot.id));
    expect(
      await codeOf(removeMetric(ctx(owner), { planId: running, version: await version(running), metricId: cpu.id })),
    ).toBe("conflict:state");
    const [pinned] = await db().select().from(successCriteria).where(eq(successCriteria.phaseId, internal.id));
    expect(
      await codeOf(
        removeCriterion(ctx(owner), { planId: running, version: await version(running), criterionId: pinned!.id }),
      ),
    ).toBe("conflict:state");
    expect(
      await codeOf(
        addCriterion(ctx(owner), {
          planId: running,
          version: await version(running),
          phaseId: internal.id,
          metricId: cpu.id,
          comparison: "lt",
          value: "70",
        }),
      ),
    ).toBe("conflict:state");
    expect(
      await fieldsOf(
        addTrigger(ctx(owner), {
          planId: running,
          version: await version(running),
          metricId: cpu.id,
          phaseId: internal.id,
          mode: "absolute",
          comparison: "gt",
          value: "95",
          action: "alert_only",
        }),
      ),
    ).toEqual({ phaseId: ["Internal has finished: a trigger scoped to it would never be evaluated"] });

    // Memory has samples: its key must be typed; the refusal leaves everything as it was.
    const memory = (await metricByKey("memory", running))!;
    await ingestSamples(ctx(owner), running, [
      { metric: "memory", value: 61 },
      { metric: "memory", value: 64, ts: Date.now() - 120_000 },
    ]);
    const v = await version(running);
    expect(
      await fieldsOf(removeMetric(ctx(owner), { planId: running, version: v, metricId: memory.id, confirm: "Memory" })),
    ).toEqual({ confirm: ["Memory usage has 2 samples, removed with it: type memory to confirm"] });
    expect(await version(running)).toBe(v);
    expect(await db().select().from(samples).where(eq(samples.metricId, memory.id))).toHaveLength(2);
    await removeMetric(ctx(owner), { planId: running, version: v, metricId: memory.id, confirm: "memory" });
    expect(await metricByKey("memory", running)).toBeUndefined();
    expect(await db().select().from(samples).where(eq(samples.metricId, memory.id))).toEqual([]);
    const [removed] = await auditsOf(memory.id);
    expect(removed).toMatchObject({ action: "metric.removed", before: { key: "memory", samples: 2 } });
  });

  test("finished plans are read-only", async () => {
    const { planId: done, rm: owner } = await planWithTokens(db(), "canary", "Cancelled", {});
    await transitionPlan(ctx(owner), { planId: done, version: 1, action: "cancel" });
    const v = await version(done);
    const errorRate = (await metricByKey("error_rate", done))!;
    const [trigger] = await db().select().from(rollbackTriggers).where(eq(rollbackTriggers.planId, done));
    const refusals = await Promise.all([
      codeOf(addMetric(ctx(owner), { planId: done, version: v, from: "catalogue", catalogueKey: "cpu" })),
      codeOf(
        updateMetric(ctx(owner), {
          planId: done,
          version: v,
          metricId: errorRate.id,
          label: "Errors",
          direction: "lower_is_better",
        }),
      ),
      codeOf(removeMetric(ctx(owner), { planId: done, version: v, metricId: errorRate.id })),
      codeOf(setTriggerEnabled(ctx(owner), { planId: done, version: v, triggerId: trigger!.id, enabled: "false" })),
    ]);
    expect(refusals).toEqual(["conflict:state", "conflict:state", "conflict:state", "conflict:state"]);
    expect(await version(done)).toBe(v);
  });
});
