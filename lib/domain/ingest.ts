import type { Cohort } from "@/db/schema/enums";

// A batch of KPI samples is all-or-nothing: every row is checked, every bad row is named, and a
// batch with any bad row stores nothing. Data a gate was already judged on is history: on a
// running plan nothing may land before the active phase started.

export interface IngestPolicy {
  maxRows: number;
  /** Clock skew a pipeline may have: samples further in the future are refused. */
  maxFutureMs: number;
  /** Samples older than the retention are refused. */
  retentionMs: number;
}

export const DEFAULT_INGEST_POLICY: IngestPolicy = {
  maxRows: 10_000,
  maxFutureMs: 5 * 60_000,
  retentionMs: 90 * 86_400_000,
};

export interface RawSample {
  metric?: unknown;
  ts?: unknown;
  value?: unknown;
  cohort?: unknown;
  /** A rate as counts: errors (numerator) of requests (denominator) in this sample's interval. */
  numerator?: unknown;
  denominator?: unknown;
}

export interface ValidSample {
  metric: string;
  ts: Date;
  value: number;
  cohort: Cohort;
  /** Present together when the rate was pushed as counts; value is then their ratio. */
  numerator: number | null;
  denominator: number | null;
}

export interface RowError {
  /** 1-based position in the batch. */
  row: number;
  field: "metric" | "ts" | "value" | "cohort" | "numerator" | "denominator" | "batch";
  reason: string;
}

export type BatchVerdict = { ok: true; samples: ValidSample[] } | { ok: false; errors: RowError[] };

function parseTimestamp(ts: unknown, now: Date): Date | string {
  if (ts === undefined || ts === null) return now;
  if (typeof ts === "number") return Number.isFinite(ts) ? new Date(ts) : "timestamp is not a finite number";
  if (typeof ts === "string") {
    if (/^\d+(\.\d+)?$/.test(ts)) return new Date(Number(ts));
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? `timestamp "${ts.slice(0, 40)}" is neither ISO 8601 nor epoch milliseconds` : d;
  }
  return `timestamp has the wrong type (${typeof ts}); send ISO 8601 or epoch milliseconds`;
}

function parseValue(value: unknown): number | string {
  // Prometheus writes infinities as +Inf / -Inf.
  if (typeof value === "string" && /^[+-]?inf(inity)?$/i.test(value.trim())) return "value is infinite";
  const n =
    typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (typeof value !== "number" && typeof value !== "string")
    return `value has the wrong type (${value === null ? "null" : typeof value}); send a number`;
  if (Number.isNaN(n))
    return typeof value === "string" && !/^nan$/i.test(value.trim())
      ? `value "${value.slice(0, 40)}" is not a number`
      : "value is NaN";
  if (!Number.isFinite(n)) return "value is infinite";
  return n;
}

function parseCount(raw: unknown, name: "numerator" | "denominator"): number | string {
  const n = parseValue(raw);
  if (typeof n === "string") return n.replace(/^value/, name);
  if (n < 0) return `${name} is negative; counts start at 0`;
  return n;
}

/**
 * The counts of a row, when it carries any: both or neither, errors never above requests, and a
 * minute without requests has no rate. The value is their ratio, in percent for a % KPI.
 */
function parseCounts(
  raw: RawSample,
  percent: boolean,
  errors: RowError[],
  row: number,
): { numerator: number; denominator: number; value: number } | null {
  const has = (v: unknown) => v !== undefined && v !== null;
  if (!has(raw.numerator) || !has(raw.denominator)) {
    const missing = has(raw.numerator) ? "denominator" : "numerator";
    errors.push({
      row,
      field: missing,
      reason: `${missing} is missing: send numerator and denominator together (e.g. errors and requests)`,
    });
    return null;
  }
  if (has(raw.value)) {
    errors.push({
      row,
      field: "value",
      reason: "send either value, or numerator and denominator (the value is their ratio), not both",
    });
    return null;
  }
  const numerator = parseCount(raw.numerator, "numerator");
  const denominator = parseCount(raw.denominator, "denominator");
  if (typeof numerator === "string") errors.push({ row, field: "numerator", reason: numerator });
  if (typeof denominator === "string") errors.push({ row, field: "denominator", reason: denominator });
  if (typeof numerator === "string" || typeof denominator === "string") return null;
  if (denominator === 0) {
    errors.push({
      row,
      field: "denominator",
      reason: "denominator is 0: an interval without requests has no rate; leave the row out",
    });
    return null;
  }
  if (numerator > denominator) {
    errors.push({
      row,
      field: "numerator",
      reason: `numerator ${numerator} is above denominator ${denominator}: a rate's numerator counts some of the denominator's events`,
    });
    return null;
  }
  return { numerator, denominator, value: (numerator / denominator) * (percent ? 100 : 1) };
}

/** The earliest instant a sample may carry: the active phase's start, named for the error. */
export interface HistoryLine {
  at: Date;
  phase: string;
}

/**
 * Checks a batch. `percentMetrics` names the KPIs measured in %: a rate pushed as counts is
 * stored there as a percentage, elsewhere as a fraction.
 */
export function validateBatch(
  rows: readonly RawSample[],
  knownMetrics: ReadonlySet<string>,
  now: Date,
  policy: IngestPolicy = DEFAULT_INGEST_POLICY,
  history: HistoryLine | null = null,
  percentMetrics: ReadonlySet<string> = new Set(),
): BatchVerdict {
  if (rows.length === 0) return { ok: false, errors: [{ row: 0, field: "batch", reason: "the batch has no samples" }] };
  if (rows.length > policy.maxRows)
    return {
      ok: false,
      errors: [
        {
          row: 0,
          field: "batch",
          reason: `the batch has ${rows.length} samples; send at most ${policy.maxRows} per request`,
        },
      ],
    };
  const errors: RowError[] = [];
  const samples: ValidSample[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, index) => {
    const row = index + 1;
    const before = errors.length;
    if (typeof raw !== "object" || raw === null) {
      errors.push({ row, field: "batch", reason: "the row is not an object" });
      return;
    }
    const metric = typeof raw.metric === "string" ? raw.metric : null;
    if (metric === null) errors.push({ row, field: "metric", reason: "metric is missing or not a string" });
    else if (!knownMetrics.has(metric))
      errors.push({ row, field: "metric", reason: `unknown metric "${metric.slice(0, 64)}"` });
    const cohort = raw.cohort === undefined || raw.cohort === null ? "canary" : raw.cohort;
    if (cohort !== "canary" && cohort !== "baseline")
      errors.push({ row, field: "cohort", reason: `cohort must be "canary" or "baseline"` });
    const counted = raw.numerator !== undefined || raw.denominator !== undefined;
    const counts = counted ? parseCounts(raw, metric !== null && percentMetrics.has(metric), errors, row) : null;
    const value = counted ? (counts?.value ?? null) : parseValue(raw.value);
    if (typeof value === "string")
      errors.push({
        row,
        field: "value",
        reason: raw.value === undefined ? "value is missing: send value, or numerator and denominator" : value,
      });
    const ts = parseTimestamp(raw.ts, now);
    if (typeof ts === "string") errors.push({ row, field: "ts", reason: ts });
    else if (ts.getTime() - now.getTime() > policy.maxFutureMs)
      errors.push({ row, field: "ts", reason: `timestamp ${ts.toISOString()} is in the future` });
    else if (now.getTime() - ts.getTime() > policy.retentionMs)
      errors.push({
        row,
        field: "ts",
        reason: `timestamp ${ts.toISOString()} is older than the ${Math.round(policy.retentionMs / 86_400_000)}-day retention`,
      });
    else if (history && ts.getTime() < history.at.getTime()) {
      errors.push({
        row,
        field: "ts",
        reason: `timestamp ${ts.toISOString()} is before the active phase “${history.phase}” started (${history.at.toISOString()}): earlier data is history`,
      });
    }
    if (errors.length > before) return;
    const key = `${metric}|${cohort}|${(ts as Date).getTime()}`;
    const earlier = seen.get(key);
    if (earlier) {
      errors.push({ row, field: "ts", reason: `same metric, cohort and timestamp as row ${earlier}` });
      return;
    }
    seen.set(key, row);
    samples.push({
      metric: metric!,
      ts: ts as Date,
      value: value as number,
      cohort: cohort as Cohort,
      numerator: counts?.numerator ?? null,
      denominator: counts?.denominator ?? null,
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, samples };
}

type ExpositionFamily = {
  name: string;
  metrics: readonly { value: string; labels?: Record<string, string>; timestamp_ms?: string }[];
};

/**
 * Rows from Prometheus text exposition families (as parsed), in order; the `cohort` label picks
 * the cohort. A rate pushed as counts comes as two families, `<key>_numerator` and
 * `<key>_denominator`: their samples with the same cohort and timestamp make one row of `<key>`
 * (a half without its other half is still a row, so the batch check can name what is missing).
 */
export function rowsFromExposition(families: readonly ExpositionFamily[]): RawSample[] {
  const rows: RawSample[] = [];
  const counted = new Map<string, RawSample>();
  for (const f of families) {
    const half = /^(.+)_(numerator|denominator)$/.exec(f.name);
    for (const m of f.metrics) {
      const cohort = m.labels?.cohort;
      if (!half) {
        rows.push({ metric: f.name, value: m.value, ts: m.timestamp_ms, cohort });
        continue;
      }
      const [, metric, part] = half as unknown as [string, string, "numerator" | "denominator"];
      const key = `${metric}|${cohort ?? ""}|${m.timestamp_ms ?? ""}`;
      let row = counted.get(key);
      if (!row || row[part] !== undefined) {
        row = { metric, ts: m.timestamp_ms, cohort };
        counted.set(key, row);
        rows.push(row);
      }
      row[part] = m.value;
    }
  }
  return rows;
}
