import type { Comparison } from "@/db/schema/enums";

// Success criteria: "error rate < 1% for 3 days" holds when the phase has run for the whole
// sustained window, samples cover it, and every canary sample in it satisfies the comparison.

export interface CriterionInput {
  comparison: Comparison;
  value: number;
  sustainedMinutes: number;
}

/** Canary samples of the metric within the window (never before the phase started). */
export interface WindowStats {
  count: number;
  min: number | null;
  max: number | null;
  first: Date | null;
  last: Date | null;
}

export const CURRENT_WINDOW_MINUTES = 15;

/** The window a criterion is judged over: its sustained duration, or the last 15 minutes for "now". */
export function criterionWindow(
  criterion: Pick<CriterionInput, "sustainedMinutes">,
  phaseStartedAt: Date | null,
  now: Date,
): { from: Date; to: Date } {
  const minutes = criterion.sustainedMinutes > 0 ? criterion.sustainedMinutes : CURRENT_WINDOW_MINUTES;
  const from = new Date(now.getTime() - minutes * 60_000);
  return { from: phaseStartedAt && phaseStartedAt > from ? phaseStartedAt : from, to: now };
}

export type CriterionVerdict = { met: true } | { met: false; reason: string };

export function compare(comparison: Comparison, actual: number, limit: number): boolean {
  switch (comparison) {
    case "lt":
      return actual < limit;
    case "lte":
      return actual <= limit;
    case "gt":
      return actual > limit;
    case "gte":
      return actual >= limit;
  }
}

export function evaluateCriterion(
  criterion: CriterionInput,
  stats: WindowStats,
  phaseStartedAt: Date | null,
  now: Date,
): CriterionVerdict {
  if (!phaseStartedAt) return { met: false, reason: "the phase has not started" };
  const ranMinutes = (now.getTime() - phaseStartedAt.getTime()) / 60_000;
  if (ranMinutes < criterion.sustainedMinutes) {
    const left = Math.ceil(criterion.sustainedMinutes - ranMinutes);
    return { met: false, reason: `needs ${left} more minute${left === 1 ? "" : "s"} of data` };
  }
  if (stats.count === 0 || stats.min === null || stats.max === null || !stats.first || !stats.last)
    return { met: false, reason: "no samples in the window" };
  // Samples must cover the window: a feed that was silent for most of it proves nothing.
  const windowMs = Math.max(criterion.sustainedMinutes, CURRENT_WINDOW_MINUTES) * 60_000;
  const slackMs = Math.max(CURRENT_WINDOW_MINUTES * 60_000, windowMs * 0.1);
  const windowStart = now.getTime() - windowMs;
  if (stats.first.getTime() - windowStart > slackMs) {
    return {
      met: false,
      reason: `samples cover only the last ${Math.round((now.getTime() - stats.first.getTime()) / 60_000)} min of the window`,
    };
  }
  if (now.getTime() - stats.last.getTime() > slackMs) {
    return {
      met: false,
      reason: `no samples in the last ${Math.round((now.getTime() - stats.last.getTime()) / 60_000)} min`,
    };
  }
  // For "<" every sample must be below the limit: the worst is the maximum; for ">" the minimum.
  const worst = criterion.comparison === "lt" || criterion.comparison === "lte" ? stats.max : stats.min;
  if (!compare(criterion.comparison, worst, criterion.value))
    return { met: false, reason: `reached ${round(worst)} in the window` };
  return { met: true };
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000;
}
