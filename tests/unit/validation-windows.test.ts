import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { dueStatus, windowTiming } from "@/lib/domain/validation-windows";

const start = new Date("2026-11-22T10:00:00Z");
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

describe("validation windows", () => {
  test.each([
    ["immediate", 0, "open", "due"],
    ["immediate", 30, "open", "due"],
    ["immediate", 31, "open", "overdue"],
    ["immediate", 31, "blocked", "overdue"],
    ["immediate", 31, "done", "settled"],
    ["short_term", 10, "open", "upcoming"],
    ["short_term", 45, "open", "due"],
    ["short_term", 241, "open", "overdue"],
    ["long_term", 200, "open", "upcoming"],
    ["long_term", 300, "open", "due"],
    ["long_term", 24 * 60 + 1, "not_applicable", "settled"],
    ["long_term", 24 * 60 + 1, "open", "overdue"],
  ] as const)("%s at +%i min, %s → %s", (window, minutes, state, expected) => {
    expect(dueStatus(window, start, state, at(minutes))).toBe(expected);
  });

  test("before the phase starts nothing is due", () => {
    expect(dueStatus("immediate", null, "open", at(100))).toBe("not_started");
  });

  test("windows follow each other: each opens when the previous one closes", () => {
    expect(windowTiming("short_term", start).opensAt).toEqual(windowTiming("immediate", start).dueAt);
    expect(windowTiming("long_term", start).opensAt).toEqual(windowTiming("short_term", start).dueAt);
    expect(windowTiming("long_term", start).dueAt).toEqual(at(24 * 60));
  });

  test("property: an open item only gets more urgent as time passes", () => {
    const rank = { not_started: 0, upcoming: 1, due: 2, overdue: 3, settled: -1 } as const;
    fc.assert(
      fc.property(
        fc.constantFrom("immediate", "short_term", "long_term" as const),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 3000 }),
        (window, a, b) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          expect(rank[dueStatus(window, start, "open", at(late))]).toBeGreaterThanOrEqual(
            rank[dueStatus(window, start, "open", at(early))],
          );
        },
      ),
    );
  });
});
