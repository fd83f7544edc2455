import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { classifyReading, type Health, worstHealth } from "@/lib/domain/health";

const errorRate = { direction: "lower_is_better", target: 1, alertThreshold: 2, criticalThreshold: 5 } as const;
const availability = { direction: "higher_is_better", target: 99.9, alertThreshold: 99.5, criticalThreshold: 99 } as const;

describe("classifyReading", () => {
  test.each([
    [errorRate, 0.5, "green"],
    [errorRate, 2, "green"], // exactly at the alert threshold is not beyond it
    [errorRate, 2.01, "amber"],
    [errorRate, 5, "amber"],
    [errorRate, 5.5, "red"],
    [availability, 99.95, "green"],
    [availability, 99.4, "amber"],
    [availability, 98.7, "red"],
    [errorRate, null, "unknown"],
    [errorRate, Number.NaN, "unknown"],
  ] as const)("%o with %s is %s", (thresholds, value, expected) => {
    expect(classifyReading(thresholds, value)).toBe(expected);
  });

  test("without thresholds every reading is green", () => {
    expect(classifyReading({ direction: "lower_is_better" }, 1e9)).toBe("green");
  });

  test("property: a worse reading is never healthier", () => {
    const rank: Record<Health, number> = { unknown: 0, green: 1, amber: 2, red: 3 };
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (v, delta) => {
        expect(rank[classifyReading(errorRate, v + delta)]).toBeGreaterThanOrEqual(rank[classifyReading(errorRate, v)]);
        expect(rank[classifyReading(availability, v - delta)]).toBeGreaterThanOrEqual(rank[classifyReading(availability, v)]);
      }),
    );
  });
});

describe("worstHealth", () => {
  test.each([
    [[], "unknown"],
    [["unknown", "green"], "green"],
    [["green", "amber", "green"], "amber"],
    [["amber", "red", "unknown"], "red"],
  ] as [Health[], Health][])("%o → %s", (list, expected) => {
    expect(worstHealth(list)).toBe(expected);
  });
});
