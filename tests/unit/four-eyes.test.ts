import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { countFourEyes, type FourEyesInput } from "@/lib/domain/four-eyes";
import { gateConditions } from "@/lib/domain/gate-summary";
import { autoAdvanceVerdict } from "@/lib/domain/auto-advance";

const rina = { id: "rina", name: "Rina" };
const omar = { id: "omar", name: "Omar" };
const on = (min: number) => ({ fourEyes: true, minDistinctApprovers: min });
const input = (over: Partial<FourEyesInput>): FourEyesInput => ({
  policy: on(2),
  requiredApprovals: 1,
  approvals: [],
  owner: rina,
  decider: null,
  ...over,
});

describe("countFourEyes", () => {
  test("off: no rule", () => {
    expect(countFourEyes(input({ policy: { fourEyes: false, minDistinctApprovers: 3 } }))).toBeNull();
  });

  test.each([
    ["the owner's approval does not count", [rina.id, "a"], null, 1, false],
    ["the decider's approval does not count", ["a", omar.id], omar, 1, false],
    ["two others count", ["a", "b"], omar, 2, true],
    ["the same person twice counts once", ["a", "a"], null, 1, false],
  ] as const)("%s", (_name, ids, decider, counted, holds) => {
    const result = countFourEyes(input({ approvals: ids.map((userId) => ({ userId })), decider }))!;
    expect(result).toMatchObject({ counted, needed: 2, holds });
  });

  test("explains itself in words", () => {
    expect(countFourEyes(input({ approvals: [{ userId: "a" }] }))!.text).toBe(
      "Four-eyes: approvals by the plan owner (Rina) and by whoever records the go do not count: 1 of 2 distinct approvers",
    );
    expect(countFourEyes(input({ decider: omar, policy: on(1) }))!.text).toContain(
      "whoever records the go (Omar) do not count: 0 of 1 distinct approver",
    );
  });

  test("a gate asking for more approvals than the rule keeps its own number", () => {
    expect(countFourEyes(input({ requiredApprovals: 3 }))!.needed).toBe(3);
  });

  test("in the gate, the four-eyes condition replaces the plain approval count and cannot be overridden", () => {
    const conditions = gateConditions({
      requiredApprovals: 1,
      approverRoles: ["approver"],
      liveApprovals: 1,
      lists: [],
      fourEyes: { policy: on(2), approvals: [{ userId: rina.id }], owner: rina, decider: null },
    });
    expect(conditions).toEqual([{ kind: "four_eyes", text: expect.stringContaining("0 of 2") }]);
  });

  const ids = fc.constantFrom("rina", "omar", "a", "b", "c", "d", "e");
  const arbitrary = fc.record({
    min: fc.integer({ min: 1, max: 5 }),
    required: fc.integer({ min: 0, max: 6 }),
    approvals: fc.array(ids, { maxLength: 10 }),
    decider: fc.option(fc.constantFrom(rina, omar, { id: "a", name: "A" }), { nil: null }),
  });

  test("property: neither the owner nor the decider is ever counted, and each person counts once", () => {
    fc.assert(
      fc.property(arbitrary, ({ min, required, approvals, decider }) => {
        const result = countFourEyes(
          input({
            policy: on(min),
            requiredApprovals: required,
            approvals: approvals.map((userId) => ({ userId })),
            decider,
          }),
        )!;
        const others = new Set(approvals.filter((id) => id !== rina.id && id !== decider?.id));
        expect(result.counted).toBe(others.size);
        expect(result.needed).toBe(Math.max(min, required));
        expect(result.holds).toBe(others.size >= Math.max(min, required));
      }),
    );
  });

  test("property: adding an approval never makes a holding gate fail, and the owner's never helps", () => {
    fc.assert(
      fc.property(arbitrary, ids, ({ min, required, approvals, decider }, extra) => {
        const base = input({
          policy: on(min),
          requiredApprovals: required,
          approvals: approvals.map((userId) => ({ userId })),
          decider,
        });
        const before = countFourEyes(base)!;
        const after = countFourEyes({ ...base, approvals: [...base.approvals, { userId: extra }] })!;
        if (before.holds) expect(after.holds).toBe(true);
        if (extra === rina.id) expect(after.counted).toBe(before.counted);
      }),
    );
  });
});

describe("automatic advance during a freeze", () => {
  test("waits for the freeze, saying which and until when", () => {
    const until = new Date("2026-12-07T08:00:00Z");
    const verdict = autoAdvanceVerdict({
      planStatus: "in_progress",
      phase: { name: "Canary", status: "active", autoAdvance: true, minDurationMinutes: 0, actualStartAt: new Date(0) },
      gate: { holds: true, unmet: [] },
      breachedTriggers: [],
      freeze: { sentence: "Change freeze “Weekend” is on until Mon 7 Dec, 08:00 (UTC)", until },
      now: new Date("2026-12-05T12:00:00Z"),
    });
    expect(verdict).toEqual({
      advance: false,
      waiting: "freeze",
      at: until,
      message: "once the change freeze is over: Change freeze “Weekend” is on until Mon 7 Dec, 08:00 (UTC)",
    });
  });
});
