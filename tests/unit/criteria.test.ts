import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { compare, evaluateCriterion } from "@/lib/domain/criteria";
import { evaluateGate } from "@/lib/domain/gate-summary";

const now = new Date("2026-11-22T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const errorBelow1For3Days = { comparison: "lt" as const, value: 1, sustainedMinutes: 3 * 1440 };
const covered = (count: number, min: number | null, max: number | null, minutes = 3 * 1440) => ({
  count,
  min,
  max,
  first: count ? ago(minutes - 5) : null,
  last: count ? ago(1) : null,
});

describe("evaluateCriterion", () => {
  test.each([
    ["met when every sample in the window is below", covered(800, 0.2, 0.9), ago(4 * 1440), { met: true }],
    [
      "not met when one sample reached the limit",
      covered(800, 0.2, 1.0),
      ago(4 * 1440),
      { met: false, reason: "reached 1 in the window" },
    ],
    [
      "not met before the sustained time has passed",
      covered(10, 0.1, 0.2),
      ago(2 * 1440),
      { met: false, reason: "needs 1440 more minutes of data" },
    ],
    [
      "not met without samples",
      covered(0, null, null),
      ago(4 * 1440),
      { met: false, reason: "no samples in the window" },
    ],
    [
      "not met before the phase started",
      covered(5, 0.1, 0.1),
      null,
      { met: false, reason: "the phase has not started" },
    ],
    [
      "not met when samples cover only the end of the window",
      { count: 3, min: 0.1, max: 0.2, first: ago(60), last: ago(1) },
      ago(4 * 1440),
      { met: false, reason: "samples cover only the last 60 min of the window" },
    ],
    [
      "not met when the feed went silent",
      { count: 3, min: 0.1, max: 0.2, first: ago(3 * 1440), last: ago(600) },
      ago(4 * 1440),
      { met: false, reason: "no samples in the last 600 min" },
    ],
  ])("%s", (_name, stats, started, expected) => {
    expect(evaluateCriterion(errorBelow1For3Days, stats, started, now)).toEqual(expected);
  });

  test("higher-is-better criteria look at the minimum", () => {
    const availability = { comparison: "gte" as const, value: 99.9, sustainedMinutes: 60 };
    expect(evaluateCriterion(availability, covered(12, 99.91, 100, 60), ago(120), now)).toEqual({ met: true });
    expect(evaluateCriterion(availability, covered(12, 99.5, 100, 60), ago(120), now).met).toBe(false);
  });

  test("property: met exactly when the worst sample satisfies the comparison", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.constantFrom("lt", "lte", "gt", "gte" as const),
        (a, b, limit, comparison) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const verdict = evaluateCriterion(
            { comparison, value: limit, sustainedMinutes: 10 },
            { count: 2, min, max, first: ago(14), last: ago(1) },
            ago(60),
            now,
          );
          const worst = comparison === "lt" || comparison === "lte" ? max : min;
          expect(verdict.met).toBe(compare(comparison, worst, limit));
        },
      ),
    );
  });
});

describe("evaluateGate", () => {
  const done = checklistProgress([{ required: true, state: "done" }]);
  const base = {
    requiredApprovals: 1,
    approverRoles: ["approver" as const],
    liveApprovals: 1,
    requireSuccessCriteria: true,
    lists: [
      {
        title: "Go/no-go",
        progress: done,
        requiredSignoffRoles: ["approver" as const],
        validSignoffRoles: ["approver" as const],
        blockedItems: [],
      },
    ],
  };

  test("holds when everything is met", () => {
    expect(
      evaluateGate({ ...base, criteria: [{ description: "Error rate < 1% for 3 days", verdict: { met: true } }] }),
    ).toEqual({ holds: true, unmet: [], conditions: [], overridable: false });
  });

  test("unmet criteria alone can be overridden", () => {
    const v = evaluateGate({
      ...base,
      criteria: [
        { description: "Error rate < 1% for 3 days", verdict: { met: false, reason: "reached 1.4 in the window" } },
      ],
    });
    const text = "Success criterion not met: Error rate < 1% for 3 days (reached 1.4 in the window)";
    expect(v).toEqual({ holds: false, unmet: [text], conditions: [{ kind: "criterion", text }], overridable: true });
  });

  test("missing approvals cannot be overridden", () => {
    const v = evaluateGate({
      ...base,
      liveApprovals: 0,
      criteria: [{ description: "x", verdict: { met: false, reason: "y" } }],
    });
    expect(v.holds).toBe(false);
    expect(v.overridable).toBe(false);
    expect(v.unmet[0]).toMatch(/0 of 1 approvals given/);
  });

  test("each unmet condition carries its kind, in the order of the words", () => {
    const v = evaluateGate({
      ...base,
      liveApprovals: 0,
      lists: [{ ...base.lists[0]!, validSignoffRoles: [] }],
      // A criterion whose description reads like another kind is still a criterion.
      criteria: [{ description: "Go/no-go: sign-off missing", verdict: { met: false, reason: "y" } }],
    });
    expect(v.conditions.map((c) => c.kind)).toEqual(["approvals", "checklist", "criterion"]);
    expect(v.conditions.map((c) => c.text)).toEqual(v.unmet);
    expect(v.overridable).toBe(false);
  });

  test("a gate that does not require criteria ignores them", () => {
    expect(
      evaluateGate({
        ...base,
        requireSuccessCriteria: false,
        criteria: [{ description: "x", verdict: { met: false, reason: "y" } }],
      }).holds,
    ).toBe(true);
  });
});
