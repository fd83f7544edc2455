import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type AutoAdvanceInput, autoAdvanceVerdict } from "@/lib/domain/auto-advance";

const MIN = 60_000;
const start = new Date("2026-11-20T10:00:00Z");
type Overrides = Partial<Omit<AutoAdvanceInput, "phase">> & { phase?: Partial<AutoAdvanceInput["phase"]> };
const input = (over: Overrides = {}): AutoAdvanceInput => ({
  planStatus: "in_progress",
  gate: { holds: true, unmet: [] },
  breachedTriggers: [],
  now: new Date(start.getTime() + 90 * MIN),
  ...over,
  phase: {
    name: "Pilot",
    status: "active",
    autoAdvance: true,
    minDurationMinutes: 60,
    actualStartAt: start,
    ...over.phase,
  },
});

describe("advancing by itself", () => {
  test("advances once the minimum has passed and the gate holds, saying why", () => {
    expect(autoAdvanceVerdict(input())).toEqual({
      advance: true,
      rationale:
        "Advanced by itself: Pilot held for 1.5 h (minimum 1 h), its gate held and every success criterion was met",
    });
    expect(autoAdvanceVerdict(input({ phase: { minDurationMinutes: 0 } }))).toEqual({
      advance: true,
      rationale: "Advanced by itself: Pilot ran for 1.5 h, its gate held and every success criterion was met",
    });
  });

  test("what it waits for, in the order a person would check", () => {
    expect(autoAdvanceVerdict(input({ phase: { autoAdvance: false } }))).toMatchObject({
      advance: false,
      waiting: "off",
    });
    expect(autoAdvanceVerdict(input({ planStatus: "paused" }))).toMatchObject({
      advance: false,
      waiting: "not_running",
      message: "paused: not until the plan is resumed",
    });
    expect(autoAdvanceVerdict(input({ phase: { status: "pending", actualStartAt: null } }))).toMatchObject({
      advance: false,
      waiting: "not_running",
    });
    expect(autoAdvanceVerdict(input({ now: new Date(start.getTime() + 20 * MIN) }))).toEqual({
      advance: false,
      waiting: "min_duration",
      at: new Date(start.getTime() + 60 * MIN),
      message: "after its minimum of 1 h, in 40 min, if the gate holds then",
    });
    expect(
      autoAdvanceVerdict(
        input({ breachedTriggers: ["Error rate above 5%"], gate: { holds: false, unmet: ["0 of 1 approvals given"] } }),
      ),
    ).toMatchObject({ waiting: "trigger", message: "held back: rollback trigger breached (Error rate above 5%)" });
    expect(
      autoAdvanceVerdict(
        input({
          gate: { holds: false, unmet: ["0 of 1 approvals given", "Pilot go/no-go: 2 required items not done"] },
        }),
      ),
    ).toMatchObject({
      waiting: "gate",
      message:
        "as soon as the gate holds; still open: 0 of 1 approvals given; Pilot go/no-go: 2 required items not done",
    });
    expect(autoAdvanceVerdict(input({ gate: null }))).toMatchObject({
      waiting: "gate",
      message: "as soon as the gate holds",
    });
  });

  test("property: it advances exactly when it is switched on, running, past its minimum, unbreached and its gate holds", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom("in_progress", "paused", "scheduled", "completed", "rolled_back") as fc.Arbitrary<
          AutoAdvanceInput["planStatus"]
        >,
        fc.constantFrom("active", "pending", "passed") as fc.Arbitrary<AutoAdvanceInput["phase"]["status"]>,
        fc.integer({ min: 0, max: 24 * 60 }),
        fc.integer({ min: -60, max: 48 * 60 }),
        fc.boolean(),
        fc.boolean(),
        (on, planStatus, status, minimum, ran, breached, holds) => {
          const verdict = autoAdvanceVerdict({
            planStatus,
            phase: { name: "P", status, autoAdvance: on, minDurationMinutes: minimum, actualStartAt: start },
            gate: { holds, unmet: holds ? [] : ["something"] },
            breachedTriggers: breached ? ["t"] : [],
            now: new Date(start.getTime() + ran * MIN),
          });
          const expected =
            on &&
            planStatus === "in_progress" &&
            status === "active" &&
            Math.max(0, ran) >= minimum &&
            !breached &&
            holds;
          expect(verdict.advance).toBe(expected);
          if (!verdict.advance && verdict.waiting === "min_duration")
            expect(verdict.at!.getTime()).toBe(start.getTime() + minimum * MIN);
        },
      ),
    );
  });
});
