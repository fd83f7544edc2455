import type { Comparison } from "@/db/schema/enums";

// Success criteria: "error rate < 1% for 3 days" holds when the phase has run for the whole
// sustained window, samples cover it, and every canary sample in it satisfies the comparison.

export interface CriterionInput {
  comparison: Comparison;
  value: number;
  sustainedMinutes: number;
}

/** Canary samples of the metric within [now − sustained, now]. */
export interface WindowStats {
  count: number;
  min: number | null;
  max: number | null;
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

export function evaluateCriterion(criterion: CriterionInput, stats: WindowStats, phaseStartedAt: Date | null, now: Date): CriterionVerdict {
  if (!phaseStartedAt) return { met: false, reason: "the phase has not started" };
  const ranMinutes = (now.getTime() - phaseStartedAt.getTime()) / 60_000;
  if (ranMinutes < criterion.sustainedMinutes) {
    const left = Math.ceil(criterion.sustainedMinutes - ranMinutes);
    return { met: false, reason: `needs ${left} more minute${left === 1 ? "" : "s"} of data` };
  }
  if (stats.count === 0 || stats.min === null || stats.max === null) return { met: false, reason: "no samples in the window" };
  // For "<" every sample must be below the limit: the worst is the maximum; for ">" the minimum.
  const worst = criterion.comparison === "lt" || criterion.comparison === "lte" ? stats.max : stats.min;
  if (!compare(criterion.comparison, worst, criterion.value)) return { met: false, reason: `reached ${round(worst)} in the window` };
  return { met: true };
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 1000) / 1000;
}
