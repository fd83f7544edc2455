import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { MigrationKind } from "@/db/schema/enums";
import {
  availableTransitions,
  canStartStep,
  checkMigrationOrder,
  checkStepTransition,
  inRunOrder,
  insertionIndex,
  kindRank,
  MIGRATION_KINDS,
  type MigrationStepStatus,
  type RunnableStep,
  type StepTransition,
} from "@/lib/domain/migration-order";

const step = (
  n: number,
  kind: MigrationKind,
  action = `${kind} ${n}`,
  rest: Partial<RunnableStep> = {},
): RunnableStep => ({
  id: `s${n}`,
  position: n,
  kind,
  action,
  reversible: true,
  status: "pending",
  validatedAt: null,
  ...rest,
});

const template = [
  step(0, "schema", "Add new columns and tables with defaults"),
  step(1, "code", "Deploy code that reads and writes both old and new schema"),
  step(2, "backfill", "Backfill data into the new schema"),
  step(3, "cleanup", "Remove the old fields", { reversible: false }),
];

describe("checkMigrationOrder", () => {
  test("the template's order holds", () => {
    expect(checkMigrationOrder(template)).toEqual({ ok: true });
    expect(checkMigrationOrder([])).toEqual({ ok: true });
  });

  test("a cleanup before the backfill is named with both steps and the rule", () => {
    const swapped = [template[0]!, template[1]!, { ...template[3]!, position: 2 }, { ...template[2]!, position: 3 }];
    expect(checkMigrationOrder(swapped)).toEqual({
      ok: false,
      stepId: "s3",
      number: 3,
      before: { stepId: "s2", number: 4 },
      message:
        "Step 3 'Remove the old fields' (cleanup) comes before step 4 'Backfill data into the new schema' (backfill): the order is schema → code → backfill → cleanup",
    });
  });

  test.each([
    [["code", "schema"], 1],
    [["schema", "backfill", "code"], 2],
    [["cleanup", "schema"], 1],
    [["schema", "schema", "code", "code", "backfill", "schema"], 5],
  ] as [MigrationKind[], number][])("%o is out of order at step %i", (kinds, number) => {
    const result = checkMigrationOrder(kinds.map((k, i) => step(i, k)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.number).toBe(number);
  });

  test("long actions are shortened in the message", () => {
    const result = checkMigrationOrder([step(0, "code", "x".repeat(100)), step(1, "schema")]);
    expect(result.ok ? "" : result.message).toMatch(
      /^Step 1 'x{59}…' \(code\) comes before step 2 'schema 1' \(schema\)/,
    );
  });

  const kinds = fc.constantFrom(...MIGRATION_KINDS);
  /** Steps with distinct positions, given in a shuffled list order. */
  const stepsOf = (list: MigrationKind[], positions: number[]) => list.map((k, i) => step(positions[i]!, k));
  const positionsFor = (n: number) =>
    fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n });

  test("property: any arrangement whose positions follow the kind order passes, whatever the list order", () => {
    fc.assert(
      fc.property(
        fc.array(kinds, { maxLength: 12 }).chain((list) => fc.tuple(fc.constant(list), positionsFor(list.length))),
        ([list, positions]) => {
          // Listed backwards: the rule reads positions, not the order rows arrive in.
          const sortedKinds = [...list].sort((a, b) => kindRank(a) - kindRank(b));
          const sortedPositions = [...positions].sort((a, b) => a - b);
          const steps = stepsOf(sortedKinds, sortedPositions).reverse();
          expect(checkMigrationOrder(steps)).toEqual({ ok: true });
        },
      ),
    );
  });

  test("property: an arrangement with a later kind before an earlier one fails, naming a step that is out of order", () => {
    fc.assert(
      fc.property(
        fc
          .array(kinds, { minLength: 2, maxLength: 12 })
          .chain((list) => fc.tuple(fc.constant(list), positionsFor(list.length))),
        ([list, positions]) => {
          const steps = stepsOf(list, positions);
          const ordered = inRunOrder(steps);
          const violated = ordered.some((a, i) =>
            ordered.slice(i + 1).some((b) => kindRank(b.kind) < kindRank(a.kind)),
          );
          const result = checkMigrationOrder(steps);
          expect(result.ok).toBe(!violated);
          if (!result.ok) {
            const offending = ordered[result.number - 1]!;
            const follower = ordered[result.before.number - 1]!;
            expect(offending.id).toBe(result.stepId);
            expect(follower.id).toBe(result.before.stepId);
            expect(kindRank(offending.kind)).toBeGreaterThan(kindRank(follower.kind));
            expect(result.message).toContain(
              `Step ${result.number} '${offending.action}' (${offending.kind}) comes before step ${result.before.number}`,
            );
          }
        },
      ),
    );
  });

  test("property: inserting at insertionIndex keeps a valid order valid", () => {
    fc.assert(
      fc.property(fc.array(kinds, { maxLength: 10 }), kinds, (list, kind) => {
        const ordered = [...list].sort((a, b) => kindRank(a) - kindRank(b)).map((k, i) => step(i, k));
        const at = insertionIndex(ordered, kind);
        const inserted = [...ordered.slice(0, at), step(99, kind), ...ordered.slice(at)].map((s, i) => ({
          ...s,
          position: i,
        }));
        expect(checkMigrationOrder(inserted)).toEqual({ ok: true });
      }),
    );
  });
});

const at = new Date("2026-03-01T10:00:00Z");
const withStatus = (statuses: [MigrationStepStatus, boolean][]) =>
  template.map((s, i) => ({ ...s, status: statuses[i]![0], validatedAt: statuses[i]![1] ? at : null }));

describe("checkStepTransition", () => {
  test("steps run in order: a later step waits for every earlier one to be done", () => {
    const steps = withStatus([
      ["done", true],
      ["running", false],
      ["pending", false],
      ["pending", false],
    ]);
    expect(canStartStep(steps, "s2")).toEqual({
      ok: false,
      message:
        "Step 3 'Backfill data into the new schema' (backfill) cannot start yet: step 2 'Deploy code that reads and writes both old and new schema' (code) is running, and steps run in order",
    });
    expect(
      canStartStep(
        withStatus([
          ["done", true],
          ["done", false],
          ["pending", false],
          ["pending", false],
        ]),
        "s2",
      ),
    ).toEqual({ ok: true, status: "running" });
  });

  test("an irreversible step starts only after the step before it is validated", () => {
    const unvalidated = withStatus([
      ["done", true],
      ["done", true],
      ["done", false],
      ["pending", false],
    ]);
    expect(canStartStep(unvalidated, "s3")).toEqual({
      ok: false,
      message:
        "Step 4 'Remove the old fields' (cleanup) is irreversible: it can start only after step 3 'Backfill data into the new schema' (backfill) is validated",
    });
    const validated = withStatus([
      ["done", true],
      ["done", true],
      ["done", true],
      ["pending", false],
    ]);
    expect(canStartStep(validated, "s3")).toEqual({ ok: true, status: "running" });
  });

  test("validating a step that is already done records the validation and keeps it done", () => {
    const steps = withStatus([
      ["done", true],
      ["done", true],
      ["done", false],
      ["pending", false],
    ]);
    expect(checkStepTransition(steps, "s2", "validate")).toEqual({ ok: true, status: "done" });
    expect(
      checkStepTransition(
        withStatus([
          ["done", true],
          ["done", true],
          ["done", true],
          ["pending", false],
        ]),
        "s2",
        "validate",
      ),
    ).toEqual({ ok: false, message: "Step 3 'Backfill data into the new schema' (backfill) is already validated" });
  });

  test("an out-of-order plan cannot start any step", () => {
    const steps = [step(0, "code"), step(1, "schema")];
    expect(canStartStep(steps, "s0")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Fix the order first: Step 1 'code 0' \(code\) comes before step 2/),
    });
  });

  test.each([
    ["pending", "validate", false],
    ["pending", "complete", false],
    ["pending", "fail", false],
    ["pending", "revert", false],
    ["running", "validate", true],
    ["running", "complete", true],
    ["running", "fail", true],
    ["running", "start", false],
    ["validated", "complete", true],
    ["validated", "fail", true],
    ["done", "start", false],
    ["done", "fail", false],
    ["done", "revert", true],
    ["failed", "start", true],
    ["failed", "revert", true],
    ["reverted", "start", true],
    ["reverted", "revert", false],
  ] as [MigrationStepStatus, StepTransition, boolean][])(
    "a %s first step: %s allowed = %s",
    (status, transition, allowed) => {
      const steps = [
        step(0, "schema", "Add columns", { status, validatedAt: status === "validated" ? at : null }),
        step(1, "code"),
      ];
      expect(checkStepTransition(steps, "s0", transition).ok).toBe(allowed);
    },
  );

  test("irreversible steps cannot be reverted; reversible ones only while nothing after them has started", () => {
    const steps = withStatus([
      ["done", true],
      ["done", true],
      ["done", true],
      ["running", false],
    ]);
    expect(checkStepTransition(steps, "s3", "revert")).toEqual({
      ok: false,
      message: "Step 4 'Remove the old fields' (cleanup) is irreversible: it cannot be reverted",
    });
    expect(checkStepTransition(steps, "s2", "revert")).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        "while step 4 'Remove the old fields' (cleanup) has started: revert that one first",
      ),
    });
    expect(
      checkStepTransition(
        withStatus([
          ["done", true],
          ["done", true],
          ["failed", false],
          ["pending", false],
        ]),
        "s2",
        "revert",
      ),
    ).toEqual({ ok: true, status: "reverted" });
  });

  test("property: an irreversible step never starts or completes unless the step before it is validated", () => {
    const status = fc.constantFrom<MigrationStepStatus>(
      "pending",
      "running",
      "validated",
      "done",
      "failed",
      "reverted",
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ status, validated: fc.boolean(), reversible: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        fc.constantFrom<StepTransition>("start", "complete"),
        (list, pick, transition) => {
          const steps = list.map((s, i) =>
            step(i, "schema", `step ${i}`, {
              status: s.status,
              reversible: s.reversible,
              validatedAt: s.validated || s.status === "validated" ? at : null,
            }),
          );
          const index = pick % steps.length;
          const result = checkStepTransition(steps, steps[index]!.id, transition);
          const previous = steps[index - 1];
          if (result.ok && !steps[index]!.reversible && previous) expect(previous.validatedAt).not.toBeNull();
          if (result.ok && transition === "start")
            expect(steps.slice(0, index).every((s) => s.status === "done")).toBe(true);
        },
      ),
    );
  });

  test("the controls offered are exactly the allowed transitions", () => {
    const steps = withStatus([
      ["done", true],
      ["running", false],
      ["pending", false],
      ["pending", false],
    ]);
    expect(availableTransitions(steps, "s1")).toEqual(["validate", "complete", "fail", "revert"]);
    expect(availableTransitions(steps, "s2")).toEqual([]);
    expect(checkStepTransition(steps, "nope", "start")).toEqual({
      ok: false,
      message: "No such step in this migration plan",
    });
  });
});
