import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cohortsFrom, effectOverTime, formOf, type MinuteRow, readCanary } from "@/lib/domain/canary-data";
import { DEFAULT_SEQUENTIAL, defaultJudgeSettings } from "@/lib/domain/judge";
import { describeJudgeSettings, judgeSettingsFromForm, readJudgeSettings } from "@/lib/domain/judge-settings";

const MIN = 60_000;
const row = (m: number, cohort: "canary" | "baseline", values: Partial<MinuteRow>): MinuteRow => ({
  t: m * MIN,
  cohort,
  n: 1,
  total: 0,
  numerator: 0,
  denominator: 0,
  ...values,
});
const input = { label: "Error rate", unit: "%", direction: "lower_is_better" as const, settings: DEFAULT_SEQUENTIAL };

describe("what the judge is given", () => {
  test("counts when both cohorts carry them, summed; minutes without counts are left out", () => {
    const rows = [
      row(0, "canary", { numerator: 2, denominator: 100 }),
      row(0, "baseline", { numerator: 5, denominator: 900 }),
      row(1, "canary", { numerator: 3, denominator: 110 }),
      row(2, "canary", { n: 1, total: 0.4 }),
    ];
    expect(formOf(rows)).toBe("counts");
    expect(cohortsFrom(rows)).toEqual({
      canary: { kind: "counts", numerator: 5, denominator: 210 },
      baseline: { kind: "counts", numerator: 5, denominator: 900 },
    });
    expect(cohortsFrom(rows, "counts", 0)).toEqual({
      canary: { kind: "counts", numerator: 2, denominator: 100 },
      baseline: { kind: "counts", numerator: 5, denominator: 900 },
    });
  });

  test("values otherwise: each minute's mean", () => {
    const rows = [
      row(0, "canary", { n: 2, total: 700 }),
      row(0, "baseline", { n: 4, total: 1200 }),
      row(1, "canary", { n: 1, total: 410, denominator: 5, numerator: 1 }),
    ];
    expect(formOf(rows)).toBe("values");
    expect(cohortsFrom(rows)).toEqual({
      canary: { kind: "values", values: [350, 410] },
      baseline: { kind: "values", values: [300] },
    });
  });

  test("the newest minute of each cohort is known, for a feed that goes quiet", () => {
    const reading = readCanary(
      [row(3, "canary", { numerator: 1, denominator: 10 }), row(5, "baseline", { numerator: 1, denominator: 10 })],
      input,
    );
    expect(reading.newest).toEqual({ canary: 3 * MIN, baseline: 5 * MIN });
    expect(reading.judgement.verdict).toBe("not_enough_data");
  });
});

describe("the effect over time", () => {
  const minutes = (count: number, rate: (m: number) => number) =>
    Array.from({ length: count }, (_, m) => [
      row(m, "canary", { numerator: Math.round(rate(m) * 200), denominator: 200 }),
      row(m, "baseline", { numerator: 18, denominator: 1800 }),
    ]).flat();

  test("at most maxPoints instants, always the last, each judged on everything up to it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 150 }), (count, maxPoints) => {
        const rows = minutes(count, () => 0.01);
        const series = effectOverTime(rows, input, maxPoints);
        expect(series.length).toBeLessThanOrEqual(maxPoints);
        expect(series.length).toBeGreaterThan(0);
        expect(series.at(-1)!.t).toBe((count - 1) * MIN);
        expect(series.map((p) => p.t)).toEqual([...series.map((p) => p.t)].sort((a, b) => a - b));
        // The last instant is the judgement now.
        const now = readCanary(rows, input).judgement;
        expect(series.at(-1)).toMatchObject({
          estimate: now.effect.estimate,
          lower: now.effect.lower,
          upper: now.effect.upper,
          verdict: now.verdict,
        });
      }),
      { numRuns: 60 },
    );
  });

  test("a doubled error rate goes from not enough data to fail as the minutes add up, and the interval narrows", () => {
    const series = effectOverTime(
      minutes(60, () => 0.02),
      input,
      60,
    );
    expect(series[0]!.verdict).toBe("not_enough_data");
    expect(series.at(-1)!.verdict).toBe("fail");
    const width = (p: (typeof series)[number]) => Math.log(p.upper!) - Math.log(p.lower!);
    const bounded = series.filter((p) => p.lower !== null && p.upper !== null);
    expect(width(bounded.at(-1)!)).toBeLessThan(width(bounded[0]!));
  });

  test("no minutes, no points", () => {
    expect(effectOverTime([], input)).toEqual([]);
  });
});

describe("settings from the editor", () => {
  test("blanks take the defaults for the KPI; percentages become fractions", () => {
    expect(judgeSettingsFromForm({}, "%")).toEqual({
      ok: true,
      settings: defaultJudgeSettings("sequential", "counts"),
    });
    expect(judgeSettingsFromForm({ judgeMethod: "" }, "ms")).toEqual({
      ok: true,
      settings: { ...DEFAULT_SEQUENTIAL, minSample: 50 },
    });
    expect(
      judgeSettingsFromForm(
        {
          judgeMethod: "mann_whitney",
          judgeAlphaPercent: "1",
          judgeMinSample: "80",
          judgeTolerancePercent: "20%",
          judgeSmallestRegressionPercent: 5,
        },
        "ms",
      ),
    ).toEqual({
      ok: true,
      settings: { method: "mann_whitney", alpha: 0.01, minSample: 80, tolerance: 0.2, smallestRegression: 0.05 },
    });
  });

  test("every bad field is named at once", () => {
    expect(judgeSettingsFromForm({ judgeMethod: "t-test" }, "%")).toEqual({
      ok: false,
      problems: { judgeMethod: ["Choose the sequential test or Mann–Whitney"] },
    });
    expect(
      judgeSettingsFromForm(
        {
          judgeAlphaPercent: "0",
          judgeMinSample: "-3",
          judgeTolerancePercent: "x",
          judgeSmallestRegressionPercent: "0.5",
        },
        "%",
      ),
    ).toEqual({
      ok: false,
      problems: {
        judgeAlphaPercent: ["Use a false-alarm rate of at least 0.1%"],
        judgeMinSample: ["Use a minimum sample of at least 1"],
        judgeTolerancePercent: ["Enter a number"],
        judgeSmallestRegressionPercent: ["Use a smallest regression of at least 1%"],
      },
    });
  });

  test("stored settings are read back, unreadable ones fall back to the defaults", () => {
    const stored = { method: "mann_whitney", alpha: 0.02, minSample: 50, tolerance: 0.25, smallestRegression: 0.1 };
    expect(readJudgeSettings(stored, "ms")).toEqual(stored);
    expect(readJudgeSettings({ method: "sequential", alpha: "lots" }, "%")).toEqual(
      defaultJudgeSettings("sequential", "counts"),
    );
    expect(readJudgeSettings(null, "ms")).toEqual(defaultJudgeSettings("sequential", "values"));
  });

  test("in words, the lines mirrored for a KPI where higher is better", () => {
    expect(describeJudgeSettings(DEFAULT_SEQUENTIAL, "lower_is_better")).toBe(
      "sequential test, 5% false alarms, ≥ 150 per cohort, fails above 1.1×, passes below 1.25×",
    );
    expect(describeJudgeSettings(DEFAULT_SEQUENTIAL, "higher_is_better")).toBe(
      "sequential test, 5% false alarms, ≥ 150 per cohort, fails below 0.91×, passes above 0.8×",
    );
  });
});
