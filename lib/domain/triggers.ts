import type { Comparison, MetricDirection, TriggerMode } from "@/db/schema/enums";
import { compare } from "./criteria";

// Rollback triggers: "error rate > 5% for 5 min" (absolute), "p95 > 2× baseline for 10 min"
// (relative_to_baseline) and "degradation > 50%" (degradation_pct, against the baseline in the
// metric's bad direction). A trigger fires when its condition has held at every point of its
// duration, with data covering the window. Data that stops arriving is a condition of its own.

export interface TriggerRule {
  mode: TriggerMode;
  comparison: Comparison;
  value: number;
  durationMinutes: number;
  direction: MetricDirection;
}

/** One point per time bucket (e.g. minute averages), oldest first. */
export interface TriggerPoint {
  t: number;
  canary: number | null;
  baseline: number | null;
}

export type TriggerVerdict =
  | { state: "breached"; since: Date; observed: number; reason: string }
  | { state: "ok" }
  | { state: "no_data"; reason: string }
  | { state: "stale"; lastSampleAt: Date; reason: string };

export const COVERAGE_SLACK_MS = 2 * 60_000;

/** The observed quantity the rule compares, or null when a point cannot say (missing data). */
export function observed(rule: TriggerRule, point: TriggerPoint): number | null {
  if (point.canary === null) return null;
  switch (rule.mode) {
    case "absolute":
      return point.canary;
    case "relative_to_baseline":
      // Compared as canary / baseline against the factor: "p95 > 2× baseline".
      return point.baseline === null || point.baseline === 0 ? null : point.canary / point.baseline;
    case "degradation_pct": {
      if (point.baseline === null || point.baseline === 0) return null;
      const worse =
        rule.direction === "lower_is_better" ? point.canary - point.baseline : point.baseline - point.canary;
      return (worse / Math.abs(point.baseline)) * 100;
    }
    case "canary_worse":
      // Judged on the cohorts as a whole (lib/domain/judge.ts), never point by point.
      return null;
  }
}

/** How long without samples before a trigger's data counts as stale: 10 min, or twice its duration. */
export function staleAfterMs(rule: Pick<TriggerRule, "durationMinutes">): number {
  return Math.max(10 * 60_000, 2 * rule.durationMinutes * 60_000);
}

export function evaluateTrigger(
  rule: TriggerRule,
  points: readonly TriggerPoint[],
  now: Date,
  staleAfter = staleAfterMs(rule),
): TriggerVerdict {
  const usable = points.filter((p) => p.t <= now.getTime() && observed(rule, p) !== null);
  if (usable.length === 0) return { state: "no_data", reason: "no samples to judge" };
  const last = usable.at(-1)!;
  if (now.getTime() - last.t > staleAfter) {
    return {
      state: "stale",
      lastSampleAt: new Date(last.t),
      reason: `no samples for ${Math.round((now.getTime() - last.t) / 60_000)} min`,
    };
  }
  // Walk back from the newest point while the condition holds.
  let since: number | null = null;
  let worst = observed(rule, last)!;
  for (let i = usable.length - 1; i >= 0; i--) {
    const value = observed(rule, usable[i]!)!;
    if (!compare(rule.comparison, value, rule.value)) break;
    since = usable[i]!.t;
    worst = rule.comparison === "gt" || rule.comparison === "gte" ? Math.max(worst, value) : Math.min(worst, value);
  }
  if (since === null) return { state: "ok" };
  const heldMs = now.getTime() - since;
  if (heldMs + COVERAGE_SLACK_MS < rule.durationMinutes * 60_000) return { state: "ok" };
  const unit =
    rule.mode === "relative_to_baseline" ? "× baseline" : rule.mode === "degradation_pct" ? "% degradation" : "";
  return {
    state: "breached",
    since: new Date(since),
    observed: worst,
    reason: `held for ${Math.round(heldMs / 60_000)} min (worst ${Math.round(worst * 100) / 100}${unit})`,
  };
}

/**
 * When the evaluation window holds nothing usable: the data stopped arriving (stale) once the
 * phase has run longer than the stale limit, otherwise there is simply nothing to judge yet.
 */
export function judgeMissingData(
  lastSampleAt: Date | null,
  activeSince: Date | null,
  now: Date,
  staleAfter: number,
): TriggerVerdict {
  const minutes = (from: Date) => Math.round((now.getTime() - from.getTime()) / 60_000);
  if (
    lastSampleAt &&
    now.getTime() - lastSampleAt.getTime() > staleAfter &&
    (!activeSince || now.getTime() - activeSince.getTime() > staleAfter)
  ) {
    return { state: "stale", lastSampleAt, reason: `no samples for ${minutes(lastSampleAt)} min` };
  }
  if (!lastSampleAt && activeSince && now.getTime() - activeSince.getTime() > staleAfter) {
    return {
      state: "stale",
      lastSampleAt: activeSince,
      reason: `no samples since the phase started ${minutes(activeSince)} min ago`,
    };
  }
  return { state: "no_data", reason: lastSampleAt ? "no recent samples to judge yet" : "no samples yet" };
}
