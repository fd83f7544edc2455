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
        { metric: "error_rate", ts: new Date("2026-11-22T11:59:00Z"), value: 0.4, cohort: "canary" },
        { metric: "error_rate", ts: new Date(now.getTime() - 1000), value: 0.5, cohort: "baseline" },
        { metric: "p95_latency", ts: now, value: 320, cohort: "canary" },
      ],
    });
  });

  test.each([
    [{ metric: "cpu", value: 1 }, "metric", 'unknown metric "cpu"'],
    [{ metric: "error_rate", value: "NaN" }, "value", "value is NaN"],
    [{ metric: "error_rate", value: "+Inf" }, "value", "value is infinite"],
    [{ metric: "error_rate", value: true }, "value", "value has the wrong type (boolean); send a number"],
    [{ metric: "error_rate", value: null }, "value", "value has the wrong type (null); send a number"],
    [{ metric: "error_rate", value: 1, ts: "2026-11-23T00:00:00Z" }, "ts", "timestamp 2026-11-23T00:00:00.000Z is in the future"],
    [{ metric: "error_rate", value: 1, ts: "2026-01-01T00:00:00Z" }, "ts", "timestamp 2026-01-01T00:00:00.000Z is older than the 90-day retention"],
    [{ metric: "error_rate", value: 1, ts: "yesterday" }, "ts", 'timestamp "yesterday" is neither ISO 8601 nor epoch milliseconds'],
    [{ metric: "error_rate", value: 1, cohort: "blue" }, "cohort", 'cohort must be "canary" or "baseline"'],
    [{ metric: 42, value: 1 }, "metric", "metric is missing or not a string"],
  ])("%o → %s: %s", (row, field, reason) => {
    expect(validateBatch([{ metric: "error_rate", value: 0.1 }, row], known, now)).toEqual({ ok: false, errors: [{ row: 2, field, reason }] });
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
    expect(validateBatch(big, known, now)).toMatchObject({ ok: false, errors: [{ reason: expect.stringMatching(/at most 10000/) }] });
  });

  test("property: one bad row anywhere rejects the whole batch", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(), (size, at) => {
        const rows: { metric: string; value: unknown; ts: number }[] = Array.from({ length: size }, (_, i) => ({ metric: "error_rate", value: i, ts: now.getTime() - i * 1000 }));
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
    rowsFromExposition([{ name: "error_rate", metrics: [{ value: "0.7" }, { value: "0.8", labels: { cohort: "baseline" }, timestamp_ms: "1700000000000" }] }]),
  ).toEqual([
    { metric: "error_rate", value: "0.7", ts: undefined, cohort: undefined },
    { metric: "error_rate", value: "0.8", ts: "1700000000000", cohort: "baseline" },
  ]);
});
