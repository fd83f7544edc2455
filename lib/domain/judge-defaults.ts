// The canary judge's settings and their defaults, apart from the statistics so the editor's
// client code can offer them without loading the judge itself.

export type JudgeMethod = "sequential" | "mann_whitney";
export type Direction = "lower_is_better" | "higher_is_better";
/**
 * The settings, per KPI:
 * - alpha: the false-alarm rate (1 − confidence); for the sequential method it holds however often
 *   the judge looks.
 * - minSample: per cohort, before any verdict: requests (the denominator) for a rate pushed as
 *   counts, per-minute points for values.
 * - smallestRegression: fail (roll back) once the whole interval lies beyond 1 + this (0.1: 1.1×).
 * - tolerance: pass (may advance) once the interval's worse end lies within 1 + this (0.25: 1.25×).
 */
export interface JudgeSettings {
  method: JudgeMethod;
  alpha: number;
  minSample: number;
  tolerance: number;
  smallestRegression: number;
}

/** GrowthBook's sequential defaults: alpha 0.05 and 150 per cohort (requests); Kayenta's tolerance 0.25. */
export const DEFAULT_SEQUENTIAL: JudgeSettings = {
  method: "sequential",
  alpha: 0.05,
  minSample: 150,
  tolerance: 0.25,
  smallestRegression: 0.1,
};
/** Kayenta's: confidence 0.98, tolerance 0.25, and at least 50 points per cohort. */
export const DEFAULT_MANN_WHITNEY: JudgeSettings = {
  method: "mann_whitney",
  alpha: 0.02,
  minSample: 50,
  tolerance: 0.25,
  smallestRegression: 0.1,
};
/** Kayenta's advice for values: at least 50 points per cohort (50 minutes of per-minute values). */
export const MIN_POINTS_FOR_VALUES = 50;

/**
 * The defaults for a KPI: sequential for everything (it stays valid when looked at every minute);
 * 150 requests per cohort for a rate pushed as counts, 50 points for per-minute values.
 */
export function defaultJudgeSettings(method: JudgeMethod, form: "counts" | "values"): JudgeSettings {
  if (method === "mann_whitney") return { ...DEFAULT_MANN_WHITNEY };
  return { ...DEFAULT_SEQUENTIAL, minSample: form === "counts" ? DEFAULT_SEQUENTIAL.minSample : MIN_POINTS_FOR_VALUES };
}
