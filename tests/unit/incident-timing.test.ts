import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { formatSpan, type IncidentInstants, incidentTiming, type RollbackTargets } from "@/lib/domain/incident-timing";

const detected = new Date("2026-11-22T10:00:00Z");
const at = (seconds: number) => new Date(detected.getTime() + seconds * 1000);
const defaults: RollbackTargets = {
  decideTargetSec: 300,
  executeTargetSec: 120,
  verifyTargetSec: 180,
  totalTargetSec: 600,
};
const instants = (decided: number | null, executed: number | null, verified: number | null): IncidentInstants => ({
  detectedAt: detected,
  decidedAt: decided === null ? null : at(decided),
  executedAt: executed === null ? null : at(executed),
  verifiedAt: verified === null ? null : at(verified),
});

describe("formatSpan", () => {
  test.each([
    [0, "0 s"],
    [400, "0 s"],
    [40_000, "40 s"],
    [59_499, "59 s"],
    [60_000, "1 min"],
    [190_000, "3 min 10 s"],
    [3_600_000, "1 h"],
    [3_900_000, "1 h 5 min"],
    [86_400_000 + 4 * 3_600_000, "1 d 4 h"],
    [-5_000, "0 s"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});

describe("incident timing against the plan's targets", () => {
  test.each([
    // decided, executed, verified (seconds after detection), now → states of decide, execute, verify, total
    ["all within target", 190, 230, 350, 1000, ["met", "met", "met", "met"]],
    ["exactly at each target is within it", 300, 420, 600, 1000, ["met", "met", "met", "met"]],
    ["slow decision misses decide and total", 420, 480, 620, 1000, ["missed", "met", "met", "missed"]],
    ["verification still running", 60, 90, null, 200, ["met", "met", "in_progress", "in_progress"]],
    ["not yet executed", 60, null, null, 100, ["met", "in_progress", "not_started", "in_progress"]],
    ["not yet decided", null, null, null, 30, ["in_progress", "not_started", "not_started", "in_progress"]],
  ] as const)("%s", (_name, decided, executed, verified, now, states) => {
    const timing = incidentTiming(instants(decided, executed, verified), defaults, at(now));
    expect(timing.stages.map((s) => s.state)).toEqual(states);
  });

  test("durations of finished stages, elapsed time of the running one", () => {
    const timing = incidentTiming(instants(190, 230, null), defaults, at(300));
    expect(timing.stages.map((s) => s.durationMs)).toEqual([190_000, 40_000, 70_000, 300_000]);
    expect(timing.stages.map((s) => s.targetMs)).toEqual([300_000, 120_000, 180_000, 600_000]);
  });

  test("the sentence says each stage in words", () => {
    expect(incidentTiming(instants(190, 230, 350), defaults, at(1000)).sentence).toBe(
      "Decided in 3 min 10 s (target 5 min) · Executed in 40 s (target 2 min) · Verified in 2 min (target 3 min) · Total 5 min 50 s (target 10 min)",
    );
    expect(incidentTiming(instants(420, 480, null), defaults, at(800)).sentence).toBe(
      "Decided in 7 min (target 5 min, over by 2 min) · Executed in 1 min (target 2 min) · Verifying for 5 min 20 s so far (target 3 min, over by 2 min 20 s) · Total so far 13 min 20 s (target 10 min, over by 3 min 20 s)",
    );
    expect(incidentTiming(instants(60, null, null), defaults, at(90)).sentence).toBe(
      "Decided in 1 min (target 5 min) · Executing for 30 s so far (target 2 min) · Not verified yet (target 3 min) · Total so far 1 min 30 s (target 10 min)",
    );
  });

  test("late lists stages over target, finished or still running", () => {
    expect(incidentTiming(instants(420, 480, null), defaults, at(800)).late).toEqual(["decide", "verify", "total"]);
    expect(incidentTiming(instants(60, 90, null), defaults, at(200)).late).toEqual([]);
    const running = incidentTiming(instants(60, 90, null), defaults, at(200)).stages[2]!;
    expect(running).toMatchObject({ state: "in_progress", overdue: false });
  });

  test("the plan's own targets are used, not the defaults", () => {
    const strict = { decideTargetSec: 60, executeTargetSec: 30, verifyTargetSec: 60, totalTargetSec: 120 };
    expect(incidentTiming(instants(90, 100, 130), strict, at(200)).stages.map((s) => s.state)).toEqual([
      "missed",
      "met",
      "met",
      "missed",
    ]);
  });

  test("a clock behind the detection time never yields a negative duration", () => {
    const timing = incidentTiming(instants(null, null, null), defaults, at(-30));
    expect(timing.stages[0]).toMatchObject({ durationMs: 0, state: "in_progress" });
  });
});

// Ordered instants (the database keeps them so): detection ≤ decision ≤ execution ≤ verification.
const ordered = fc
  .tuple(
    fc.nat({ max: 4000 }),
    fc.nat({ max: 4000 }),
    fc.nat({ max: 4000 }),
    fc.integer({ min: 0, max: 3 }),
    fc.nat({ max: 4000 }),
  )
  .map(([a, b, c, reached, extra]) => {
    const decided = reached >= 1 ? a : null;
    const executed = reached >= 2 ? a + b : null;
    const verified = reached >= 3 ? a + b + c : null;
    return { instants: instants(decided, executed, verified), now: (verified ?? executed ?? decided ?? 0) + extra };
  });
const targets = fc.record({
  decideTargetSec: fc.integer({ min: 1, max: 3000 }),
  executeTargetSec: fc.integer({ min: 1, max: 3000 }),
  verifyTargetSec: fc.integer({ min: 1, max: 3000 }),
  totalTargetSec: fc.integer({ min: 1, max: 6000 }),
});

describe("properties", () => {
  test("once verified, the stages add up to the total and every stage is met or missed", () => {
    fc.assert(
      fc.property(ordered, targets, ({ instants: i, now }, t) => {
        const [decide, execute, verify, total] = incidentTiming(i, t, at(now)).stages;
        if (!i.verifiedAt) return;
        expect(decide!.durationMs! + execute!.durationMs! + verify!.durationMs!).toBe(total!.durationMs);
        for (const s of [decide, execute, verify, total]) expect(["met", "missed"]).toContain(s!.state);
      }),
    );
  });

  test("at most one of decide, execute, verify is in progress, and stages run in order", () => {
    fc.assert(
      fc.property(ordered, targets, ({ instants: i, now }, t) => {
        const states = incidentTiming(i, t, at(now))
          .stages.slice(0, 3)
          .map((s) => s.state);
        expect(states.filter((s) => s === "in_progress").length).toBeLessThanOrEqual(1);
        const rank = { met: 0, missed: 0, in_progress: 1, not_started: 2 } as const;
        for (let k = 1; k < states.length; k++) expect(rank[states[k]!]).toBeGreaterThanOrEqual(rank[states[k - 1]!]);
      }),
    );
  });

  test("met exactly when the duration is within the target; overdue only while running past it", () => {
    fc.assert(
      fc.property(ordered, targets, ({ instants: i, now }, t) => {
        for (const s of incidentTiming(i, t, at(now)).stages) {
          if (s.state === "met") expect(s.durationMs!).toBeLessThanOrEqual(s.targetMs);
          if (s.state === "missed") expect(s.durationMs!).toBeGreaterThan(s.targetMs);
          if (s.overdue) expect(s.state === "in_progress" && s.durationMs! > s.targetMs).toBe(true);
          expect(s.durationMs === null).toBe(s.state === "not_started");
        }
      }),
    );
  });

  test("waiting longer never turns a late stage back into a timely one", () => {
    fc.assert(
      fc.property(ordered, targets, fc.nat({ max: 5000 }), ({ instants: i, now }, t, more) => {
        const before = new Set(incidentTiming(i, t, at(now)).late);
        const after = new Set(incidentTiming(i, t, at(now + more)).late);
        for (const stage of before) expect(after.has(stage)).toBe(true);
      }),
    );
  });

  test("the sentence names all four stages in order", () => {
    fc.assert(
      fc.property(ordered, targets, ({ instants: i, now }, t) => {
        const parts = incidentTiming(i, t, at(now)).sentence.split(" · ");
        expect(parts).toHaveLength(4);
        expect(parts[0]).toMatch(/^(Decided|Deciding|Not decided)/);
        expect(parts[1]).toMatch(/^(Executed|Executing|Not executed)/);
        expect(parts[2]).toMatch(/^(Verified|Verifying|Not verified)/);
        expect(parts[3]).toMatch(/^Total/);
      }),
    );
  });
});
