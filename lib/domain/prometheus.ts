import { z } from "zod";
import { describeFetchFailure } from "./fetch-failure";
import type { Cohort } from "@/db/schema/enums";

// A Prometheus-sourced metric is polled with query_range over the time since its newest stored
// sample. Each cohort must come back as exactly one series; values Prometheus cannot express as a
// finite number (NaN, ±Inf) are dropped rather than failing the poll.

/** A poll never asks Prometheus for more points than this per series. */
export const MAX_POINTS_PER_SERIES = 1_000;
/** How far back the first poll of a metric reaches. */
export const FIRST_POLL_LOOKBACK_MS = 15 * 60_000;
/** A poller that was down longer than this catches up on the last day only. */
export const MAX_CATCH_UP_MS = 24 * 3600_000;

export interface RangeQuery {
  url: URL;
  start: Date;
  end: Date;
  stepSeconds: number;
}

/**
 * Seconds between points: at least the source's poll interval, and coarse enough that the window
 * holds at most MAX_POINTS_PER_SERIES points.
 */
export function stepFor(windowMs: number, intervalSeconds: number): number {
  const interval = Math.max(1, Math.ceil(intervalSeconds));
  const windowSeconds = Math.max(0, windowMs) / 1000;
  return Math.max(interval, Math.ceil(windowSeconds / (MAX_POINTS_PER_SERIES - 1)));
}

/**
 * The query_range request for one metric, or null when no new point is due yet: from just after
 * the newest stored sample (or a short lookback), never further back than the catch-up limit nor
 * before `notBefore` (the active phase's start: earlier data is history). Points sit on multiples
 * of the step (since the epoch), so successive polls and several instances ask for the same
 * instants, and a re-fetched instant overwrites instead of adding a neighbour.
 */
export function buildRangeQuery(opts: {
  baseUrl: string;
  promql: string;
  newestSample: Date | null;
  now: Date;
  intervalSeconds: number;
  notBefore?: Date | null;
}): RangeQuery | null {
  const end = opts.now.getTime();
  const from = Math.max(
    opts.newestSample ? opts.newestSample.getTime() + 1 : end - FIRST_POLL_LOOKBACK_MS,
    end - MAX_CATCH_UP_MS,
    opts.notBefore?.getTime() ?? Number.NEGATIVE_INFINITY,
  );
  const stepSeconds = stepFor(end - from, opts.intervalSeconds);
  const stepMs = stepSeconds * 1000;
  const start = Math.ceil(from / stepMs) * stepMs;
  if (start > end) return null;
  const url = new URL(`${opts.baseUrl.replace(/\/+$/, "")}/api/v1/query_range`);
  url.searchParams.set("query", opts.promql);
  url.searchParams.set("start", (start / 1000).toString());
  url.searchParams.set("end", (end / 1000).toString());
  url.searchParams.set("step", stepSeconds.toString());
  return { url, start: new Date(start), end: new Date(end), stepSeconds };
}

/** Points a range query returns per series at most. */
export function pointsIn(query: Pick<RangeQuery, "start" | "end" | "stepSeconds">): number {
  return Math.floor((query.end.getTime() - query.start.getTime()) / (query.stepSeconds * 1000)) + 1;
}

const BASELINE_WORDS = new Set(["baseline", "stable"]);
const COHORT_LABELS = ["cohort", "track", "deployment"] as const;

/** A series labelled cohort, track or deployment = baseline or stable is the baseline; anything else the canary. */
export function cohortOf(labels: Readonly<Record<string, string>>): Cohort {
  return COHORT_LABELS.some((name) => BASELINE_WORDS.has((labels[name] ?? "").trim().toLowerCase()))
    ? "baseline"
    : "canary";
}

const matrixSeries = z.object({
  metric: z.record(z.string(), z.string()),
  values: z.array(z.tuple([z.number(), z.string()])).default([]),
});

const successBody = z.object({
  status: z.literal("success"),
  data: z.object({ resultType: z.string(), result: z.unknown() }),
  warnings: z.array(z.string()).optional(),
});

const errorBody = z.object({
  status: z.literal("error"),
  errorType: z.string().default("error"),
  error: z.string().default(""),
});

export interface PolledSample {
  cohort: Cohort;
  ts: Date;
  value: number;
}

export type RangeAnswer =
  | { ok: true; samples: PolledSample[]; series: number; dropped: number; warnings: string[] }
  | { ok: false; error: string };

function seriesName(labels: Readonly<Record<string, string>>): string {
  const { __name__: name = "", ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
  return `${name}{${inner}}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function finite(value: string): number | null {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Reads a query_range answer (HTTP status and body) into samples per cohort, or an error in words. */
export function interpretRangeAnswer(status: number, statusText: string, body: string): RangeAnswer {
  const json = parseJson(body);
  const refused = errorBody.safeParse(json);
  // The answer's own text is a foreign service's words: it goes to administrators only (as an
  // excerpt, kept by the caller), never into the error every project member reads.
  if (refused.success) {
    const hint =
      refused.data.errorType === "bad_data"
        ? "; check the PromQL query (an administrator can see Prometheus's answer)"
        : "";
    return {
      ok: false,
      error: `Prometheus refused the query (${refused.data.errorType}${status >= 400 ? `, HTTP ${status}` : ""})${hint}`,
    };
  }
  if (status < 200 || status >= 300) {
    return { ok: false, error: `HTTP ${status}${statusText ? ` ${statusText}` : ""} from the query_range API` };
  }
  if (json === undefined)
    return {
      ok: false,
      error: "The answer is not JSON: is the base URL a Prometheus server (the part before /api/v1)?",
    };
  const answer = successBody.safeParse(json);
  if (!answer.success)
    return { ok: false, error: 'The answer is not a Prometheus API response (no status "success" with data)' };
  if (answer.data.data.resultType !== "matrix") {
    return {
      ok: false,
      error: `Expected a range vector (matrix) but Prometheus answered with a ${answer.data.data.resultType}`,
    };
  }
  const result = z.array(matrixSeries).safeParse(answer.data.data.result);
  if (!result.success)
    return {
      ok: false,
      error: 'The matrix in Prometheus\'s answer is malformed (expected series of [unix seconds, "value"] pairs)',
    };

  const byCohort = new Map<Cohort, z.output<typeof matrixSeries>[]>();
  for (const series of result.data) {
    const cohort = cohortOf(series.metric);
    byCohort.set(cohort, [...(byCohort.get(cohort) ?? []), series]);
  }
  for (const [cohort, series] of byCohort) {
    if (series.length > 1) {
      const shown = series.slice(0, 3).map((s) => seriesName(s.metric));
      return {
        ok: false,
        error:
          `The query returned ${series.length} series for the ${cohort} cohort (${shown.join(", ")}${series.length > 3 ? ", …" : ""}); ` +
          `aggregate them to one series per cohort, e.g. sum by (cohort) (…) or avg by (cohort) (…)`,
      };
    }
  }
  const samples: PolledSample[] = [];
  let dropped = 0;
  for (const [cohort, series] of byCohort) {
    for (const [seconds, raw] of series[0]?.values ?? []) {
      const value = finite(raw);
      if (value === null || !Number.isFinite(seconds)) {
        dropped++;
        continue;
      }
      samples.push({ cohort, ts: new Date(Math.round(seconds * 1000)), value });
    }
  }
  return { ok: true, samples, series: result.data.length, dropped, warnings: answer.data.warnings ?? [] };
}

export interface PolledCounts {
  cohort: Cohort;
  ts: Date;
  numerator: number;
  denominator: number;
}

/**
 * Pairs a rate's two queries (errors and requests per cohort) point by point. A point only one
 * query answered, a step without requests, or more errors than requests (extrapolated counters
 * can overshoot) is dropped and counted, never guessed.
 */
export function pairCounts(
  numerators: readonly PolledSample[],
  denominators: readonly PolledSample[],
): { counts: PolledCounts[]; dropped: number } {
  const key = (s: PolledSample) => `${s.cohort}|${s.ts.getTime()}`;
  const below = new Map(denominators.map((d) => [key(d), d.value]));
  const counts: PolledCounts[] = [];
  let dropped = 0;
  for (const n of numerators) {
    const denominator = below.get(key(n));
    below.delete(key(n));
    if (denominator === undefined || denominator <= 0 || n.value < 0 || n.value > denominator) {
      dropped++;
      continue;
    }
    counts.push({ cohort: n.cohort, ts: n.ts, numerator: n.value, denominator });
  }
  return { counts, dropped: dropped + below.size };
}

/** A failed request in words: refused connection, unknown host, timeout… */
export function describePrometheusFailure(error: unknown, url: URL, timeoutMs: number): string {
  return describeFetchFailure(error, url.host, timeoutMs, "is Prometheus running there?");
}
