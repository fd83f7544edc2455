import { describe, expect, test } from "vitest";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { describeCondition, formatMinutes, gateBlockers } from "@/lib/domain/gate-summary";

describe("gateBlockers", () => {
  test("lists every unmet condition in words", () => {
    const items = [
      { required: true, state: "done" as const },
      { required: true, state: "open" as const },
      { required: true, state: "blocked" as const },
    ];
    expect(
      gateBlockers({
        requiredApprovals: 2,
        approverRoles: ["approver", "release_manager"],
        liveApprovals: 1,
        lists: [
          {
            title: "Pilot go/no-go",
            progress: checklistProgress(items),
            requiredSignoffRoles: ["approver"],
            validSignoffRoles: [],
            blockedItems: [{ text: "Performance within SLA", reason: "p95 above 600 ms" }],
          },
        ],
      }),
    ).toEqual([
      "1 of 2 approvals given: 1 more needed from approver or release manager",
      "Pilot go/no-go: 2 required items not done",
      "Blocked: Performance within SLA (p95 above 600 ms)",
      "Pilot go/no-go: sign-off missing from approver",
    ]);
  });

  test("a satisfied gate has no blockers", () => {
    expect(
      gateBlockers({
        requiredApprovals: 1,
        approverRoles: ["approver"],
        liveApprovals: 1,
        lists: [
          {
            title: "L",
            progress: checklistProgress([{ required: true, state: "done" }]),
            requiredSignoffRoles: ["approver"],
            validSignoffRoles: ["approver"],
            blockedItems: [],
          },
        ],
      }),
    ).toEqual([]);
  });
});

describe("describeCondition", () => {
  test.each([
    ["Error rate", "lt", 1, "%", 4320, "Error rate < 1% for 3 days"],
    ["Response time p95", "gt", 600, "ms", 60, "Response time p95 > 600 ms for 1 h"],
    ["Availability", "gte", 99.9, "%", 0, "Availability ≥ 99.9%"],
    ["Queue depth", "lte", 100, "", 5, "Queue depth ≤ 100 for 5 min"],
  ] as const)("%s %s %s%s for %i min", (label, cmp, value, unit, minutes, expected) => {
    expect(describeCondition(label, cmp, value, unit, minutes)).toBe(expected);
  });

  test.each([
    [1440, "1 day"],
    [2880, "2 days"],
    [90, "90 min"],
    [120, "2 h"],
  ])("formatMinutes(%i) = %s", (m, expected) => {
    expect(formatMinutes(m)).toBe(expected);
  });
});
