// npm run bench:judge – how often each way of judging a canary rolls it back, on the same
// simulated rollouts: 1,000 per scenario, judged every minute for 60 minutes, 1,000 requests a
// minute of which 10% go to the canary. Three judges see identical data:
//   (a) the canary template's automatic rollback triggers (lib/domain/triggers.ts) on per-minute points;
//   (b) a one-shot test repeated every minute with no correction for peeking: a two-proportion
//       z-test (two-sided p < 0.05, canary worse) on cumulative counts, a Mann–Whitney test
//       (two-sided p < 0.05, canary worse) on the per-minute p95 values so far;
//   (c) the sequential judge with the product's defaults for the KPI's form (150 requests per
//       cohort for counts, 50 points for per-minute values): rollback at the first "fail".
// Seeded (mulberry32), so every run prints the same table. Exits non-zero when a target fails.
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { defaultJudgeSettings, judge, mannWhitneyU } from "../lib/domain/judge";
import { buildTemplate } from "../lib/domain/templates";
import { evaluateTrigger, type TriggerPoint, type TriggerRule } from "../lib/domain/triggers";

const ROLLOUTS = 1000;
const MINUTES = 60;
const REQUESTS_PER_MINUTE = 1000;
const CANARY_SHARE = 0.1;
const SEED = 20_261_122;
/** The naive tests look from the same minimum as the sequential judge (150 requests per cohort), so only the correction differs. */
const FOR_COUNTS = defaultJudgeSettings("sequential", "counts");
const FOR_VALUES = defaultJudgeSettings("sequential", "values");
const NAIVE_MIN_REQUESTS = FOR_COUNTS.minSample;
/** A rank test on fewer per-minute points than this is all ties and noise. */
const NAIVE_MIN_POINTS = 10;

// ——— Seeded randomness ———

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Sampler {
  private spare: number | null = null;
  constructor(readonly uniform: () => number) {}
  /** Box–Muller, keeping the second value for the next call. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u = 1 - this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  }
  /** Knuth's product method for small means, a rounded normal beyond (λ ≥ 30). */
  poisson(lambda: number): number {
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.uniform(); p > limit; p *= this.uniform()) k++;
    return k;
  }
  /** Inversion of the CDF while n·p is small, a rounded normal beyond (n·p(1 − p) ≥ 25). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n * p * (1 - p) >= 25)
      return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal())));
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const ratio = p / (1 - p);
    let f = (1 - p) ** n;
    let u = this.uniform();
    let k = 0;
    while (u > f && k < n) {
      u -= f;
      f *= (ratio * (n - k)) / (k + 1);
      k++;
    }
    return k;
  }
}

// ——— Scenarios ———

interface RateScenario {
  kind: "rate";
  name: string;
  baseline: number;
  canary: number;
}
interface LatencyScenario {
  kind: "latency";
  name: string;
  factor: number;
}
type Scenario = RateScenario | LatencyScenario;

const scenarios: Scenario[] = [
  { kind: "rate", name: "A/A, error rate 1%", baseline: 0.01, canary: 0.01 },
  { kind: "rate", name: "error rate 2× (1% → 2%)", baseline: 0.01, canary: 0.02 },
  { kind: "latency", name: "p95 latency +20%", factor: 1.2 },
  { kind: "rate", name: "error rate +5% (harmless)", baseline: 0.01, canary: 0.0105 },
  { kind: "latency", name: "A/A, p95 latency (extra)", factor: 1 },
];

// Request latencies are lognormal with σ = 0.5 (log scale) and the median set so the p95 is 300 ms;
// each minute one shared load factor (lognormal, σ = 0.05) moves both cohorts, as real load does.
// A minute's p95 is the type-7 quantile of that minute's simulated requests, so the canary's
// (about 100 requests) is noisier than the baseline's (about 900): about ±11% against ±4%.
const LATENCY_SIGMA = 0.5;
const LATENCY_MU = Math.log(300) - 1.6448536 * LATENCY_SIGMA;
const LOAD_SIGMA = 0.05;

function p95(sampler: Sampler, count: number, scale: number, buffer: Float64Array): number | null {
  if (count === 0) return null;
  const xs = buffer.subarray(0, count);
  for (let i = 0; i < count; i++) xs[i] = scale * Math.exp(LATENCY_MU + LATENCY_SIGMA * sampler.normal());
  xs.sort();
  const at = (count - 1) * 0.95;
  const lo = Math.floor(at);
  return xs[lo]! + (at - lo) * (xs[Math.min(lo + 1, count - 1)]! - xs[lo]!);
}

// ——— Judges ———

const template = buildTemplate("canary");
function rulesFor(metric: string): TriggerRule[] {
  const direction = template.metrics.find((m) => m.key === metric)!.direction;
  return template.triggers
    .filter((t) => t.metric === metric && t.action === "automatic_rollback")
    .map((t) => ({
      mode: t.mode,
      comparison: t.comparison,
      value: t.value,
      durationMinutes: t.durationMinutes,
      direction,
    }));
}
const errorRules = rulesFor("error_rate");
const latencyRules = rulesFor("p95_latency");

const JUDGES = ["triggers", "naive", "sequential", "sequentialAny"] as const;
type JudgeName = (typeof JUDGES)[number];

function zTestWorse(xc: number, nc: number, xb: number, nb: number): boolean {
  if (nc < NAIVE_MIN_REQUESTS || nb < NAIVE_MIN_REQUESTS) return false;
  const pooled = (xc + xb) / (nc + nb);
  if (pooled <= 0 || pooled >= 1) return false;
  const z = (xc / nc - xb / nb) / Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nb));
  return z > 0 && 2 * normalCdf(-z, 0, 1) < 0.05;
}

/** One rollout: the minute each judge first rolls back (null: never in the hour). */
function simulate(s: Scenario, sampler: Sampler, buffer: Float64Array): Record<JudgeName, number | null> {
  const first = Object.fromEntries(JUDGES.map((j) => [j, null])) as Record<JudgeName, number | null>;
  const points: TriggerPoint[] = [];
  const canaryP95: number[] = [];
  const baselineP95: number[] = [];
  let xc = 0,
    nc = 0,
    xb = 0,
    nb = 0;
  for (let minute = 1; minute <= MINUTES; minute++) {
    const total = sampler.poisson(REQUESTS_PER_MINUTE);
    const canary = sampler.binomial(total, CANARY_SHARE);
    const baseline = total - canary;
    const t = minute * 60_000;
    const now = new Date(t);
    const mark = (judgeName: JudgeName, rollsBack: () => boolean) => {
      if (first[judgeName] === null && rollsBack()) first[judgeName] = minute;
    };
    if (s.kind === "rate") {
      const ec = sampler.binomial(canary, s.canary);
      const eb = sampler.binomial(baseline, s.baseline);
      xc += ec;
      nc += canary;
      xb += eb;
      nb += baseline;
      points.push({
        t,
        canary: canary ? (ec / canary) * 100 : null,
        baseline: baseline ? (eb / baseline) * 100 : null,
      });
      mark("triggers", () => errorRules.some((r) => evaluateTrigger(r, points, now).state === "breached"));
      mark("naive", () => zTestWorse(xc, nc, xb, nb));
      const verdict = judge({
        label: "Error rate",
        unit: "%",
        direction: "lower_is_better",
        canary: { kind: "counts", numerator: xc, denominator: nc },
        baseline: { kind: "counts", numerator: xb, denominator: nb },
        settings: FOR_COUNTS,
      }).verdict;
      mark("sequential", () => verdict === "fail");
      mark("sequentialAny", () => verdict === "fail" || verdict === "marginal");
    } else {
      const load = Math.exp(LOAD_SIGMA * sampler.normal());
      const c = p95(sampler, canary, load * s.factor, buffer);
      const b = p95(sampler, baseline, load, buffer);
      if (c !== null) canaryP95.push(c);
      if (b !== null) baselineP95.push(b);
      points.push({ t, canary: c, baseline: b });
      mark("triggers", () => latencyRules.some((r) => evaluateTrigger(r, points, now).state === "breached"));
      mark("naive", () => {
        if (canaryP95.length < NAIVE_MIN_POINTS || baselineP95.length < NAIVE_MIN_POINTS) return false;
        const mw = mannWhitneyU(canaryP95, baselineP95);
        return mw.z > 0 && mw.pValue < 0.05;
      });
      const input = {
        label: "p95 latency",
        unit: "ms",
        direction: "lower_is_better" as const,
        canary: { kind: "values" as const, values: canaryP95 },
        baseline: { kind: "values" as const, values: baselineP95 },
      };
      const verdict = judge({ ...input, settings: FOR_VALUES }).verdict;
      mark("sequential", () => verdict === "fail");
      mark("sequentialAny", () => verdict === "fail" || verdict === "marginal");
    }
  }
  return first;
}

// ——— Run and report ———

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Outcome {
  rate: number;
  medianMinutes: number | null;
}
const started = performance.now();
const results = new Map<string, Record<JudgeName, Outcome>>();
scenarios.forEach((s, index) => {
  const sampler = new Sampler(mulberry32(SEED + index * 7919));
  const buffer = new Float64Array(REQUESTS_PER_MINUTE * 2);
  const minutes = Object.fromEntries(JUDGES.map((j) => [j, [] as number[]])) as Record<JudgeName, number[]>;
  for (let run = 0; run < ROLLOUTS; run++) {
    const first = simulate(s, sampler, buffer);
    for (const j of JUDGES) if (first[j] !== null) minutes[j].push(first[j]);
  }
  results.set(
    s.name,
    Object.fromEntries(
      JUDGES.map((j) => [j, { rate: minutes[j].length / ROLLOUTS, medianMinutes: median(minutes[j]) }]),
    ) as Record<JudgeName, Outcome>,
  );
});
const elapsed = (performance.now() - started) / 1000;

const cell = (o: Outcome) =>
  `${(o.rate * 100).toFixed(1).padStart(5)}%  ${o.medianMinutes === null ? "   –  " : `${String(o.medianMinutes).padStart(3)} min`}`;
const headers = ["(a) template triggers", "(b) naive, every minute", "(c) sequential judge"];
console.log(
  `Canary judges on the same simulated rollouts: ${ROLLOUTS} per scenario, judged every minute for ${MINUTES} min,`,
);
console.log(
  `${REQUESTS_PER_MINUTE} requests/min, ${CANARY_SHARE * 100}% canary (seed ${SEED}). Cells: rolled back %, median minute of rollback.\n`,
);
console.log(`${"scenario".padEnd(28)}${headers.map((h) => h.padEnd(26)).join("")}`);
for (const s of scenarios) {
  const r = results.get(s.name)!;
  console.log(`${s.name.padEnd(28)}${[r.triggers, r.naive, r.sequential].map((o) => cell(o).padEnd(26)).join("")}`);
}
// "marginal" (surely worse, not surely beyond the smallest regression that matters) shows on
// the plan page but rolls nothing back.
console.log('\nThe sequential judge saying "marginal" or "fail" (shown on the plan page; only "fail" rolls back):');
for (const s of scenarios) console.log(`${s.name.padEnd(28)}${cell(results.get(s.name)!.sequentialAny)}`);
console.log(
  `\nSequential settings: alpha ${FOR_COUNTS.alpha}, smallest regression ${FOR_COUNTS.smallestRegression * 100}% (fails above ${1 + FOR_COUNTS.smallestRegression}×), minimum ${FOR_COUNTS.minSample} requests or ${FOR_VALUES.minSample} points per cohort.`,
);

const aa = results.get(scenarios[0]!.name)!;
const double = results.get(scenarios[1]!.name)!;
const targets = [
  {
    what: "A/A: sequential false rollbacks ≤ 5%",
    holds: aa.sequential.rate <= 0.05,
    seen: `${(aa.sequential.rate * 100).toFixed(1)}%`,
  },
  {
    what: "A/A: naive peeking rolls back more often than the sequential judge",
    holds: aa.naive.rate > aa.sequential.rate,
    seen: `${(aa.naive.rate * 100).toFixed(1)}% vs ${(aa.sequential.rate * 100).toFixed(1)}%`,
  },
  {
    what: "2× error rate: sequential detects in ≥ 95% of rollouts",
    holds: double.sequential.rate >= 0.95,
    seen: `${(double.sequential.rate * 100).toFixed(1)}%, median ${double.sequential.medianMinutes ?? "–"} min`,
  },
];
console.log("\nTargets:");
for (const t of targets) console.log(`  ${t.holds ? "✓" : "✗"} ${t.what}: ${t.seen}`);
console.log(`\n${scenarios.length * ROLLOUTS} rollouts in ${elapsed.toFixed(1)} s`);
if (targets.some((t) => !t.holds)) process.exit(1);
