import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayLiteral, metricKeysNamed, sampleColumns } from "@/lib/domain/ingest-columns";
import type { ValidSample } from "@/lib/domain/ingest";

const ids = new Map([
  ["errors", "00000000-0000-4000-8000-000000000001"],
  ["latency", "00000000-0000-4000-8000-000000000002"],
]);

/** Reads a literal written by arrayLiteral back into its elements. */
const elements = (literal: string) => (literal === "{}" ? [] : literal.slice(1, -1).split(","));

describe("sampleColumns", () => {
  it("names each series once and points every row at it", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const rows: ValidSample[] = [
      { metric: "errors", cohort: "canary", ts: at(0), value: 1.5, numerator: 3, denominator: 200 },
      { metric: "errors", cohort: "baseline", ts: at(0), value: 0.5, numerator: 1, denominator: 200 },
      { metric: "latency", cohort: "baseline", ts: at(1), value: 210, numerator: null, denominator: null },
      { metric: "errors", cohort: "canary", ts: at(2), value: 0, numerator: 0, denominator: 150 },
    ];
    const c = sampleColumns(rows, ids);
    expect(elements(c.seriesMetricIds)).toEqual([ids.get("errors"), ids.get("errors"), ids.get("latency")]);
    expect(elements(c.seriesCohorts)).toEqual(["canary", "baseline", "baseline"]);
    expect(elements(c.series)).toEqual(["1", "2", "3", "1"]);
    expect(elements(c.epochMs).map(Number)).toEqual(rows.map((r) => r.ts.getTime()));
    expect(elements(c.values).map(Number)).toEqual([1.5, 0.5, 210, 0]);
    expect(elements(c.numerators)).toEqual(["3", "1", "NULL", "0"]);
    expect(elements(c.denominators)).toEqual(["200", "200", "NULL", "150"]);
  });

  it("sends no count columns when no row has counts", () => {
    const c = sampleColumns(
      [{ metric: "latency", cohort: "baseline", ts: new Date(0), value: 3, numerator: null, denominator: null }],
      ids,
    );
    expect(c.numerators).toBe("{}");
    expect(c.denominators).toBe("{}");
  });

  it("refuses a metric it has no id for rather than writing a wrong row", () => {
    expect(() =>
      sampleColumns(
        [{ metric: "nope", cohort: "baseline", ts: new Date(0), value: 1, numerator: null, denominator: null }],
        ids,
      ),
    ).toThrow(/nope/);
  });

  it("keeps every value exactly, row for row (property)", () => {
    const sample = fc.record({
      metric: fc.constantFrom("errors", "latency"),
      cohort: fc.constantFrom("canary", "baseline"),
      ts: fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      numerator: fc.constant(null),
      denominator: fc.constant(null),
    });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 50 }), (rows) => {
        const c = sampleColumns(rows, ids);
        const metricIds = elements(c.seriesMetricIds);
        const cohorts = elements(c.seriesCohorts);
        const series = elements(c.series).map(Number);
        expect(series).toHaveLength(rows.length);
        rows.forEach((r, i) => {
          expect(metricIds[series[i]! - 1]).toBe(ids.get(r.metric));
          expect(cohorts[series[i]! - 1]).toBe(r.cohort);
          expect(Number(elements(c.epochMs)[i])).toBe(r.ts.getTime());
          expect(Number(elements(c.values)[i])).toBe(r.value === 0 ? 0 : r.value);
        });
        expect(new Set(metricIds.map((m, i) => `${m}|${cohorts[i]}`)).size).toBe(metricIds.length);
      }),
    );
  });
});

describe("arrayLiteral and metricKeysNamed", () => {
  it("writes NULL for null and plain text otherwise", () => {
    expect(arrayLiteral([1, null, "a"])).toBe("{1,NULL,a}");
    expect(arrayLiteral([])).toBe("{}");
  });

  it("lists each named metric once and ignores rows that are not objects", () => {
    expect(
      metricKeysNamed([{ metric: "a" }, { metric: "b" }, { metric: "a" }, null, 3, { metric: 4 }] as never),
    ).toEqual(["a", "b"]);
  });

  it("leaves out keys with an unpaired surrogate (the API fuzz sent one; PostgreSQL refused the batch's first statement)", () => {
    expect(
      metricKeysNamed([
        { metric: "lone \ud800 and \udfff" },
        { metric: "paired \ud83d\ude80" },
        { metric: "error_rate" },
      ] as never),
    ).toEqual(["error_rate"]);
  });

  it("keeps only keys of a KPI's shape: a NUL (the API fuzz sent one in Prometheus text) or a space names no KPI", () => {
    expect(
      metricKeysNamed([{ metric: "\u0000\u0001" }, { metric: "Error rate" }, { metric: "p95_latency.ms" }] as never),
    ).toEqual(["p95_latency.ms"]);
  });
});
