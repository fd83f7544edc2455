import type { Cohort } from "@/db/schema/enums";
import type { RawSample, ValidSample } from "./ingest";

// A checked batch travels to the database as one array per column, so a batch of any size is
// one statement with a handful of parameters (unnest pairs the columns up again). Each row names
// its series (metric and cohort) by position in a short list, and its instant in epoch
// milliseconds; counts are sent only when some row carries them. Every element is a uuid, an
// enum label or a finite number, none of which needs quoting in an array literal.

export interface SampleColumns {
  /** The distinct series of the batch: metric ids and cohorts, position by position. */
  seriesMetricIds: string;
  seriesCohorts: string;
  /** Per row: the 1-based position of its series, epoch ms, value, counts ("{}" when no row has counts). */
  series: string;
  epochMs: string;
  values: string;
  numerators: string;
  denominators: string;
}

/** A PostgreSQL array literal of elements that need no quoting; null is NULL. */
export function arrayLiteral(items: readonly (string | number | null)[]): string {
  return `{${items.map((i) => (i === null ? "NULL" : String(i))).join(",")}}`;
}

/** The batch as column arrays, metric keys replaced by the ids they name. */
export function sampleColumns(samples: readonly ValidSample[], idByKey: ReadonlyMap<string, string>): SampleColumns {
  const position = new Map<string, number>();
  const metricIds: string[] = [];
  const cohorts: Cohort[] = [];
  const counted = samples.some((s) => s.numerator !== null);
  let series = "";
  let epochMs = "";
  let values = "";
  let numerators = "";
  let denominators = "";
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const key = `${s.metric}|${s.cohort}`;
    let at = position.get(key);
    if (at === undefined) {
      const id = idByKey.get(s.metric);
      if (id === undefined) throw new Error(`sampleColumns: no id for metric "${s.metric}"`);
      at = metricIds.push(id);
      cohorts.push(s.cohort);
      position.set(key, at);
    }
    const sep = i ? "," : "";
    series += sep + at;
    epochMs += sep + s.ts.getTime();
    values += sep + s.value;
    if (counted) {
      numerators += sep + (s.numerator ?? "NULL");
      denominators += sep + (s.denominator ?? "NULL");
    }
  }
  return {
    seriesMetricIds: arrayLiteral(metricIds),
    seriesCohorts: arrayLiteral(cohorts),
    series: `{${series}}`,
    epochMs: `{${epochMs}}`,
    values: `{${values}}`,
    numerators: `{${numerators}}`,
    denominators: `{${denominators}}`,
  };
}

/**
 * The metric keys a batch names, before it is checked: the rollups of those metrics are locked
 * first, so the batch's statement reads them with every earlier batch of theirs committed.
 */
export function metricKeysNamed(rows: readonly RawSample[]): string[] {
  const keys = new Set<string>();
  for (const raw of rows) {
    // Only a key of a KPI's shape can name one. Anything else (an unpaired surrogate, a NUL, which
    // PostgreSQL refuses as text) is left to the row checks, which refuse it as an unknown metric.
    if (typeof raw === "object" && raw !== null && typeof raw.metric === "string" && KPI_KEY.test(raw.metric))
      keys.add(raw.metric);
  }
  return [...keys];
}

/** The shape every KPI key has (the metrics_key_shape check of the schema). */
const KPI_KEY = /^[a-z][a-z0-9_.]{0,63}$/;
