import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import { medianSorted, quantileSorted } from "simple-statistics";
import type { Direction, JudgeMethod, JudgeSettings } from "./judge-defaults";

export {
  DEFAULT_MANN_WHITNEY,
  DEFAULT_SEQUENTIAL,
  defaultJudgeSettings,
  type Direction,
  type JudgeMethod,
  type JudgeSettings,
  MIN_POINTS_FOR_VALUES,
} from "./judge-defaults";

// The canary judge: is the canary worse than the baseline, by more than matters?
// - sequential: an always-valid confidence sequence (normal-mixture mSPRT; Johari et al. 2017,
//   Howard et al. 2021) on θ = log(canary ÷ baseline), so it may be re-evaluated every minute on
//   cumulative data without inflating false rollbacks. Counts use the delta-method variance of a
//   log rate, (1 − p)/x; per-minute values the variance of a log mean, s²/(n·mean²).
// - mann_whitney: Kayenta-style: Tukey outlier removal, a two-sided Mann–Whitney U test and the
//   Hodges–Lehmann shift with its distribution-free interval. A one-shot test: repeated looks
//   inflate its error rate, which is why the sequential method is the default for rollbacks.
// Pure: nothing here throws on data, and no NaN or Infinity leaves `judge`.

export type CohortData =
  { kind: "counts"; numerator: number; denominator: number } | { kind: "values"; values: readonly number[] };
export interface JudgeInput {
  label: string;
  unit: string;
  direction: Direction;
  canary: CohortData;
  baseline: CohortData;
  settings: JudgeSettings;
}
export type Verdict = "pass" | "marginal" | "fail" | "not_enough_data";
export interface Judgement {
  verdict: Verdict;
  method: JudgeMethod;
  /** canary ÷ baseline as a ratio (> 1: canary higher), with its interval at confidence 1 − alpha */
  effect: { estimate: number | null; lower: number | null; upper: number | null; confidence: number };
  samples: { canary: number; baseline: number };
  canaryValue: number | null;
  baselineValue: number | null;
  /** When undecided for lack of data: how much more of each cohort is needed (best estimate), else null */
  needs: { canary: number; baseline: number } | null;
  pValue: number | null;
  sentence: string;
}

const finite = (x: number | null | undefined): number | null =>
  typeof x === "number" && Number.isFinite(x) ? x : null;
const num = (x: number, fallback = 0) => (Number.isFinite(x) ? x : fallback);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Settings arrive as JSON: keep them inside the ranges the formulas need. */
export function sanitizeSettings(s: JudgeSettings): JudgeSettings {
  return {
    method: s.method === "mann_whitney" ? "mann_whitney" : "sequential",
    alpha: clamp(num(s.alpha, 0.05), 1e-9, 0.5),
    minSample: Math.max(0, num(s.minSample)),
    tolerance: Math.max(0, num(s.tolerance, 0.25)),
    smallestRegression: Math.max(0, num(s.smallestRegression, 0.2)),
  };
}

// ——— Sequential: the normal-mixture confidence sequence ———

/**
 * The mixture's scale on the log-ratio: the size of regression the test is quickest to see. 0.35
 * (about 1.4×) is where a canary is meant to catch regressions within minutes; measured on the
 * bench, smaller scales slow the detection of a doubled error rate (31 min at 0.1, 16 at 0.35)
 * while larger ones let harmless differences through more often. A larger smallest regression
 * moves it up.
 */
export const MIXTURE_SCALE = 0.35;
export const mixtureScale = (smallestRegression: number) => Math.max(MIXTURE_SCALE, Math.log(1 + smallestRegression));

/** Half-width of the confidence sequence for an estimate with variance v: sqrt(V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V))). */
export function sequenceHalfWidth(v: number, tau: number, alpha: number): number {
  if (!(v > 0)) return 0;
  const t2 = tau * tau;
  return Math.sqrt(((v * (v + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
}

/** The always-valid p-value for θ = 0: 1 ÷ the mixture likelihood ratio, at most 1. */
export function alwaysValidP(theta: number, v: number, tau: number): number {
  if (!(v > 0)) return theta === 0 ? 1 : 0;
  const t2 = tau * tau;
  const logLambda = 0.5 * Math.log(v / (v + t2)) + (t2 * theta * theta) / (2 * v * (v + t2));
  return Math.min(1, Math.exp(-logLambda));
}

interface LogRatio {
  theta: number;
  variance: number;
}

/** Rates from counts; null while either cohort has no events (the log-ratio is undefined). */
function countsLogRatio(c: Counts, b: Counts): LogRatio | null {
  if (c.x <= 0 || b.x <= 0 || c.n <= 0 || b.n <= 0) return null;
  const pc = c.x / c.n;
  const pb = b.x / b.n;
  return { theta: Math.log(pc / pb), variance: (1 - pc) / c.x + (1 - pb) / b.x };
}

function valuesLogRatio(c: readonly number[], b: readonly number[]): LogRatio | null {
  if (c.length < 2 || b.length < 2) return null;
  const mc = mean(c);
  const mb = mean(b);
  if (!(mc > 0) || !(mb > 0)) return null;
  return {
    theta: Math.log(mc / mb),
    variance: variance(c, mc) / (c.length * mc * mc) + variance(b, mb) / (b.length * mb * mb),
  };
}

/**
 * Extra sample per cohort to decide, if the estimate stays where it is: the factor k by which both
 * cohorts must grow for the half-width at variance V/k to reach `target` (the distance from the
 * estimate to the nearest line it could clear). Solved exactly (the half-width is increasing in V)
 * rather than by the square law (h/target)², which overstates the wait while V is not small
 * against τ².
 */
function extraToDecide(
  target: number,
  v: number,
  tau: number,
  alpha: number,
  sizes: { canary: number; baseline: number },
) {
  let k = 1;
  if (target > 0 && sequenceHalfWidth(v, tau, alpha) > target) {
    let lo = 1;
    let hi = 2;
    while (sequenceHalfWidth(v / hi, tau, alpha) > target && hi < 1e15) hi *= 2;
    for (let i = 0; i < 60 && hi / lo > 1 + 1e-6; i++) {
      const mid = Math.sqrt(lo * hi);
      if (sequenceHalfWidth(v / mid, tau, alpha) > target) lo = mid;
      else hi = mid;
    }
    k = hi;
  }
  return { canary: Math.ceil(sizes.canary * (k - 1)), baseline: Math.ceil(sizes.baseline * (k - 1)) };
}

/**
 * The verdict from an interval on the log of canary ÷ baseline, turned so that positive is worse:
 * fail when all of it lies beyond the smallest regression that matters, marginal when all of it
 * lies on the worse side of equal, pass when its worse end is within the tolerance; otherwise the
 * interval is still too wide to say.
 */
export function decide(
  worseLow: number,
  worseHigh: number,
  s: Pick<JudgeSettings, "tolerance" | "smallestRegression">,
): Verdict | null {
  if (worseLow > Math.log(1 + s.smallestRegression)) return "fail";
  if (worseLow > 0) return "marginal";
  if (worseHigh < Math.log(1 + s.tolerance)) return "pass";
  return null;
}

/** How far the half-width must shrink, around this estimate, before some verdict is reached. */
function widthToDecide(worse: number, s: Pick<JudgeSettings, "tolerance" | "smallestRegression">): number {
  return Math.max(worse - Math.log(1 + s.smallestRegression), worse, Math.log(1 + s.tolerance) - worse);
}

// ——— Mann–Whitney and Hodges–Lehmann ———

export interface MannWhitneyResult {
  u: number;
  z: number;
  pValue: number;
}

/** Two-sided Mann–Whitney U (U of the canary) with tie correction and a continuity-corrected normal approximation. */
export function mannWhitneyU(canary: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  const n = canary.length;
  const m = baseline.length;
  if (n === 0 || m === 0) return { u: 0, z: 0, pValue: 1 };
  const all = [...canary.map((v) => ({ v, c: true })), ...baseline.map((v) => ({ v, c: false }))].sort(
    (a, b) => a.v - b.v,
  );
  const total = n + m;
  let rankSum = 0;
  let ties = 0;
  for (let i = 0; i < total;) {
    let j = i;
    while (j + 1 < total && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]!.c) rankSum += rank;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  const u = rankSum - (n * (n + 1)) / 2;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - ties / (total * (total - 1) || 1)));
  if (!(sigma > 0)) return { u, z: 0, pValue: 1 };
  const z = Math.max(0, Math.abs(u - (n * m) / 2) - 0.5) / sigma;
  return { u, z: Math.sign(u - (n * m) / 2) * z, pValue: Math.min(1, 2 * normalCdf(-z, 0, 1)) };
}

/**
 * The k-th smallest (0-based) of all a[i] − b[j], both sorted ascending, without listing the n·m
 * differences: the rows a[i] − b[m−1−j] ascend both ways, so a weighted median of the row
 * medians discards a fixed share of the candidates per pass (O((n + m) log(n·m))).
 */
export function kthPairwiseDifference(a: readonly number[], b: readonly number[], k: number): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.NaN;
  const at = (i: number, j: number) => a[i]! - b[m - 1 - j]!;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n).fill(m);
  const lt = new Int32Array(n);
  const le = new Int32Array(n);
  let below = 0;
  for (;;) {
    let candidates = 0;
    for (let i = 0; i < n; i++) candidates += hi[i]! - lo[i]!;
    if (candidates <= Math.max(1024, n + m)) {
      const rest: number[] = [];
      for (let i = 0; i < n; i++) for (let j = lo[i]!; j < hi[i]!; j++) rest.push(at(i, j));
      rest.sort((x, y) => x - y);
      return rest[clamp(k - below, 0, rest.length - 1)]!;
    }
    const mids: { v: number; w: number }[] = [];
    for (let i = 0; i < n; i++)
      if (hi[i]! > lo[i]!) mids.push({ v: at(i, (lo[i]! + hi[i]! - 1) >> 1), w: hi[i]! - lo[i]! });
    mids.sort((x, y) => x.v - y.v);
    let pivot = mids[0]!.v;
    for (let acc = 0, i = 0; i < mids.length; i++) {
      acc += mids[i]!.w;
      if (acc * 2 >= candidates) {
        pivot = mids[i]!.v;
        break;
      }
    }
    // Per row, how many differences are below the pivot and how many at most the pivot.
    for (let i = 0, jl = m, je = m; i < n; i++) {
      while (jl > 0 && at(i, jl - 1) >= pivot) jl--;
      while (je > 0 && at(i, je - 1) > pivot) je--;
      lt[i] = clamp(jl, lo[i]!, hi[i]!);
      le[i] = clamp(je, lo[i]!, hi[i]!);
    }
    let less = below;
    let equal = 0;
    for (let i = 0; i < n; i++) {
      less += lt[i]! - lo[i]!;
      equal += le[i]! - lt[i]!;
    }
    if (k < less) hi.set(lt);
    else if (k < less + equal) return pivot;
    else {
      below = less + equal;
      lo.set(le);
    }
  }
}

/** Hodges–Lehmann shift (median of canary − baseline differences) with the distribution-free interval at `confidence`. */
export function hodgesLehmann(canarySorted: readonly number[], baselineSorted: readonly number[], confidence: number) {
  const n = canarySorted.length;
  const m = baselineSorted.length;
  const pairs = n * m;
  if (pairs === 0) return null;
  const kth = (k: number) => kthPairwiseDifference(canarySorted, baselineSorted, k);
  const estimate = pairs % 2 ? kth((pairs - 1) / 2) : (kth(pairs / 2 - 1) + kth(pairs / 2)) / 2;
  // The C-th smallest and C-th largest difference, C ≈ nm/2 − z·sqrt(nm(n+m+1)/12) (Hollander & Wolfe),
  // rounded down so the interval errs wide; at least the extremes when samples are tiny.
  const z = normalQuantile(1 - (1 - confidence) / 2, 0, 1);
  const c = Math.max(1, Math.floor(pairs / 2 - z * Math.sqrt((pairs * (n + m + 1)) / 12)));
  return { estimate, lower: kth(c - 1), upper: kth(pairs - c) };
}

/** Tukey's fences: drops values more than 1.5 IQR outside the quartiles. Returns the kept values, sorted. */
export function withoutOutliers(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length < 4) return sorted;
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const fence = 1.5 * (q3 - q1);
  return sorted.filter((v) => v >= q1 - fence && v <= q3 + fence);
}

// ——— The judgement ———

interface Counts {
  x: number;
  n: number;
}

function readCounts(d: CohortData): Counts | null {
  if (d.kind !== "counts") return null;
  const n = Math.max(0, num(d.denominator));
  return { x: clamp(num(d.numerator), 0, n), n };
}
const readValues = (d: CohortData): number[] =>
  d.kind === "values" && Array.isArray(d.values) ? d.values.filter((v) => Number.isFinite(v)) : [];
const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
function variance(v: readonly number[], m: number): number {
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
}
const medianOf = (v: readonly number[]) => (v.length ? medianSorted([...v].sort((a, b) => a - b)) : null);

export function judge(input: JudgeInput): Judgement {
  const settings = sanitizeSettings(input.settings);
  const j = settings.method === "mann_whitney" ? judgeMannWhitney(input, settings) : judgeSequential(input, settings);
  return sanitize(j);
}

type Draft = Omit<Judgement, "sentence" | "method" | "effect"> & {
  effect: Omit<Judgement["effect"], "confidence">;
  reason?: string;
};

function judgeSequential(input: JudgeInput, s: JudgeSettings): Judgement {
  const tau = mixtureScale(s.smallestRegression);
  const c = readCounts(input.canary);
  const b = readCounts(input.baseline);
  const counts = c !== null && b !== null;
  let ratio: LogRatio | null;
  let draft: Pick<Draft, "samples" | "canaryValue" | "baselineValue">;
  let hypothetical: LogRatio | null = null;
  let reason: string | undefined;
  if (counts) {
    const scale = input.unit === "%" ? 100 : 1;
    draft = {
      samples: { canary: c.n, baseline: b.n },
      canaryValue: c.n > 0 ? (c.x / c.n) * scale : null,
      baselineValue: b.n > 0 ? (b.x / b.n) * scale : null,
    };
    ratio = countsLogRatio(c, b);
    if (!ratio && c.n > 0 && b.n > 0) {
      // No events in a cohort yet: size the wait as if both ran at the pooled rate (half an event if none at all).
      const pooled = Math.max(c.x + b.x, 0.5) / (c.n + b.n);
      hypothetical = { theta: 0, variance: (1 - pooled) / (pooled * c.n) + (1 - pooled) / (pooled * b.n) };
      reason = c.x + b.x === 0 ? "no events in either cohort" : `no events in the ${c.x === 0 ? "canary" : "baseline"}`;
    }
  } else if (input.canary.kind === "values" && input.baseline.kind === "values") {
    const cv = readValues(input.canary);
    const bv = readValues(input.baseline);
    draft = {
      samples: { canary: cv.length, baseline: bv.length },
      canaryValue: medianOf(cv),
      baselineValue: medianOf(bv),
    };
    ratio = valuesLogRatio(cv, bv);
    if (!ratio && cv.length >= 2 && bv.length >= 2) reason = "a cohort's mean is not above zero, so there is no ratio";
  } else {
    return finish(input, s, unjudged("the canary and baseline are given in different forms (counts and values)"));
  }
  const minimum = Math.max(s.minSample, counts ? 1 : 2);
  const shortfall = {
    canary: Math.max(0, Math.ceil(minimum - draft.samples.canary)),
    baseline: Math.max(0, Math.ceil(minimum - draft.samples.baseline)),
  };
  const short = shortfall.canary > 0 || shortfall.baseline > 0;
  const worseSign = input.direction === "lower_is_better" ? 1 : -1;
  const atLeastShortfall = (x: { canary: number; baseline: number }) => ({
    canary: Math.max(shortfall.canary, x.canary),
    baseline: Math.max(shortfall.baseline, x.baseline),
  });

  if (!ratio) {
    const needs = hypothetical
      ? atLeastShortfall(extraToDecide(widthToDecide(0, s), hypothetical.variance, tau, s.alpha, draft.samples))
      : short
        ? shortfall
        : null;
    return finish(input, s, {
      ...draft,
      verdict: "not_enough_data",
      needs,
      pValue: null,
      effect: { estimate: null, lower: null, upper: null },
      reason,
    });
  }
  const h = sequenceHalfWidth(ratio.variance, tau, s.alpha);
  const effect = {
    estimate: Math.exp(ratio.theta),
    lower: Math.exp(ratio.theta - h),
    upper: Math.exp(ratio.theta + h),
  };
  const pValue = alwaysValidP(ratio.theta, ratio.variance, tau);
  const worse = worseSign * ratio.theta;
  const decided = decide(worse - h, worse + h, s);
  if (short || decided === null) {
    const extra =
      decided === null
        ? extraToDecide(widthToDecide(worse, s), ratio.variance, tau, s.alpha, draft.samples)
        : { canary: 0, baseline: 0 };
    const needs = atLeastShortfall(
      decided === null ? { canary: Math.max(1, extra.canary), baseline: Math.max(1, extra.baseline) } : extra,
    );
    return finish(input, s, { ...draft, verdict: "not_enough_data", needs, pValue, effect });
  }
  return finish(input, s, { ...draft, verdict: decided, needs: null, pValue, effect });
}

function judgeMannWhitney(input: JudgeInput, s: JudgeSettings): Judgement {
  if (input.canary.kind !== "values" || input.baseline.kind !== "values") {
    return finish(input, s, unjudged("Mann–Whitney compares per-minute values; use the sequential method for counts"));
  }
  const cv = withoutOutliers(readValues(input.canary));
  const bv = withoutOutliers(readValues(input.baseline));
  const draft = {
    samples: { canary: cv.length, baseline: bv.length },
    canaryValue: medianOf(cv),
    baselineValue: medianOf(bv),
  };
  const minimum = Math.max(s.minSample, 1);
  const shortfall = {
    canary: Math.max(0, Math.ceil(minimum - cv.length)),
    baseline: Math.max(0, Math.ceil(minimum - bv.length)),
  };
  const short = shortfall.canary > 0 || shortfall.baseline > 0;
  const mw = cv.length && bv.length ? mannWhitneyU(cv, bv) : null;
  const hl = hodgesLehmann(cv, bv, 1 - s.alpha);
  const base = draft.baselineValue;
  const ratioOk = hl !== null && base !== null && base > 0;
  const effect = ratioOk
    ? { estimate: 1 + hl.estimate / base, lower: 1 + hl.lower / base, upper: 1 + hl.upper / base }
    : { estimate: null, lower: null, upper: null };
  const pValue = mw?.pValue ?? null;
  if (short) return finish(input, s, { ...draft, verdict: "not_enough_data", needs: shortfall, pValue, effect });
  if (!ratioOk || effect.estimate === null) {
    return finish(input, s, {
      ...draft,
      verdict: "not_enough_data",
      needs: null,
      pValue,
      effect,
      reason: "the baseline median is not above zero, so there is no ratio",
    });
  }
  // The same lines as the sequential judge, on the Hodges–Lehmann interval turned into a ratio.
  const sign = input.direction === "lower_is_better" ? 1 : -1;
  const log = (r: number | null) => (r !== null && r > 0 ? Math.log(r) : sign > 0 ? -Infinity : Infinity);
  const [worseLow, worseHigh] =
    sign > 0 ? [log(effect.lower), log(effect.upper)] : [-log(effect.upper), -log(effect.lower)];
  const decided = decide(worseLow, worseHigh, s);
  if (decided) return finish(input, s, { ...draft, verdict: decided, needs: null, pValue, effect });
  // Undecided: an interval's width shrinks with the square root of the sample.
  const half = (worseHigh - worseLow) / 2;
  const target = widthToDecide((worseHigh + worseLow) / 2, s);
  const k = Number.isFinite(half) && target > 0 ? Math.min(1e9, (half / target) ** 2) : 4;
  const extra = (n: number) => Math.max(1, Math.ceil(n * (Math.max(k, 1.01) - 1)));
  return finish(input, s, {
    ...draft,
    verdict: "not_enough_data",
    needs: { canary: extra(cv.length), baseline: extra(bv.length) },
    pValue,
    effect,
  });
}

// ——— Words ———

const trim = (s: string) => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
/** A ratio for an interval: 2 decimals below 10, fewer above, 2 significant figures when tiny. */
export function formatRatio(r: number): string {
  if (r >= 100) return r.toFixed(0);
  if (r >= 10) return trim(r.toFixed(1));
  if (Math.abs(r) < 0.1 && r !== 0) return trim(r.toPrecision(2));
  return trim(r.toFixed(2));
}
/** "1.6–2.8×", with more figures when two decimals would print the same number twice. */
export function formatInterval(lower: number, upper: number): string {
  const [a, b] = [formatRatio(lower), formatRatio(upper)];
  return a === b && lower !== upper ? `${trim(lower.toPrecision(4))}–${trim(upper.toPrecision(4))}×` : `${a}–${b}×`;
}
/** The effect in words: "2.1× higher" from 1.5× up, otherwise "12% higher", "4% lower" or "about the same". */
export function describeRatio(r: number): string {
  if (r >= 1.5) return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}× higher`;
  const pct = Math.round((r - 1) * 100);
  return pct === 0 ? "about the same" : `${Math.abs(pct)}% ${pct > 0 ? "higher" : "lower"}`;
}
const percent = (confidence: number) => `${trim((confidence * 100).toFixed(1))}%`;
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} more ${word}${n === 1 ? "" : "s"}`;

/** A judgement that cannot start because the cohorts' forms do not suit the method: nothing counted, only why. */
function unjudged(reason: string): Draft {
  return {
    verdict: "not_enough_data",
    samples: { canary: 0, baseline: 0 },
    canaryValue: null,
    baselineValue: null,
    needs: null,
    pValue: null,
    effect: { estimate: null, lower: null, upper: null },
    reason,
  };
}

function finish(input: JudgeInput, s: JudgeSettings, d: Draft): Judgement {
  const confidence = 1 - s.alpha;
  const { reason, ...rest } = d;
  const j: Judgement = { ...rest, method: s.method, effect: { ...d.effect, confidence }, sentence: "" };
  return { ...j, sentence: sentenceFor(input, s, j, reason) };
}

function sentenceFor(input: JudgeInput, s: JudgeSettings, j: Judgement, reason?: string): string {
  const { estimate, lower, upper } = j.effect;
  const interval =
    lower !== null && upper !== null && Number.isFinite(lower) && Number.isFinite(upper)
      ? `${percent(j.effect.confidence)} interval ${formatInterval(lower, upper)}`
      : `${percent(j.effect.confidence)} interval not yet bounded`;
  const reading =
    estimate !== null && Number.isFinite(estimate) ? `${describeRatio(estimate)} on the canary (${interval})` : null;
  const lowerBetter = input.direction === "lower_is_better";
  const lineAt = (margin: number) => formatRatio(lowerBetter ? 1 + margin : 1 / (1 + margin));
  const line = lineAt(s.smallestRegression);
  const side = lowerBetter ? "above" : "below";
  if (j.verdict === "not_enough_data") {
    const wants = j.needs
      ? [
          j.needs.baseline > 0
            ? plural(j.needs.baseline, `baseline ${input.canary.kind === "counts" ? "request" : "point"}`)
            : null,
          j.needs.canary > 0
            ? plural(j.needs.canary, `canary ${input.canary.kind === "counts" ? "request" : "point"}`)
            : null,
        ].filter(Boolean)
      : [];
    const head =
      reason && !j.needs
        ? `Cannot judge ${input.label}: ${reason}`
        : `Not enough data yet${reason ? ` (${reason})` : ""}`;
    const need = wants.length ? `: needs ${wants.join(" and ")}` : "";
    return `${head}${need}${reading ? `; so far ${input.label} is ${reading}` : ""}`;
  }
  const said = `${input.label} is ${reading ?? "not comparable"}`;
  switch (j.verdict) {
    case "fail":
      return `${said}; rolls back ${side} ${line}×`;
    case "marginal":
      return `${said}: worse, but not surely beyond the ${line}× that rolls back`;
    case "pass":
      return `${said}: within the ${lineAt(s.tolerance)}× tolerated`;
  }
}

/** The last guard: no NaN or Infinity leaves the judge. */
function sanitize(j: Judgement): Judgement {
  const needs = j.needs ? { canary: finite(j.needs.canary) ?? 0, baseline: finite(j.needs.baseline) ?? 0 } : null;
  return {
    ...j,
    effect: {
      estimate: finite(j.effect.estimate),
      lower: finite(j.effect.lower),
      upper: finite(j.effect.upper),
      confidence: j.effect.confidence,
    },
    samples: { canary: finite(j.samples.canary) ?? 0, baseline: finite(j.samples.baseline) ?? 0 },
    canaryValue: finite(j.canaryValue),
    baselineValue: finite(j.baselineValue),
    needs,
    pValue: finite(j.pValue),
  };
}
