import type { MetricDirection } from "@/db/schema/enums";

// Health of a KPI reading: green inside the alert threshold, amber beyond it, red beyond the
// critical threshold, "unknown" without data. "Beyond" follows the metric's direction and is
// strict: an error rate of exactly the 2% alert threshold is still green.

export type Health = "green" | "amber" | "red" | "unknown";

export interface Thresholds {
  direction: MetricDirection;
  target?: number | null;
  alertThreshold?: number | null;
  criticalThreshold?: number | null;
}

const rank: Record<Health, number> = { unknown: 0, green: 1, amber: 2, red: 3 };

/** True when `value` is strictly worse than `limit` for a metric of this direction. */
export function isWorse(direction: MetricDirection, value: number, limit: number): boolean {
  return direction === "lower_is_better" ? value > limit : value < limit;
}

export function classifyReading(thresholds: Thresholds, value: number | null | undefined): Health {
  if (value === null || value === undefined || !Number.isFinite(value)) return "unknown";
  const { direction, alertThreshold, criticalThreshold } = thresholds;
  if (criticalThreshold != null && isWorse(direction, value, criticalThreshold)) return "red";
  if (alertThreshold != null && isWorse(direction, value, alertThreshold)) return "amber";
  return "green";
}

/** The worst of several healths; "unknown" only when nothing is known. */
export function worstHealth(healths: Iterable<Health>): Health {
  let worst: Health = "unknown";
  for (const h of healths) if (rank[h] > rank[worst]) worst = h;
  return worst;
}

export function meetsTarget(thresholds: Thresholds, value: number): boolean | null {
  if (thresholds.target == null) return null;
  return !isWorse(thresholds.direction, value, thresholds.target);
}

export const healthLabel: Record<Health, string> = {
  green: "Healthy",
  amber: "Degraded",
  red: "Critical",
  unknown: "No data",
};
