import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { describeStepTiming, stepSpan, stepTiming, type StepTimes } from "@/lib/domain/step-timing";

const MIN = 60_000;
const t0 = new Date("2026-11-20T10:00:00Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * MIN);
const step = (over: Partial<StepTimes>): StepTimes => ({
  status: "pending",
  startedAt: null,
  validatedAt: null,
  completedAt: null,
  expectedDurationMinutes: 10,
  ...over,
});

describe("migration step timing", () => {
  test("a step that has not started, or was undone, has no timing", () => {
    expect(stepTiming(step({}), at(5))).toBeNull();
    expect(stepTiming(step({ status: "reverted", startedAt: null }), at(5))).toBeNull();
    expect(stepTiming(step({ status: "running", startedAt: null }), at(5))).toBeNull();
    expect(describeStepTiming(null)).toBeNull();
  });

  test("running within, then beyond, the expected duration", () => {
    const within = stepTiming(step({ status: "running", startedAt: at(0) }), at(6));
    expect(within).toMatchObject({ kind: "running", elapsedMs: 6 * MIN, overrunMs: 0 });
    expect(describeStepTiming(within)).toBe("running for 6 min (about 10 min expected)");
    const beyond = stepTiming(step({ status: "validated", startedAt: at(0), validatedAt: at(9) }), at(14));
    expect(beyond).toMatchObject({ kind: "running", elapsedMs: 14 * MIN, overrunMs: 4 * MIN });
    expect(describeStepTiming(beyond)).toBe("running for 14 min, 4 min over the 10 min expected");
    expect(stepSpan(beyond, at(14))).toEqual({ from: at(0), to: at(14) });
  });

  test("finished: how long it took, against what was expected", () => {
    const fine = stepTiming(step({ status: "done", startedAt: at(0), completedAt: at(8) }), at(60));
    expect(describeStepTiming(fine)).toBe("took 8 min (about 10 min expected)");
    expect(stepSpan(fine, at(60))).toEqual({ from: at(0), to: at(8) });
    const long = stepTiming(
      step({ status: "done", startedAt: at(0), completedAt: at(275), expectedDurationMinutes: 240 }),
      at(300),
    );
    expect(describeStepTiming(long)).toBe("took 4.6 h, 35 min over the 4 h expected");
    // Nothing expected: only the time it took.
    expect(
      describeStepTiming(
        stepTiming(step({ status: "done", startedAt: at(0), completedAt: at(3), expectedDurationMinutes: 0 }), at(9)),
      ),
    ).toBe("took 3 min");
  });

  test("a failed run keeps its start but draws no span", () => {
    const failed = stepTiming(step({ status: "failed", startedAt: at(0) }), at(5));
    expect(failed).toEqual({ kind: "failed", startedAt: at(0) });
    expect(stepSpan(failed, at(5))).toBeNull();
    expect(describeStepTiming(failed)).toBeNull();
  });

  test("property: over the expected duration exactly when the time spent exceeds it; a clock before the start counts as no time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: -30, max: 900 }),
        fc.boolean(),
        (expected, spent, done) => {
          const s = done
            ? step({
                status: "done",
                startedAt: at(0),
                completedAt: at(Math.max(0, spent)),
                expectedDurationMinutes: expected,
              })
            : step({ status: "running", startedAt: at(0), expectedDurationMinutes: expected });
          const timing = stepTiming(s, at(spent))!;
          const ms = timing.kind === "running" ? timing.elapsedMs : timing.kind === "finished" ? timing.tookMs : NaN;
          expect(ms).toBe(Math.max(0, spent) * MIN);
          if (timing.kind === "failed") throw new Error("unexpected");
          expect(timing.overrunMs > 0).toBe(expected > 0 && Math.max(0, spent) > expected);
          expect(timing.overrunMs).toBe(expected > 0 ? Math.max(0, Math.max(0, spent) - expected) * MIN : 0);
          const span = stepSpan(timing, at(spent))!;
          expect(span.to.getTime() - span.from.getTime()).toBe(ms);
        },
      ),
    );
  });
});
