import type { Comparison, MetricDirection, TriggerAction, TriggerMode } from "@/db/schema/enums";
import { describeCondition, formatMinutes } from "./gate-summary";
import type { JudgeSettings } from "./judge";

// What a plan's KPI definitions, success criteria and rollback triggers must satisfy, in words a
// release manager can act on. The database checks the same orderings; these rules answer first,
// naming the field, so nobody meets a constraint name.

/** The shape pipelines push by; the same pattern as the database's metrics_key_shape check. */
export const METRIC_KEY_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;

export function metricKeyProblem(key: string): string | null {
  if (key.length === 0) return "Enter a key";
  if (key.length > 64) return "Use at most 64 characters";
  if (!/^[a-z]/.test(key)) return "Start with a lowercase letter";
  if (!METRIC_KEY_PATTERN.test(key)) return "Use lowercase letters, digits, _ and . only";
  return null;
}

/** "Checkout success %" → "checkout_success": a valid key for any label. */
export function keyFromLabel(label: string): string {
  const words = label
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const key = /^[a-z]/.test(words) ? words : `kpi_${words}`.replace(/_+$/, "");
  return key.slice(0, 64).replace(/_+$/, "");
}

export interface ThresholdInput {
  direction: MetricDirection;
  target: number | null;
  alertThreshold: number | null;
  criticalThreshold: number | null;
}

export type ThresholdField = "target" | "alertThreshold" | "criticalThreshold";

const worseWord: Record<MetricDirection, { worse: string; better: string; atOrWorse: string; atOrBetter: string }> = {
  lower_is_better: { worse: "higher", better: "lower", atOrWorse: "at or above", atOrBetter: "at or below" },
  higher_is_better: { worse: "lower", better: "higher", atOrWorse: "at or below", atOrBetter: "at or above" },
};

/** True when `a` is at or on the good side of `b` for this direction. */
function atOrBetter(direction: MetricDirection, a: number, b: number): boolean {
  return direction === "lower_is_better" ? a <= b : a >= b;
}

/**
 * Thresholds are ordered in the direction things get worse: target, then alert, then critical
 * (equal is allowed). Every broken rule is named on the field to change.
 */
export function thresholdProblems(input: ThresholdInput): Partial<Record<ThresholdField, string[]>> {
  const { direction, target, alertThreshold: alert, criticalThreshold: critical } = input;
  const words = worseWord[direction];
  const problems: Partial<Record<ThresholdField, string[]>> = {};
  const add = (field: ThresholdField, message: string) => (problems[field] ??= []).push(message);
  for (const [field, value] of [
    ["target", target],
    ["alertThreshold", alert],
    ["criticalThreshold", critical],
  ] as const) {
    if (value !== null && !Number.isFinite(value)) add(field, "Enter a finite number");
  }
  if (Object.keys(problems).length) return problems;
  if (alert !== null && critical !== null && !atOrBetter(direction, alert, critical)) {
    add(
      "criticalThreshold",
      `Critical must be ${words.atOrWorse} the alert threshold (${alert}): ${words.worse} is worse for this metric`,
    );
  }
  const nearest = alert ?? critical;
  if (target !== null && nearest !== null && !atOrBetter(direction, target, nearest)) {
    add(
      "target",
      `The target must be ${words.atOrBetter} the ${alert !== null ? "alert" : "critical"} threshold (${nearest}): ${words.better} is better for this metric`,
    );
  }
  return problems;
}

/** The database's metrics_thresholds_ordered check, as a predicate (for tests and callers). */
export function satisfiesThresholdCheck(input: ThresholdInput): boolean {
  const { direction, alertThreshold: alert, criticalThreshold: critical } = input;
  if (alert === null || critical === null) return true;
  return direction === "lower_is_better" ? alert <= critical : alert >= critical;
}

const rising = (c: Comparison) => c === "gt" || c === "gte";

/**
 * A success criterion asks for the good side ("error rate < 1%"), a rollback trigger watches the
 * bad side ("error rate > 5%"); a degradation is measured in the bad direction already, so it is
 * always "more than". Anything else is a condition that holds when the release is healthy.
 */
export function comparisonProblem(
  use: "criterion" | "trigger",
  direction: MetricDirection,
  comparison: Comparison,
  mode: TriggerMode = "absolute",
): string | null {
  if (use === "trigger" && mode === "degradation_pct") {
    return rising(comparison) ? null : "A degradation is measured in the metric's bad direction: use > or ≥";
  }
  const badIsRising = direction === "lower_is_better";
  const wantsRising = use === "trigger" ? badIsRising : !badIsRising;
  if (rising(comparison) === wantsRising) return null;
  const better = worseWord[direction].better;
  return use === "criterion"
    ? `${better === "lower" ? "Lower" : "Higher"} is better for this metric: a success criterion uses ${better === "lower" ? "< or ≤" : "> or ≥"}`
    : `${better === "lower" ? "Lower" : "Higher"} is better for this metric: a rollback trigger watches for ${better === "lower" ? "> or ≥" : "< or ≤"}`;
}

export interface TriggerRuleInput {
  metric: { label: string; unit: string; direction: MetricDirection } | null;
  mode: TriggerMode;
  comparison: Comparison;
  value: number;
  durationMinutes: number;
  action: TriggerAction;
}

export type TriggerField = "metricId" | "mode" | "comparison" | "value" | "action";

/** Everything wrong with a rollback trigger's rule, by field. */
export function triggerProblems(input: TriggerRuleInput): Partial<Record<TriggerField, string[]>> {
  const problems: Partial<Record<TriggerField, string[]>> = {};
  const add = (field: TriggerField, message: string) => (problems[field] ??= []).push(message);
  if (!input.metric) {
    if (input.action === "automatic_rollback")
      add("action", "An automatic rollback needs a metric to watch; a condition people judge is alert only");
    if (input.mode !== "absolute") add("mode", "Comparing against the baseline needs a metric");
    return problems;
  }
  // The canary judge's settings are checked on their own (lib/domain/judge-settings.ts).
  if (input.mode === "canary_worse") return problems;
  const comparison = comparisonProblem("trigger", input.metric.direction, input.comparison, input.mode);
  if (comparison) add("comparison", comparison);
  if (input.mode === "relative_to_baseline" && !(input.value > 0))
    add("value", "A factor of the baseline is above 0 (2 means twice the baseline)");
  if (input.mode === "degradation_pct" && !(input.value > 0)) add("value", "A degradation is a percentage above 0");
  return problems;
}

const symbol: Record<Comparison, string> = { lt: "<", lte: "≤", gt: ">", gte: "≥" };

/** "Error rate > 5% for 5 min", "Response time p95 > 2× baseline for 10 min", "Response time p95 degradation > 50%". */
export function describeTriggerRule(
  input: Omit<TriggerRuleInput, "action"> & {
    metric: { label: string; unit: string } | null;
    judge?: JudgeSettings | null;
  },
): string {
  const label = input.metric?.label ?? "Condition";
  const duration = formatMinutes(input.durationMinutes);
  const suffix = duration ? ` for ${duration}` : "";
  switch (input.mode) {
    case "absolute":
      return describeCondition(label, input.comparison, input.value, input.metric?.unit ?? "", input.durationMinutes);
    case "relative_to_baseline":
      return `${label} ${symbol[input.comparison]} ${input.value}× baseline${suffix}`;
    case "degradation_pct":
      return `${label} degradation ${symbol[input.comparison]} ${input.value}%${suffix}`;
    case "canary_worse":
      return `${label} worse on the canary than the baseline${input.judge ? ` (${input.judge.method === "sequential" ? "sequential test" : "Mann–Whitney"})` : ""}`;
  }
}

/** Merges per-field problem maps into the shape AppError carries. */
export function mergeProblems(...maps: Partial<Record<string, string[]>>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const map of maps)
    for (const [field, messages] of Object.entries(map)) if (messages?.length) (out[field] ??= []).push(...messages);
  return out;
}
