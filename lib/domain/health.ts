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

export interface PhaseMetric extends Thresholds {
  id: string;
  label: string;
  unit: string;
}

/** A metric's worst 15-minute canary average within one phase. */
export interface PhaseReading {
  metricId: string;
  worst: number;
}

export interface PhaseHealth {
  health: Health;
  /** In words, for the timeline: which KPI made it so. */
  detail: string;
}

/**
 * How a phase went: the worst health any KPI reached over a sustained 15 minutes in it, and the
 * KPI that did it. Unknown when no KPI had samples in the phase.
 */
export function phaseHealth(metrics: readonly PhaseMetric[], readings: readonly PhaseReading[]): PhaseHealth {
  let worst: { health: Health; metric: PhaseMetric; value: number } | null = null;
  for (const reading of readings) {
    const metric = metrics.find((m) => m.id === reading.metricId);
    if (!metric) continue;
    const health = classifyReading(metric, reading.worst);
    if (health === "unknown") continue;
    const worse =
      !worst ||
      rank[health] > rank[worst.health] ||
      (rank[health] === rank[worst.health] &&
        health !== "green" &&
        severity(metric, reading.worst) > severity(worst.metric, worst.value));
    if (worse) worst = { health, metric, value: reading.worst };
  }
  if (!worst) return { health: "unknown", detail: "No KPI samples in this phase" };
  if (worst.health === "green") return { health: "green", detail: "Every KPI stayed within its alert threshold" };
  const value = `${Math.round(worst.value * 100) / 100}${worst.metric.unit === "%" ? "%" : worst.metric.unit ? ` ${worst.metric.unit}` : ""}`;
  return {
    health: worst.health,
    detail: `${worst.metric.label} reached ${value} over 15 minutes (${healthLabel[worst.health].toLowerCase()})`,
  };
}

/** How far past its alert threshold a reading is, relative to the threshold (to pick the worst KPI). */
function severity(m: Thresholds, value: number): number {
  const limit = m.alertThreshold ?? m.criticalThreshold;
  if (limit == null || limit === 0) return 0;
  return (m.direction === "lower_is_better" ? value - limit : limit - value) / Math.abs(limit);
}
