import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { classifyReading, type Health, phaseHealth, worstHealth } from "@/lib/domain/health";

const errorRate = { direction: "lower_is_better", target: 1, alertThreshold: 2, criticalThreshold: 5 } as const;
const availability = {
  direction: "higher_is_better",
  target: 99.9,
  alertThreshold: 99.5,
  criticalThreshold: 99,
} as const;

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
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (v, delta) => {
          expect(rank[classifyReading(errorRate, v + delta)]).toBeGreaterThanOrEqual(
            rank[classifyReading(errorRate, v)],
          );
          expect(rank[classifyReading(availability, v - delta)]).toBeGreaterThanOrEqual(
            rank[classifyReading(availability, v)],
          );
        },
      ),
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

describe("phaseHealth", () => {
  const errorRate = {
    id: "e",
    label: "Error rate",
    unit: "%",
    direction: "lower_is_better" as const,
    alertThreshold: 2,
    criticalThreshold: 5,
  };
  const availability = {
    id: "a",
    label: "Availability",
    unit: "%",
    direction: "higher_is_better" as const,
    alertThreshold: 99.5,
    criticalThreshold: 99,
  };
  const latency = {
    id: "l",
    label: "p95 latency",
    unit: "ms",
    direction: "lower_is_better" as const,
    alertThreshold: 800,
    criticalThreshold: 1500,
  };
  const metrics = [errorRate, availability, latency];

  test("green when every KPI stayed inside its alert threshold; unknown without samples", () => {
    expect(
      phaseHealth(metrics, [
        { metricId: "e", worst: 1.2 },
        { metricId: "a", worst: 99.9 },
      ]),
    ).toEqual({ health: "green", detail: "Every KPI stayed within its alert threshold" });
    expect(phaseHealth(metrics, [])).toEqual({ health: "unknown", detail: "No KPI samples in this phase" });
    expect(phaseHealth(metrics, [{ metricId: "gone", worst: 50 }]).health).toBe("unknown");
  });

  test("names the KPI that made it amber or red, in its direction", () => {
    expect(
      phaseHealth(metrics, [
        { metricId: "e", worst: 2.44 },
        { metricId: "a", worst: 99.9 },
      ]),
    ).toEqual({ health: "amber", detail: "Error rate reached 2.44% over 15 minutes (degraded)" });
    expect(
      phaseHealth(metrics, [
        { metricId: "e", worst: 2.5 },
        { metricId: "a", worst: 98.7 },
      ]),
    ).toEqual({ health: "red", detail: "Availability reached 98.7% over 15 minutes (critical)" });
    // Both amber: the one further past its threshold is named.
    expect(
      phaseHealth(metrics, [
        { metricId: "e", worst: 2.1 },
        { metricId: "l", worst: 1400 },
      ]).detail,
    ).toBe("p95 latency reached 1400 ms over 15 minutes (degraded)");
  });

  test("property: the phase is exactly as healthy as its worst KPI", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ metricId: fc.constantFrom("e", "a", "l"), worst: fc.double({ min: 0, max: 3000, noNaN: true }) }),
        ),
        (readings) => {
          const expected = worstHealth(
            readings.map((r) =>
              classifyReading(
                metrics.find((m) => m.id === r.metricId)!,
                r.worst,
              ),
            ),
          );
          expect(phaseHealth(metrics, readings).health).toBe(expected);
        },
      ),
    );
  });
});
