import { type AnyColumn, and, asc, count, eq, ne, sql } from "drizzle-orm";
import { metricSources, metrics, phases, rollbackTriggers, samples, successCriteria } from "@/db/schema";
import type { Comparison, MetricDirection } from "@/db/schema/enums";
import {
  comparisonProblem,
  describeTriggerRule,
  keyFromLabel,
  mergeProblems,
  thresholdProblems,
  triggerProblems,
} from "@/lib/domain/kpi-rules";
import { describeCriterion } from "@/lib/domain/gate-summary";
import type { JudgeSettings } from "@/lib/domain/judge";
import { judgeSettingsFromForm, judgeSettingsSchema } from "@/lib/domain/judge-settings";
import { isPhaseEditable } from "@/lib/domain/lifecycle";
import { metricCatalogue } from "@/lib/domain/templates";
import { AppError } from "@/lib/errors";
import {
  addCriterionSchema,
  addMetricSchema,
  addTriggerSchema,
  moveMetricSchema,
  removeCriterionSchema,
  removeMetricSchema,
  removeTriggerSchema,
  setTriggerEnabledSchema,
  updateCriterionSchema,
  updateMetricSchema,
  updateTriggerSchema,
} from "@/lib/validation/kpis";
import { parseInput } from "@/lib/validation/parse";
import type { ServiceContext, Tx } from "./context";
import { editPlan } from "./plans";
import type { PhaseRow, PlanRow } from "@/lib/reads/plan-state";

// A plan's KPI definitions, success criteria and rollback triggers. Every change goes through the
// plan edit path (authorise "plan:edit", claim the version, refuse finished plans, audit, notify,
// one transaction) and so claims the plan version: a go decision is judged against the criteria
// and thresholds its decider saw, and the triggers decide whether the rollout rolls itself back;
// a change to any of them while someone decides makes that decision fail as stale instead of
// passing a gate that is no longer the one on screen. KPIs claim it too: removing one removes its
// criteria and triggers, and thresholds colour the health the decider reads.

type MetricRow = typeof metrics.$inferSelect;
type TriggerRow = typeof rollbackTriggers.$inferSelect;
type CriterionRow = typeof successCriteria.$inferSelect;

const RUNNING: readonly string[] = ["in_progress", "paused"];

/** One 400 naming every field at fault, in the shape parseInput gives. */
function refuse(fieldErrors: Record<string, string[]>): never {
  const summary = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
    .join(", ");
  throw new AppError("bad_request:validation", `Invalid input — ${summary}`, fieldErrors);
}

async function loadMetric(tx: Tx, planId: string, metricId: string, field = "metricId"): Promise<MetricRow> {
  const [row] = await tx
    .select()
    .from(metrics)
    .where(and(eq(metrics.id, metricId), eq(metrics.planId, planId)));
  if (!row) refuse({ [field]: ["Choose one of this plan's KPIs"] });
  return row;
}

async function loadPhase(tx: Tx, planId: string, phaseId: string): Promise<PhaseRow> {
  const [row] = await tx
    .select()
    .from(phases)
    .where(and(eq(phases.id, phaseId), eq(phases.planId, planId)));
  if (!row) refuse({ phaseId: ["Choose one of this plan's phases"] });
  return row;
}

/** Pending and active phases take criterion and trigger changes; finished ones are history. */
function assertPhaseOpen(phase: PhaseRow, what: string) {
  if (!isPhaseEditable(phase.status) && phase.status !== "active")
    throw new AppError(
      "conflict:state",
      `${phase.name} is ${phase.status.replace("_", " ")}: its ${what} are history and cannot change`,
    );
}

interface SourceInput {
  sourceKind: "push" | "prometheus";
  sourceId: string | null;
  promql: string | null;
  /** A rate polled as counts: the denominator's query (promql is then the numerator's). */
  denominatorPromql?: string | null;
}

function sourceProblems(data: SourceInput): Record<string, string[]> {
  if (data.sourceKind === "push") return {};
  const problems: Record<string, string[]> = {};
  if (!data.sourceId) problems.sourceId = ["Choose the Prometheus source to poll"];
  if (!data.promql) problems.promql = ["Enter the PromQL query to poll"];
  return problems;
}

/** Pushed KPIs keep no query; polled ones name one of the project's sources. */
async function resolveSource(tx: Tx, projectId: string, data: SourceInput): Promise<SourceInput> {
  if (data.sourceKind === "push") return { sourceKind: "push", sourceId: null, promql: null, denominatorPromql: null };
  const [source] = await tx
    .select({ id: metricSources.id })
    .from(metricSources)
    .where(and(eq(metricSources.id, data.sourceId!), eq(metricSources.projectId, projectId)));
  if (!source) refuse({ sourceId: ["Choose one of this project's metric sources"] });
  return data;
}

const metricView = (
  m: Pick<
    MetricRow,
    | "key"
    | "label"
    | "unit"
    | "direction"
    | "target"
    | "alertThreshold"
    | "criticalThreshold"
    | "sourceKind"
    | "sourceId"
    | "promql"
    | "denominatorPromql"
  >,
) => ({
  key: m.key,
  label: m.label,
  unit: m.unit,
  direction: m.direction,
  target: m.target,
  alertThreshold: m.alertThreshold,
  criticalThreshold: m.criticalThreshold,
  sourceKind: m.sourceKind,
  sourceId: m.sourceId,
  promql: m.promql,
  ...(m.denominatorPromql ? { denominatorPromql: m.denominatorPromql } : {}),
});

async function nextMetricPosition(tx: Tx, planId: string) {
  const rows = await tx.select({ position: metrics.position }).from(metrics).where(eq(metrics.planId, planId));
  return Math.max(-1, ...rows.map((r) => r.position)) + 1;
}

export async function addMetric(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addMetricSchema, input);
  let draft: Omit<typeof metrics.$inferInsert, "planId" | "position">;
  let explicitKey = true;
  if (data.from === "catalogue") {
    const entry = metricCatalogue.find((m) => m.key === data.catalogueKey);
    if (!entry) refuse({ catalogueKey: ["Choose a KPI from the catalogue"] });
    draft = {
      key: entry.key,
      label: entry.label,
      unit: entry.unit,
      direction: entry.direction,
      target: entry.target,
      alertThreshold: entry.alert,
      criticalThreshold: entry.critical,
    };
  } else {
    const problems = mergeProblems(thresholdProblems(data), sourceProblems(data));
    if (Object.keys(problems).length) refuse(problems);
    explicitKey = data.key !== undefined;
    draft = {
      key: data.key ?? keyFromLabel(data.label),
      label: data.label,
      unit: data.unit,
      direction: data.direction,
      target: data.target,
      alertThreshold: data.alertThreshold,
      criticalThreshold: data.criticalThreshold,
    };
  }
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const taken = new Set(
      (await tx.select({ key: metrics.key }).from(metrics).where(eq(metrics.planId, plan.id))).map((r) => r.key),
    );
    if (taken.has(draft.key)) {
      if (data.from === "catalogue") refuse({ catalogueKey: [`${draft.label} is already a KPI of this plan`] });
      if (explicitKey) refuse({ key: [`"${draft.key}" is already a KPI of this plan`] });
      let n = 2;
      while (taken.has(`${draft.key.slice(0, 60)}_${n}`)) n++;
      draft = { ...draft, key: `${draft.key.slice(0, 60)}_${n}` };
    }
    const source =
      data.from === "custom"
        ? await resolveSource(tx, plan.projectId, data)
        : { sourceKind: "push" as const, sourceId: null, promql: null, denominatorPromql: null };
    const [row] = await tx
      .insert(metrics)
      .values({ ...draft, ...source, planId: plan.id, position: await nextMetricPosition(tx, plan.id) })
      .returning();
    return {
      result: { metricId: row!.id, key: row!.key },
      audit: {
        action: "metric.added",
        entityType: "metric",
        entityId: row!.id,
        after: { ...metricView(row!), from: data.from },
      },
    };
  });
}

/** Criteria and triggers that compare a KPI the other way once its direction changes. */
async function directionConflicts(tx: Tx, metric: MetricRow, direction: MetricDirection): Promise<string[]> {
  // The canary judge takes its direction from the KPI: its rows follow (see followDirection).
  const criteria = await tx
    .select({
      kind: successCriteria.kind,
      comparison: successCriteria.comparison,
      value: successCriteria.value,
      sustainedMinutes: successCriteria.sustainedMinutes,
      phase: phases.name,
    })
    .from(successCriteria)
    .innerJoin(phases, eq(phases.id, successCriteria.phaseId))
    .where(and(eq(successCriteria.metricId, metric.id), eq(successCriteria.kind, "threshold")));
  const triggers = await tx
    .select()
    .from(rollbackTriggers)
    .where(and(eq(rollbackTriggers.metricId, metric.id), ne(rollbackTriggers.mode, "canary_worse")));
  return [
    ...criteria
      .filter((c) => comparisonProblem("criterion", direction, c.comparison))
      .map((c) => `${c.phase}: ${criterionWords(metric, c)}`),
    ...triggers
      .filter((t) => comparisonProblem("trigger", direction, t.comparison, t.mode))
      .map((t) => `trigger “${t.description}”`),
  ];
}

/** A stored ratio turned the other way round; a ratio of 0 (or less) has none and stays 0. */
const reciprocal = (ratio: AnyColumn) => sql<number>`case when ${ratio} > 0 then 1 / ${ratio} else 0 end`;

/** The canary judge's rows keep the bad (or good) side and the line as ratios: flipped with the direction. */
async function followDirection(tx: Tx, metricId: string, direction: MetricDirection) {
  const lower = direction === "lower_is_better";
  await tx
    .update(rollbackTriggers)
    .set({ comparison: lower ? "gt" : "lt", value: reciprocal(rollbackTriggers.value) })
    .where(and(eq(rollbackTriggers.metricId, metricId), eq(rollbackTriggers.mode, "canary_worse")));
  await tx
    .update(successCriteria)
    .set({ comparison: lower ? "lt" : "gt", value: reciprocal(successCriteria.value) })
    .where(and(eq(successCriteria.metricId, metricId), eq(successCriteria.kind, "canary_not_worse")));
}

export async function updateMetric(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateMetricSchema, input);
  const problems = mergeProblems(thresholdProblems(data), sourceProblems(data));
  if (Object.keys(problems).length) refuse(problems);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const metric = await loadMetric(tx, plan.id, data.metricId);
    if (data.direction !== metric.direction) {
      const conflicts = await directionConflicts(tx, metric, data.direction);
      if (conflicts.length)
        refuse({
          direction: [
            `These compare ${metric.label} the other way; change or remove them first: ${conflicts.join("; ")}`,
          ],
        });
    }
    const source = await resolveSource(tx, plan.projectId, data);
    if (data.direction !== metric.direction) await followDirection(tx, metric.id, data.direction);
    const [after] = await tx
      .update(metrics)
      .set({
        label: data.label,
        unit: data.unit,
        direction: data.direction,
        target: data.target,
        alertThreshold: data.alertThreshold,
        criticalThreshold: data.criticalThreshold,
        ...source,
      })
      .where(eq(metrics.id, metric.id))
      .returning();
    return {
      result: { metricId: metric.id },
      audit: {
        action: "metric.updated",
        entityType: "metric",
        entityId: metric.id,
        before: metricView(metric),
        after: metricView(after!),
      },
    };
  });
}

/**
 * Removing a KPI removes its samples, criteria and triggers with it. So: never one a finished
 * phase's gate was judged on (history); never one an armed automatic rollback watches while the
 * plan runs (disable or remove that trigger first, as its own audited act); and when samples
 * exist, only with the KPI's key typed as confirmation.
 */
export async function removeMetric(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeMetricSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan, claimed }) => {
    const metric = await loadMetric(tx, plan.id, data.metricId);
    const criteria = await tx
      .select({ id: successCriteria.id, phase: phases.name, status: phases.status })
      .from(successCriteria)
      .innerJoin(phases, eq(phases.id, successCriteria.phaseId))
      .where(eq(successCriteria.metricId, metric.id));
    const judged = criteria.filter((c) => !isPhaseEditable(c.status) && c.status !== "active");
    if (judged.length)
      throw new AppError(
        "conflict:state",
        `${metric.label} is part of the gate of ${[...new Set(judged.map((c) => c.phase))].join(", ")}, which has finished: it is history and stays`,
      );
    const triggers = await tx.select().from(rollbackTriggers).where(eq(rollbackTriggers.metricId, metric.id));
    const armed = triggers.filter((t) => t.enabled && t.action === "automatic_rollback");
    if (RUNNING.includes(claimed.status) && armed.length) {
      throw new AppError(
        "conflict:state",
        `${metric.label} is watched by an automatic rollback (${armed.map((t) => `“${t.description}”`).join(", ")}); disable or remove it first, so the rollout is never left unguarded by accident`,
      );
    }
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(samples).where(eq(samples.metricId, metric.id));
    const sampleCount = Number(n);
    if (sampleCount > 0 && data.confirm !== metric.key) {
      refuse({
        confirm: [
          `${metric.label} has ${sampleCount.toLocaleString("en")} sample${sampleCount === 1 ? "" : "s"}, removed with it: type ${metric.key} to confirm`,
        ],
      });
    }
    await tx.delete(metrics).where(eq(metrics.id, metric.id));
    return {
      result: { metricId: metric.id },
      audit: {
        action: "metric.removed",
        entityType: "metric",
        entityId: metric.id,
        before: {
          ...metricView(metric),
          samples: sampleCount,
          criteria: criteria.map((c) => c.phase),
          triggers: triggers.map((t) => t.description),
        },
      },
    };
  });
}

export async function moveMetric(ctx: ServiceContext, input: unknown) {
  const data = parseInput(moveMetricSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const metric = await loadMetric(tx, plan.id, data.metricId);
    const list = await tx
      .select({ id: metrics.id, position: metrics.position })
      .from(metrics)
      .where(eq(metrics.planId, plan.id))
      .orderBy(asc(metrics.position), asc(metrics.key));
    const index = list.findIndex((m) => m.id === metric.id);
    const to = data.direction === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= list.length)
      throw new AppError("conflict:state", `${metric.label} is already ${data.direction === "up" ? "first" : "last"}`);
    const order = list.map((m) => m.id);
    [order[index], order[to]] = [order[to]!, order[index]!];
    for (const [position, id] of order.entries())
      if (list.find((m) => m.id === id)!.position !== position)
        await tx.update(metrics).set({ position }).where(eq(metrics.id, id));
    return {
      result: { metricId: metric.id },
      audit: {
        action: "metric.moved",
        entityType: "metric",
        entityId: metric.id,
        before: { position: index },
        after: { position: to },
      },
    };
  });
}

function criterionWords(
  metric: MetricRow,
  c: Pick<CriterionRow, "comparison" | "value" | "sustainedMinutes" | "kind">,
) {
  return describeCriterion({ label: metric.label, unit: metric.unit }, c);
}

type CriterionData = ReturnType<typeof addCriterionSchema.parse>;

/** The criterion as it will be stored: a threshold on the canary, or the canary judge's pass with its settings. */
function resolveCriterion(metric: MetricRow, data: Omit<CriterionData, "planId" | "version" | "phaseId">) {
  if (data.kind === "canary_not_worse") {
    const judged = judgeSettingsFromForm(data, metric.unit);
    if (!judged.ok) refuse(judged.problems);
    const t = judged.settings.tolerance;
    // Stored alongside: the good side and the tolerated ratio, so the row reads on its own.
    const lower = metric.direction === "lower_is_better";
    return {
      kind: data.kind,
      comparison: (lower ? "lt" : "gt") as Comparison,
      value: lower ? 1 + t : 1 / (1 + t),
      sustainedMinutes: 0,
      judge: judged.settings,
    };
  }
  const problems: Record<string, string[]> = {};
  if (data.comparison === undefined) problems.comparison = ["Choose <, ≤, > or ≥"];
  if (data.value === undefined) problems.value = ["Enter the value as a number"];
  if (Object.keys(problems).length) refuse(problems);
  const problem = comparisonProblem("criterion", metric.direction, data.comparison!);
  if (problem) refuse({ comparison: [problem] });
  return {
    kind: data.kind,
    comparison: data.comparison!,
    value: data.value!,
    sustainedMinutes: data.sustainedMinutes,
    judge: null,
  };
}

export async function addCriterion(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addCriterionSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const phase = await loadPhase(tx, plan.id, data.phaseId);
    assertPhaseOpen(phase, "success criteria");
    const metric = await loadMetric(tx, plan.id, data.metricId);
    const [row] = await tx
      .insert(successCriteria)
      .values({ phaseId: phase.id, metricId: metric.id, ...resolveCriterion(metric, data) })
      .returning();
    return {
      result: { criterionId: row!.id },
      audit: {
        action: "criterion.added",
        entityType: "success_criterion",
        entityId: row!.id,
        after: { phase: phase.name, criterion: criterionWords(metric, row!) },
      },
    };
  });
}

async function loadCriterion(tx: Tx, plan: PlanRow, criterionId: string) {
  const [row] = await tx
    .select({ criterion: successCriteria, phase: phases })
    .from(successCriteria)
    .innerJoin(phases, eq(phases.id, successCriteria.phaseId))
    .where(and(eq(successCriteria.id, criterionId), eq(phases.planId, plan.id)));
  if (!row) throw new AppError("not_found:entity", "No such success criterion in this plan");
  assertPhaseOpen(row.phase, "success criteria");
  return { ...row, metric: await loadMetric(tx, plan.id, row.criterion.metricId) };
}

export async function updateCriterion(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateCriterionSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { criterion, phase, metric: before } = await loadCriterion(tx, plan, data.criterionId);
    const metric = data.metricId === before.id ? before : await loadMetric(tx, plan.id, data.metricId);
    const [after] = await tx
      .update(successCriteria)
      .set({ metricId: metric.id, ...resolveCriterion(metric, data) })
      .where(eq(successCriteria.id, criterion.id))
      .returning();
    return {
      result: { criterionId: criterion.id },
      audit: {
        action: "criterion.updated",
        entityType: "success_criterion",
        entityId: criterion.id,
        before: { phase: phase.name, criterion: criterionWords(before, criterion) },
        after: { phase: phase.name, criterion: criterionWords(metric, after!) },
      },
    };
  });
}

export async function removeCriterion(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeCriterionSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { criterion, phase, metric } = await loadCriterion(tx, plan, data.criterionId);
    await tx.delete(successCriteria).where(eq(successCriteria.id, criterion.id));
    return {
      result: { criterionId: criterion.id },
      audit: {
        action: "criterion.removed",
        entityType: "success_criterion",
        entityId: criterion.id,
        before: { phase: phase.name, criterion: criterionWords(metric, criterion) },
      },
    };
  });
}

const triggerView = (t: TriggerRow, phaseName: string | null) => ({
  description: t.description,
  metricId: t.metricId,
  mode: t.mode,
  comparison: t.comparison,
  value: t.value,
  durationMinutes: t.durationMinutes,
  action: t.action,
  enabled: t.enabled,
  phase: phaseName ?? "every phase",
  ...(t.judge ? { judge: t.judge } : {}),
});

/** A fresh rule has not been judged yet: the next evaluation announces what it finds. */
const UNJUDGED = { state: "unknown", stateSince: null, stateReason: null, checkedAt: null } as const;

async function loadTrigger(tx: Tx, plan: PlanRow, triggerId: string) {
  const [trigger] = await tx
    .select()
    .from(rollbackTriggers)
    .where(and(eq(rollbackTriggers.id, triggerId), eq(rollbackTriggers.planId, plan.id)));
  if (!trigger) throw new AppError("not_found:entity", "No such rollback trigger in this plan");
  const phase = trigger.phaseId ? await loadPhase(tx, plan.id, trigger.phaseId) : null;
  if (phase) assertPhaseOpen(phase, "rollback triggers");
  return { trigger, phase };
}

type TriggerData = ReturnType<typeof addTriggerSchema.parse>;

/** The rule as it will be stored: its KPI and phase belong to the plan and it makes sense in words. */
async function resolveTrigger(
  tx: Tx,
  plan: PlanRow,
  data: Omit<TriggerData, "enabled" | "planId" | "version">,
  generated: string | null = null,
) {
  const metric = data.metricId ? await loadMetric(tx, plan.id, data.metricId) : null;
  const phase = data.phaseId ? await loadPhase(tx, plan.id, data.phaseId) : null;
  const canary = data.mode === "canary_worse";
  const problems: Record<string, string[]> = {};
  if (!canary && data.comparison === undefined) problems.comparison = ["Choose <, ≤, > or ≥"];
  if (!canary && data.value === undefined) problems.value = ["Enter the value as a number"];
  let judge: JudgeSettings | null = null;
  if (canary && metric) {
    const judged = judgeSettingsFromForm(data, metric.unit);
    if (judged.ok) judge = judged.settings;
    else Object.assign(problems, judged.problems);
  }
  if (Object.keys(problems).length) refuse(problems);
  // A canary judge trigger stores the bad side and the ratio it rolls back beyond, so the row reads on its own.
  const lower = metric?.direction !== "higher_is_better";
  const rule = canary
    ? {
        mode: data.mode,
        comparison: (lower ? "gt" : "lt") as Comparison,
        value: judge ? (lower ? 1 + judge.smallestRegression : 1 / (1 + judge.smallestRegression)) : 0,
        durationMinutes: 0,
        action: data.action,
      }
    : {
        mode: data.mode,
        comparison: data.comparison!,
        value: data.value!,
        durationMinutes: data.durationMinutes,
        action: data.action,
      };
  Object.assign(problems, mergeProblems(triggerProblems({ ...rule, metric })));
  if (phase && !isPhaseEditable(phase.status) && phase.status !== "active")
    (problems.phaseId ??= []).push(`${phase.name} has finished: a trigger scoped to it would never be evaluated`);
  if (Object.keys(problems).length) refuse(problems);
  // A description that was the old rule in words follows the rule; one people wrote stays.
  const description =
    data.description === null || data.description === generated
      ? describeTriggerRule({ ...rule, metric, judge })
      : data.description;
  return { values: { metricId: metric?.id ?? null, phaseId: phase?.id ?? null, description, ...rule, judge }, phase };
}

export async function addTrigger(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addTriggerSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { values, phase } = await resolveTrigger(tx, plan, data);
    const [row] = await tx
      .insert(rollbackTriggers)
      .values({ ...values, planId: plan.id, enabled: data.enabled })
      .returning();
    return {
      result: { triggerId: row!.id },
      audit: {
        action: "trigger.added",
        entityType: "rollback_trigger",
        entityId: row!.id,
        after: triggerView(row!, phase?.name ?? null),
      },
    };
  });
}

export async function updateTrigger(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateTriggerSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { trigger, phase: phaseBefore } = await loadTrigger(tx, plan, data.triggerId);
    const metricBefore = trigger.metricId ? await loadMetric(tx, plan.id, trigger.metricId) : null;
    const generated = describeTriggerRule({
      ...trigger,
      metric: metricBefore,
      judge: judgeSettingsSchema.safeParse(trigger.judge).data ?? null,
    });
    const { values, phase } = await resolveTrigger(
      tx,
      plan,
      data,
      trigger.description === generated ? generated : null,
    );
    const [after] = await tx
      .update(rollbackTriggers)
      .set({ ...values, ...UNJUDGED })
      .where(eq(rollbackTriggers.id, trigger.id))
      .returning();
    return {
      result: { triggerId: trigger.id },
      audit: {
        action: "trigger.updated",
        entityType: "rollback_trigger",
        entityId: trigger.id,
        before: triggerView(trigger, phaseBefore?.name ?? null),
        after: triggerView(after!, phase?.name ?? null),
      },
    };
  });
}

export async function removeTrigger(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeTriggerSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { trigger, phase } = await loadTrigger(tx, plan, data.triggerId);
    await tx.delete(rollbackTriggers).where(eq(rollbackTriggers.id, trigger.id));
    return {
      result: { triggerId: trigger.id },
      audit: {
        action: "trigger.removed",
        entityType: "rollback_trigger",
        entityId: trigger.id,
        before: triggerView(trigger, phase?.name ?? null),
      },
    };
  });
}

export async function setTriggerEnabled(ctx: ServiceContext, input: unknown) {
  const data = parseInput(setTriggerEnabledSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const { trigger } = await loadTrigger(tx, plan, data.triggerId);
    await tx
      .update(rollbackTriggers)
      .set({ enabled: data.enabled, ...UNJUDGED })
      .where(eq(rollbackTriggers.id, trigger.id));
    return {
      result: { triggerId: trigger.id, enabled: data.enabled },
      audit: {
        action: data.enabled ? "trigger.enabled" : "trigger.disabled",
        entityType: "rollback_trigger",
        entityId: trigger.id,
        before: { enabled: trigger.enabled },
        after: { enabled: data.enabled, description: trigger.description, action: trigger.action },
      },
    };
  });
}
