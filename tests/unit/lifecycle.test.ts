import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import {
  applyCommand,
  invariantViolations,
  type MachineState,
  type PlanCommandType,
  TERMINAL,
  trafficOf,
} from "@/lib/domain/lifecycle";

const COMMANDS: PlanCommandType[] = [
  "schedule",
  "unschedule",
  "start",
  "pause",
  "resume",
  "go",
  "no_go",
  "rollback",
  "cancel",
];
const fresh = (...traffic: number[]): MachineState => ({
  status: "draft",
  phases: traffic.map((t) => ({ status: "pending" as PhaseStatus, trafficPercent: t })),
});

// Which commands each plan status accepts (with phases present and an active one while running).
const table: Record<PlanStatus, PlanCommandType[]> = {
  draft: ["schedule", "start", "cancel"],
  scheduled: ["unschedule", "start", "cancel"],
  in_progress: ["pause", "go", "no_go", "rollback", "cancel"],
  paused: ["resume", "no_go", "rollback", "cancel"],
  completed: [],
  rolled_back: [],
  cancelled: [],
};

function stateIn(status: PlanStatus): MachineState {
  const running = status === "in_progress" || status === "paused";
  const phases = [1, 10, 100].map((t, i) => ({
    trafficPercent: t,
    status: (running && i === 1
      ? "active"
      : running && i === 0
        ? "passed"
        : status === "completed"
          ? "passed"
          : "pending") as PhaseStatus,
  }));
  return { status, phases };
}

describe("plan state machine", () => {
  const cases = (Object.keys(table) as PlanStatus[]).flatMap((status) =>
    COMMANDS.map((cmd) => [status, cmd, table[status].includes(cmd)] as const),
  );
  test.each(cases)("%s + %s → allowed %s", (status, cmd, allowed) => {
    expect(applyCommand(stateIn(status), { type: cmd }).ok).toBe(allowed);
  });

  test("a refusal says what was tried and why", () => {
    expect(applyCommand(stateIn("completed"), { type: "go" })).toEqual({
      ok: false,
      error: "Cannot record a go decision on a plan that is completed",
    });
    expect(applyCommand(fresh(), { type: "start" })).toEqual({
      ok: false,
      error: "Add at least one phase before starting the plan",
    });
  });

  test("go walks the phases in order and completes after the last", () => {
    let s = fresh(1, 10, 100);
    for (const cmd of ["start", "go", "go"] as const)
      s = (applyCommand(s, { type: cmd }) as { state: MachineState }).state;
    expect(s.phases.map((p) => p.status)).toEqual(["passed", "passed", "active"]);
    expect(trafficOf(s)).toBe(100);
    const last = applyCommand(s, { type: "go" });
    expect(last).toMatchObject({ ok: true, completed: true, state: { status: "completed" } });
  });

  test("go refuses to lower traffic", () => {
    const s = (applyCommand(fresh(50, 10), { type: "start" }) as { state: MachineState }).state;
    expect(applyCommand(s, { type: "go" })).toMatchObject({ ok: false, error: expect.stringMatching(/less traffic/) });
  });

  test("property: no sequence of commands reaches an illegal state; terminal states absorb", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 100 }), { minLength: 0, maxLength: 6 })
          .map((ts) => [...ts].sort((a, b) => a - b)),
        fc.array(fc.constantFrom(...COMMANDS), { maxLength: 40 }),
        (traffic, commands) => {
          let state = fresh(...traffic);
          let lastTraffic = 0;
          for (const type of commands) {
            const result = applyCommand(state, { type });
            if (TERMINAL.includes(state.status)) expect(result.ok).toBe(false);
            if (!result.ok) continue;
            expect(invariantViolations(result.state)).toEqual([]);
            // Traffic never decreases through go decisions.
            if (type === "go") expect(trafficOf(result.state)).toBeGreaterThanOrEqual(lastTraffic);
            // Exactly one active phase while in progress.
            if (result.state.status === "in_progress")
              expect(result.state.phases.filter((p) => p.status === "active")).toHaveLength(1);
            state = result.state;
            lastTraffic = trafficOf(state);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
