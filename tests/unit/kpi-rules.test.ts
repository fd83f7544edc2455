import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Comparison, MetricDirection, TriggerMode } from "@/db/schema/enums";
import {
  comparisonProblem,
  describeTriggerRule,
  keyFromLabel,
  METRIC_KEY_PATTERN,
  metricKeyProblem,
  satisfiesThresholdCheck,
  thresholdProblems,
  triggerProblems,
} from "@/lib/domain/kpi-rules";
import { metricCatalogue } from "@/lib/domain/templates";

const direction = fc.constantFrom<MetricDirection>("lower_is_better", "higher_is_better");
const comparison = fc.constantFrom<Comparison>("lt", "lte", "gt", "gte");
const value = fc.oneof(fc.constant(null), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

describe("metric keys", () => {
  test.each([
    ["error_rate", null],
    ["checkout.p99", null],
    ["", "Enter a key"],
    ["9lives", "Start with a lowercase letter"],
    ["Error_rate", "Start with a lowercase letter"],
    ["error-rate", "Use lowercase letters, digits, _ and . only"],
    ["a".repeat(65), "Use at most 64 characters"],
  ])("%s → %s", (key, problem) => {
    expect(metricKeyProblem(key)).toBe(problem);
  });

  test.each([
    ["Checkout success %", "checkout_success"],
    ["Response time p95", "response_time_p95"],
    ["5xx rate", "kpi_5xx_rate"],
    ["Überweisungen", "uberweisungen"],
    ["!!!", "kpi"],
  ])("a key from the label %s is %s", (label, key) => {
    expect(keyFromLabel(label)).toBe(key);
  });

  test("any label gives a key the database accepts", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (label) => {
        const key = keyFromLabel(label);
        expect(key).toMatch(METRIC_KEY_PATTERN);
        expect(metricKeyProblem(key)).toBeNull();
      }),
    );
  });

  test("the catalogue's keys are valid and unique", () => {
    const keys = metricCatalogue.map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(metricKeyProblem(k)).toBeNull();
  });
});

describe("threshold order", () => {
  test.each<[string, MetricDirection, number | null, number | null, number | null, Record<string, string[]>]>([
    ["error rate in order", "lower_is_better", 1, 2, 5, {}],
    ["equal thresholds", "lower_is_better", 2, 2, 2, {}],
    ["availability in order", "higher_is_better", 99.9, 99.5, 99, {}],
    ["nothing set", "lower_is_better", null, null, null, {}],
    [
      "critical before alert",
      "lower_is_better",
      1,
      5,
      2,
      { criticalThreshold: ["Critical must be at or above the alert threshold (5): higher is worse for this metric"] },
    ],
    [
      "availability critical above alert",
      "higher_is_better",
      99.9,
      99,
      99.5,
      { criticalThreshold: ["Critical must be at or below the alert threshold (99): lower is worse for this metric"] },
    ],
    [
      "target past alert",
      "lower_is_better",
      3,
      2,
      5,
      { target: ["The target must be at or below the alert threshold (2): lower is better for this metric"] },
    ],
    [
      "target past critical without alert",
      "higher_is_better",
      90,
      null,
      95,
      { target: ["The target must be at or above the critical threshold (95): higher is better for this metric"] },
    ],
    [
      "both wrong",
      "lower_is_better",
      9,
      5,
      2,
      { criticalThreshold: [expect.any(String)], target: [expect.any(String)] },
    ],
  ])("%s", (_name, dir, target, alertThreshold, criticalThreshold, expected) => {
    expect(thresholdProblems({ direction: dir, target, alertThreshold, criticalThreshold })).toEqual(expected);
  });

  test("infinite values are named", () => {
    expect(
      thresholdProblems({ direction: "lower_is_better", target: Infinity, alertThreshold: 1, criticalThreshold: 2 }),
    ).toEqual({ target: ["Enter a finite number"] });
  });

  test("whatever passes here passes the database check", () => {
    fc.assert(
      fc.property(direction, value, value, value, (dir, target, alertThreshold, criticalThreshold) => {
        const input = { direction: dir, target, alertThreshold, criticalThreshold };
        if (Object.keys(thresholdProblems(input)).length === 0) expect(satisfiesThresholdCheck(input)).toBe(true);
        // The converse: the database refuses nothing here that it would accept, except target rules.
        if (!satisfiesThresholdCheck(input)) expect(thresholdProblems(input).criticalThreshold).toBeDefined();
      }),
    );
  });

  test("any three numbers can be ordered for either direction", () => {
    fc.assert(
      fc.property(
        direction,
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (dir, values) => {
          const sorted = [...values].sort((a, b) => (dir === "lower_is_better" ? a - b : b - a));
          expect(
            thresholdProblems({
              direction: dir,
              target: sorted[0]!,
              alertThreshold: sorted[1]!,
              criticalThreshold: sorted[2]!,
            }),
          ).toEqual({});
        },
      ),
    );
  });

  test("mirroring values and direction keeps the verdict", () => {
    fc.assert(
      fc.property(direction, value, value, value, (dir, t, a, c) => {
        const flip = (v: number | null) => (v === null ? null : -v);
        const other: MetricDirection = dir === "lower_is_better" ? "higher_is_better" : "lower_is_better";
        const fields = (p: object) => Object.keys(p).sort();
        expect(
          fields(
            thresholdProblems({
              direction: other,
              target: flip(t),
              alertThreshold: flip(a),
              criticalThreshold: flip(c),
            }),
          ),
        ).toEqual(fields(thresholdProblems({ direction: dir, target: t, alertThreshold: a, criticalThreshold: c })));
      }),
    );
  });

  test("the catalogue's thresholds are in order", () => {
    for (const m of metricCatalogue)
      expect(
        thresholdProblems({
          direction: m.direction,
          target: m.target,
          alertThreshold: m.alert,
          criticalThreshold: m.critical,
        }),
        m.key,
      ).toEqual({});
  });
});

describe("comparisons point the right way", () => {
  test.each<[string, "criterion" | "trigger", MetricDirection, Comparison, TriggerMode, boolean]>([
    ["criterion error rate < 1%", "criterion", "lower_is_better", "lt", "absolute", true],
    ["criterion error rate > 1%", "criterion", "lower_is_better", "gt", "absolute", false],
    ["criterion availability ≥ 99.9%", "criterion", "higher_is_better", "gte", "absolute", true],
    ["trigger error rate > 5%", "trigger", "lower_is_better", "gt", "absolute", true],
    ["trigger error rate < 5%", "trigger", "lower_is_better", "lt", "absolute", false],
    ["trigger availability < 99%", "trigger", "higher_is_better", "lt", "absolute", true],
    ["trigger p95 > 2× baseline", "trigger", "lower_is_better", "gt", "relative_to_baseline", true],
    ["trigger availability < 0.9× baseline", "trigger", "higher_is_better", "lt", "relative_to_baseline", true],
    ["trigger degradation > 50% (higher is better)", "trigger", "higher_is_better", "gt", "degradation_pct", true],
    ["trigger degradation < 50%", "trigger", "lower_is_better", "lt", "degradation_pct", false],
  ])("%s", (_name, use, dir, cmp, mode, ok) => {
    expect(comparisonProblem(use, dir, cmp, mode) === null).toBe(ok);
  });

  test("a criterion and an absolute trigger on the same metric never point the same way", () => {
    fc.assert(
      fc.property(direction, comparison, (dir, cmp) => {
        const asCriterion = comparisonProblem("criterion", dir, cmp) === null;
        const asTrigger = comparisonProblem("trigger", dir, cmp, "absolute") === null;
        expect(asCriterion).toBe(!asTrigger);
      }),
    );
  });
});

describe("rollback trigger rules", () => {
  const errorRate = { label: "Error rate", unit: "%", direction: "lower_is_better" as const };
  const p95 = { label: "Response time p95", unit: "ms", direction: "lower_is_better" as const };

  test("the template triggers are valid", () => {
    expect(
      triggerProblems({
        metric: errorRate,
        mode: "absolute",
        comparison: "gt",
        value: 5,
        durationMinutes: 5,
        action: "automatic_rollback",
      }),
    ).toEqual({});
    expect(
      triggerProblems({
        metric: p95,
        mode: "relative_to_baseline",
        comparison: "gt",
        value: 2,
        durationMinutes: 10,
        action: "automatic_rollback",
      }),
    ).toEqual({});
    expect(
      triggerProblems({
        metric: null,
        mode: "absolute",
        comparison: "gt",
        value: 0,
        durationMinutes: 0,
        action: "alert_only",
      }),
    ).toEqual({});
  });

  test("each problem names its field", () => {
    expect(
      triggerProblems({
        metric: null,
        mode: "relative_to_baseline",
        comparison: "gt",
        value: 2,
        durationMinutes: 0,
        action: "automatic_rollback",
      }),
    ).toEqual({
      action: ["An automatic rollback needs a metric to watch; a condition people judge is alert only"],
      mode: ["Comparing against the baseline needs a metric"],
    });
    expect(
      triggerProblems({
        metric: p95,
        mode: "relative_to_baseline",
        comparison: "lt",
        value: 0,
        durationMinutes: 0,
        action: "alert_only",
      }),
    ).toEqual({
      comparison: [expect.stringContaining("> or ≥")],
      value: ["A factor of the baseline is above 0 (2 means twice the baseline)"],
    });
    expect(
      triggerProblems({
        metric: p95,
        mode: "degradation_pct",
        comparison: "gt",
        value: -5,
        durationMinutes: 0,
        action: "alert_only",
      }).value,
    ).toEqual(["A degradation is a percentage above 0"]);
  });

  test.each([
    [
      { metric: errorRate, mode: "absolute" as const, comparison: "gt" as const, value: 5, durationMinutes: 5 },
      "Error rate > 5% for 5 min",
    ],
    [
      { metric: p95, mode: "relative_to_baseline" as const, comparison: "gt" as const, value: 2, durationMinutes: 10 },
      "Response time p95 > 2× baseline for 10 min",
    ],
    [
      { metric: p95, mode: "degradation_pct" as const, comparison: "gt" as const, value: 50, durationMinutes: 0 },
      "Response time p95 degradation > 50%",
    ],
    [
      { metric: p95, mode: "absolute" as const, comparison: "gte" as const, value: 4000, durationMinutes: 60 },
      "Response time p95 ≥ 4000 ms for 1 h",
    ],
  ])("in words: %j", (rule, words) => {
    expect(describeTriggerRule(rule)).toBe(words);
  });
});
