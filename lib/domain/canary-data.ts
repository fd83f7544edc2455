import type { Cohort } from "@/db/schema/enums";
import { type CohortData, type Direction, judge, type Judgement, type JudgeSettings, type Verdict } from "./judge";

// What the canary judge is given: the minute rollups of a KPI since the active phase started,
// both cohorts. A rate pushed as counts is judged on the summed counts (errors of requests);
// anything else on its per-minute means. The effect over time is the judgement as it stood at
// each of up to ~120 instants, each on all the data up to then: what the judge saw, minute by
// minute.

export interface MinuteRow {
  /** Start of the minute, epoch ms. */
  t: number;
  cohort: Cohort;
  /** Samples in the minute and the sum of their values. */
  n: number;
  total: number;
  /** Sums of the counts of samples pushed as counts (0 when none were). */
  numerator: number;
  denominator: number;
}

export type DataForm = "counts" | "values";

export interface CanaryInput {
  label: string;
  unit: string;
  direction: Direction;
  settings: JudgeSettings;
}

/** Counts when both cohorts carry some; values otherwise. */
export function formOf(rows: readonly MinuteRow[]): DataForm {
  let canary = false;
  let baseline = false;
  for (const r of rows) {
    if (r.denominator > 0) {
      if (r.cohort === "canary") canary = true;
      else baseline = true;
    }
    if (canary && baseline) return "counts";
  }
  return "values";
}

/** The cohorts as the judge takes them, from the rows up to `until` (epoch ms, inclusive). */
export function cohortsFrom(
  rows: readonly MinuteRow[],
  form: DataForm = formOf(rows),
  until = Number.POSITIVE_INFINITY,
): { canary: CohortData; baseline: CohortData } {
  if (form === "counts") {
    const sums = { canary: { numerator: 0, denominator: 0 }, baseline: { numerator: 0, denominator: 0 } };
    for (const r of rows) {
      if (r.t > until || !(r.denominator > 0)) continue;
      sums[r.cohort].numerator += r.numerator;
      sums[r.cohort].denominator += r.denominator;
    }
    return { canary: { kind: "counts", ...sums.canary }, baseline: { kind: "counts", ...sums.baseline } };
  }
  const values: Record<Cohort, number[]> = { canary: [], baseline: [] };
  for (const r of rows) if (r.t <= until && r.n > 0) values[r.cohort].push(r.total / r.n);
  return { canary: { kind: "values", values: values.canary }, baseline: { kind: "values", values: values.baseline } };
}

export interface CanaryReading {
  form: DataForm;
  judgement: Judgement;
  /** The newest minute each cohort has data in (epoch ms), null when none. */
  newest: Record<Cohort, number | null>;
}

export function readCanary(rows: readonly MinuteRow[], input: CanaryInput): CanaryReading {
  const form = formOf(rows);
  const newest: Record<Cohort, number | null> = { canary: null, baseline: null };
  for (const r of rows) if (r.n > 0 && (newest[r.cohort] === null || r.t > newest[r.cohort]!)) newest[r.cohort] = r.t;
  return { form, judgement: judge({ ...input, ...cohortsFrom(rows, form) }), newest };
}

export interface EffectPoint {
  t: number;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  verdict: Verdict;
  canary: number | null;
  baseline: number | null;
}

/**
 * The judgement as it stood at up to `maxPoints` instants (evenly spread over the minutes with
 * data, always including the last), each judged on everything up to then.
 */
export function effectOverTime(rows: readonly MinuteRow[], input: CanaryInput, maxPoints = 120): EffectPoint[] {
  const form = formOf(rows);
  const minutes = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  if (minutes.length === 0) return [];
  const step = Math.max(1, Math.ceil(minutes.length / Math.max(1, maxPoints)));
  const instants: number[] = [];
  for (let i = minutes.length - 1; i >= 0; i -= step) instants.push(minutes[i]!);
  instants.reverse();
  const sorted = [...rows].sort((a, b) => a.t - b.t);
  return instants.map((t) => {
    const j = judge({ ...input, ...cohortsFrom(sorted, form, t) });
    return {
      t,
      estimate: j.effect.estimate,
      lower: j.effect.lower,
      upper: j.effect.upper,
      verdict: j.verdict,
      canary: j.canaryValue,
      baseline: j.baselineValue,
    };
  });
}
