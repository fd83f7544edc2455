import { describe, expect, test } from "vitest";
import { type MilestoneInput, nextMilestone } from "@/lib/domain/milestones";

const now = new Date("2026-11-22T12:00:00Z");
const h = (hours: number) => new Date(now.getTime() + hours * 3600_000);

const base: MilestoneInput = {
  planStatus: "in_progress",
  targetStartAt: null,
  health: "green",
  gateOutstanding: 0,
  now,
  phases: [
    { name: "Internal", status: "passed", trafficPercent: 1, plannedStartAt: h(-72), plannedEndAt: h(-24) },
    { name: "Pilot", status: "active", trafficPercent: 10, plannedStartAt: h(-24), plannedEndAt: h(96) },
    { name: "GA", status: "pending", trafficPercent: 100, plannedStartAt: h(96), plannedEndAt: h(200) },
  ],
};

describe("nextMilestone", () => {
  test("an active phase leads to its go/no-go", () => {
    expect(nextMilestone(base)).toEqual({
      label: "Go/no-go: Pilot → GA (100%)",
      dueAt: h(96),
      status: "on_track",
      reason: "On schedule",
    });
  });

  test.each([
    [
      "late once the due time passed",
      { phases: base.phases.map((p) => (p.name === "Pilot" ? { ...p, plannedEndAt: h(-1) } : p)) },
      "late",
    ],
    ["at risk when paused", { planStatus: "paused" as const }, "at_risk"],
    ["at risk when a KPI is amber", { health: "amber" as const }, "at_risk"],
    ["at risk when a KPI is red", { health: "red" as const }, "at_risk"],
    [
      "at risk when due within 24 h with items open",
      { gateOutstanding: 2, phases: base.phases.map((p) => (p.name === "Pilot" ? { ...p, plannedEndAt: h(10) } : p)) },
      "at_risk",
    ],
    ["on track when due later with items open", { gateOutstanding: 2 }, "on_track"],
  ])("%s", (_name, change, expected) => {
    expect(nextMilestone({ ...base, ...change })?.status).toBe(expected);
  });

  test("late wins over every other reason", () => {
    const late = {
      ...base,
      health: "red" as const,
      phases: base.phases.map((p) => (p.name === "Pilot" ? { ...p, plannedEndAt: h(-1) } : p)),
    };
    expect(nextMilestone(late)?.status).toBe("late");
  });

  test("a scheduled plan's milestone is its start", () => {
    const m = nextMilestone({
      ...base,
      planStatus: "scheduled",
      targetStartAt: h(48),
      phases: base.phases.map((p) => ({ ...p, status: "pending" as const })),
    });
    expect(m).toMatchObject({ label: "Start Internal", dueAt: h(48), status: "on_track" });
  });

  test("the last phase leads to completing the rollout", () => {
    const m = nextMilestone({
      ...base,
      phases: base.phases.map((p) => ({ ...p, status: p.name === "GA" ? ("active" as const) : ("passed" as const) })),
    });
    expect(m?.label).toBe("Complete rollout after GA");
  });

  test.each(["completed", "rolled_back", "cancelled"] as const)("a %s plan has none", (planStatus) => {
    expect(nextMilestone({ ...base, planStatus })).toBeNull();
  });
});
