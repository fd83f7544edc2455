import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { DEFAULT_INGEST_POLICY, rowsFromExposition, validateBatch } from "@/lib/domain/ingest";

const now = new Date("2026-11-22T12:00:00Z");
const known = new Set(["error_rate", "p95_latency"]);

describe("validateBatch", () => {
  test("accepts ISO and epoch timestamps, defaults cohort to canary and time to now", () => {
    const verdict = validateBatch(
      [
        { metric: "error_rate", ts: "2026-11-22T11:59:00Z", value: 0.4 },
        { metric: "error_rate", ts: now.getTime() - 1000, value: "0.5", cohort: "baseline" },
        { metric: "p95_latency", value: 320 },
      ],
      known,
      now,
    );
    expect(verdict).toEqual({
      ok: true,
      samples: [
        {
          metric: "error_rate",
          ts: new Date("2026-11-22T11:59:00Z"),
          value: 0.4,
          cohort: "canary",
          numerator: null,
          denominator: null,
        },
        {
          metric: "error_rate",
          ts: new Date(now.getTime() - 1000),
          value: 0.5,
          cohort: "baseline",
          numerator: null,
          denominator: null,
        },
        { metric: "p95_latency", ts: now, value: 320, cohort: "canary", numerator: null, denominator: null },
      ],
    });
  });

  test.each([
    [{ metric: "cpu", value: 1 }, "metric", 'unknown metric "cpu"'],
    [{ metric: "error_rate", value: "NaN" }, "value", "value is NaN"],
    [{ metric: "error_rate", value: "+Inf" }, "value", "value is infinite"],
    [{ metric: "error_rate", value: true }, "value", "value has the wrong type (boolean); send a number"],
    [{ metric: "error_rate", value: null }, "value", "value has the wrong type (null); send a number"],
    [
      { metric: "error_rate", value: 1, ts: "2026-11-23T00:00:00Z" },
      "ts",
      "timestamp 2026-11-23T00:00:00.000Z is in the future",
    ],
    [
      { metric: "error_rate", value: 1, ts: "2026-01-01T00:00:00Z" },
      "ts",
      "timestamp 2026-01-01T00:00:00.000Z is older than the 90-day retention",
    ],
    [
      { metric: "error_rate", value: 1, ts: "yesterday" },
      "ts",
      'timestamp "yesterday" is neither ISO 8601 nor epoch milliseconds',
    ],
    [{ metric: "error_rate", value: 1, cohort: "blue" }, "cohort", 'cohort must be "canary" or "baseline"'],
    [{ metric: 42, value: 1 }, "metric", "metric is missing or not a string"],
  ])("%o → %s: %s", (row, field, reason) => {
    expect(validateBatch([{ metric: "error_rate", value: 0.1 }, row], known, now)).toEqual({
      ok: false,
      errors: [{ row: 2, field, reason }],
    });
  });

  test("names every bad row, and duplicates within the batch", () => {
    const verdict = validateBatch(
      [
        { metric: "error_rate", value: 1, ts: 1_795_000_000_000 },
        { metric: "nope", value: "x" },
        { metric: "error_rate", value: 2, ts: 1_795_000_000_000 },
      ],
      known,
      new Date(1_795_000_060_000),
    );
    expect(verdict).toEqual({
      ok: false,
      errors: [
        { row: 2, field: "metric", reason: 'unknown metric "nope"' },
        { row: 2, field: "value", reason: 'value "x" is not a number' },
        { row: 3, field: "ts", reason: "same metric, cohort and timestamp as row 1" },
      ],
    });
  });

  test("empty and oversize batches are refused as a whole", () => {
    expect(validateBatch([], known, now)).toMatchObject({ ok: false, errors: [{ row: 0, field: "batch" }] });
    const big = Array.from({ length: DEFAULT_INGEST_POLICY.maxRows + 1 }, () => ({ metric: "error_rate", value: 1 }));
    expect(validateBatch(big, known, now)).toMatchObject({
      ok: false,
      errors: [{ reason: expect.stringMatching(/at most 10000/) }],
    });
  });

  test("property: one bad row anywhere rejects the whole batch", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(), (size, at) => {
        const rows: { metric: string; value: unknown; ts: number }[] = Array.from({ length: size }, (_, i) => ({
          metric: "error_rate",
          value: i,
          ts: now.getTime() - i * 1000,
        }));
        const bad = at % size;
        rows[bad] = { ...rows[bad]!, value: "NaN" };
        const verdict = validateBatch(rows, known, now);
        expect(verdict.ok).toBe(false);
        if (!verdict.ok) expect(verdict.errors.map((e) => e.row)).toEqual([bad + 1]);
      }),
    );
  });
});

test("Prometheus exposition families become rows, cohort from the label", () => {
  expect(
    rowsFromExposition([
      {
        name: "error_rate",
        metrics: [{ value: "0.7" }, { value: "0.8", labels: { cohort: "baseline" }, timestamp_ms: "1700000000000" }],
      },
    ]),
  ).toEqual([
    { metric: "error_rate", value: "0.7", ts: undefined, cohort: undefined },
    { metric: "error_rate", value: "0.8", ts: "1700000000000", cohort: "baseline" },
  ]);
});

describe("rates pushed as counts", () => {
  const percent = new Set(["error_rate"]);
  const at = "2026-11-22T11:59:00Z";

  test("numerator and denominator become a ratio, in percent for a % KPI, and keep their counts", () => {
    const verdict = validateBatch(
      [
        { metric: "error_rate", ts: at, numerator: 12, denominator: 1000 },
        { metric: "error_rate", ts: at, numerator: "3", denominator: "600", cohort: "baseline" },
        { metric: "p95_latency", ts: at, numerator: 1, denominator: 4 },
      ],
      known,
      now,
      DEFAULT_INGEST_POLICY,
      null,
      percent,
    );
    expect(verdict.ok && verdict.samples.map((s) => [s.cohort, s.value, s.numerator, s.denominator])).toEqual([
      ["canary", 1.2, 12, 1000],
      ["baseline", 0.5, 3, 600],
      ["canary", 0.25, 1, 4],
    ]);
  });

  test.each([
    [
      { numerator: 5 },
      "denominator",
      "denominator is missing: send numerator and denominator together (e.g. errors and requests)",
    ],
    [
      { denominator: 5 },
      "numerator",
      "numerator is missing: send numerator and denominator together (e.g. errors and requests)",
    ],
    [
      { numerator: 1, denominator: 5, value: 20 },
      "value",
      "send either value, or numerator and denominator (the value is their ratio), not both",
    ],
    [
      { numerator: 1, denominator: 0 },
      "denominator",
      "denominator is 0: an interval without requests has no rate; leave the row out",
    ],
    [
      { numerator: 6, denominator: 5 },
      "numerator",
      "numerator 6 is above denominator 5: a rate's numerator counts some of the denominator's events",
    ],
    [{ numerator: -1, denominator: 5 }, "numerator", "numerator is negative; counts start at 0"],
    [{ numerator: "many", denominator: 5 }, "numerator", 'numerator "many" is not a number'],
    [{ numerator: 1, denominator: "+Inf" }, "denominator", "denominator is infinite"],
    [{}, "value", "value is missing: send value, or numerator and denominator"],
  ])("%o → %s: %s", (extra, field, reason) => {
    const verdict = validateBatch(
      [{ metric: "error_rate", ts: at, ...extra }],
      known,
      now,
      DEFAULT_INGEST_POLICY,
      null,
      percent,
    );
    expect(verdict).toEqual({ ok: false, errors: [{ row: 1, field, reason }] });
  });

  test("any counts in range give a ratio between 0 and 1 (or 0 and 100 %)", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (a, b, inPercent) => {
        const [numerator, denominator] = a <= b ? [a, b] : [b, a];
        const verdict = validateBatch(
          [{ metric: "error_rate", ts: at, numerator, denominator }],
          known,
          now,
          DEFAULT_INGEST_POLICY,
          null,
          inPercent ? percent : new Set(),
        );
        if (!verdict.ok) return false;
        const value = verdict.samples[0]!.value;
        return value >= 0 && value <= (inPercent ? 100 : 1) && verdict.samples[0]!.denominator === denominator;
      }),
    );
  });

  test("exposition: <key>_numerator and <key>_denominator pair by cohort and timestamp", () => {
    const rows = rowsFromExposition([
      {
        name: "error_rate_numerator",
        metrics: [
          { value: "4", labels: { cohort: "canary" }, timestamp_ms: "1" },
          { value: "2", labels: { cohort: "baseline" }, timestamp_ms: "1" },
        ],
      },
      {
        name: "error_rate_denominator",
        metrics: [
          { value: "100", labels: { cohort: "baseline" }, timestamp_ms: "1" },
          { value: "90", labels: { cohort: "canary" }, timestamp_ms: "1" },
        ],
      },
      { name: "orders_numerator", metrics: [{ value: "3" }] },
    ]);
    expect(rows).toEqual([
      { metric: "error_rate", ts: "1", cohort: "canary", numerator: "4", denominator: "90" },
      { metric: "error_rate", ts: "1", cohort: "baseline", numerator: "2", denominator: "100" },
      { metric: "orders", ts: undefined, cohort: undefined, numerator: "3" },
    ]);
    const verdict = validateBatch(
      rows.map((r) => ({ ...r, ts: at })),
      new Set(["error_rate", "orders"]),
      now,
      DEFAULT_INGEST_POLICY,
      null,
      percent,
    );
    expect(verdict).toEqual({
      ok: false,
      errors: [
        {
          row: 3,
          field: "denominator",
          reason: "denominator is missing: send numerator and denominator together (e.g. errors and requests)",
        },
      ],
    });
  });
});
