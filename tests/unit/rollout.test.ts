import { describe, expect, test } from "vitest";
import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { currentTraffic, focusPhaseIndex, isLive } from "@/lib/domain/rollout";

const phases = (...list: [PhaseStatus, number][]) =>
  list.map(([status, trafficPercent], i) => ({ name: `P${i}`, status, trafficPercent }));

describe("currentTraffic", () => {
  test.each([
    ["draft", phases(["pending", 1], ["pending", 100]), 0],
    ["scheduled", phases(["pending", 1]), 0],
    ["in_progress", phases(["passed", 1], ["active", 10], ["pending", 100]), 10],
    ["paused", phases(["passed", 1], ["active", 10]), 10],
    ["in_progress", phases(["passed", 1], ["passed", 10], ["pending", 100]), 10],
    ["completed", phases(["passed", 1], ["passed", 100]), 100],
    ["rolled_back", phases(["passed", 5], ["rolled_back", 25]), 0],
    ["cancelled", phases(["active", 5]), 0],
  ] as [PlanStatus, ReturnType<typeof phases>, number][])("%s %o → %i%%", (status, list, expected) => {
    expect(currentTraffic(status, list)).toBe(expected);
  });
});

describe("focusPhaseIndex", () => {
  test.each([
    ["in_progress", phases(["passed", 1], ["active", 10], ["pending", 100]), 1],
    ["rolled_back", phases(["passed", 5], ["rolled_back", 25], ["pending", 75]), 1],
    ["completed", phases(["passed", 5], ["passed", 100]), 1],
    ["scheduled", phases(["pending", 0], ["pending", 100]), 0],
    ["draft", [], -1],
  ] as [PlanStatus, ReturnType<typeof phases>, number][])("%s %o → %i", (status, list, expected) => {
    expect(focusPhaseIndex(status, list)).toBe(expected);
  });
});

describe("isLive", () => {
  test.each([
    ["in_progress", true],
    ["paused", true],
    ["completed", true],
    ["scheduled", true],
    ["rolled_back", false],
    ["cancelled", false],
  ] as [PlanStatus, boolean][])("%s → %s", (status, expected) => {
    expect(isLive(status)).toBe(expected);
  });
});
