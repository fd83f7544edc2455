import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  evaluateTrigger,
  judgeMissingData,
  observed,
  staleAfterMs,
  type TriggerPoint,
  type TriggerRule,
} from "@/lib/domain/triggers";

const now = new Date("2026-11-22T12:00:00Z");
const minute = (m: number) => now.getTime() - m * 60_000;
/** One point a minute for the last `n` minutes, newest last. */
const series = (
  n: number,
  canary: (m: number) => number | null,
  baseline: (m: number) => number | null = () => 1,
): TriggerPoint[] =>
  Array.from({ length: n }, (_, i) => n - 1 - i).map((m) => ({
    t: minute(m),
    canary: canary(m),
    baseline: baseline(m),
  }));

const errorAbove5For5: TriggerRule = {
  mode: "absolute",
  comparison: "gt",
  value: 5,
  durationMinutes: 5,
  direction: "lower_is_better",
};
const p95Twice: TriggerRule = {
  mode: "relative_to_baseline",
  comparison: "gt",
  value: 2,
  durationMinutes: 10,
  direction: "lower_is_better",
};
const degradation50: TriggerRule = {
  mode: "degradation_pct",
  comparison: "gt",
  value: 50,
  durationMinutes: 0,
  direction: "lower_is_better",
};

describe("evaluateTrigger", () => {
  test("fires when the condition held for the whole duration", () => {
    const v = evaluateTrigger(
      errorAbove5For5,
      series(30, (m) => (m <= 6 ? 7.8 : 0.5)),
      now,
    );
    expect(v).toMatchObject({ state: "breached", since: new Date(minute(6)), observed: 7.8 });
  });

  test("does not fire for a spike shorter than the duration", () => {
    expect(
      evaluateTrigger(
        errorAbove5For5,
        series(30, (m) => (m <= 2 ? 9 : 0.5)),
        now,
      ),
    ).toEqual({ state: "ok" });
  });

  test("a dip inside the window resets it", () => {
    expect(
      evaluateTrigger(
        errorAbove5For5,
        series(30, (m) => (m === 3 ? 1 : 8)),
        now,
      ),
    ).toEqual({ state: "ok" });
  });

  test("relative to baseline: p95 > 2× baseline for 10 min", () => {
    const breach = evaluateTrigger(
      p95Twice,
      series(
        30,
        (m) => (m <= 11 ? 900 : 400),
        () => 400,
      ),
      now,
    );
    expect(breach).toMatchObject({ state: "breached", observed: 2.25 });
    expect(
      evaluateTrigger(
        p95Twice,
        series(
          30,
          () => 700,
          () => 400,
        ),
        now,
      ),
    ).toEqual({ state: "ok" });
  });

  test("degradation follows the metric's direction", () => {
    expect(observed(degradation50, { t: 0, canary: 150, baseline: 100 })).toBe(50);
    expect(observed({ ...degradation50, direction: "higher_is_better" }, { t: 0, canary: 40, baseline: 100 })).toBe(60);
    expect(
      evaluateTrigger(
        { ...degradation50, direction: "higher_is_better" },
        series(
          3,
          () => 40,
          () => 100,
        ),
        now,
      ),
    ).toMatchObject({ state: "breached" });
  });

  test("data that stops arriving is a condition of its own", () => {
    const old = series(5, () => 9).map((p) => ({ ...p, t: p.t - 60 * 60_000 }));
    expect(evaluateTrigger(errorAbove5For5, old, now)).toMatchObject({
      state: "stale",
      reason: expect.stringMatching(/no samples for 6\d min/),
    });
    expect(evaluateTrigger(errorAbove5For5, [], now)).toEqual({ state: "no_data", reason: "no samples to judge" });
  });

  test("without a baseline, relative triggers cannot judge", () => {
    expect(
      evaluateTrigger(
        p95Twice,
        series(
          20,
          () => 900,
          () => null,
        ),
        now,
      ),
    ).toMatchObject({ state: "no_data" });
  });

  test("property: a healthy newest point means no breach", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 60 }), (values) => {
        const points = values.map((v, i) => ({ t: minute(values.length - 1 - i), canary: v, baseline: 1 }));
        points[points.length - 1] = { ...points.at(-1)!, canary: 1 };
        expect(evaluateTrigger(errorAbove5For5, points, now).state).toBe("ok");
      }),
    );
  });

  test("property: all points above the limit for longer than the duration always fire", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 5.01, max: 100, noNaN: true }), { minLength: 6, maxLength: 60 }),
        (values) => {
          const points = values.map((v, i) => ({ t: minute(values.length - 1 - i), canary: v, baseline: 1 }));
          expect(evaluateTrigger(errorAbove5For5, points, now).state).toBe("breached");
        },
      ),
    );
  });
});

describe("judgeMissingData", () => {
  const limit = staleAfterMs(errorAbove5For5);
  const ago = (m: number) => new Date(minute(m));

  test("the stale limit is 10 minutes or twice the trigger's duration", () => {
    expect(limit).toBe(10 * 60_000);
    expect(staleAfterMs(p95Twice)).toBe(20 * 60_000);
  });

  test("samples that stopped arriving are stale once the phase has run past the limit", () => {
    expect(judgeMissingData(ago(25), ago(120), now, limit)).toEqual({
      state: "stale",
      lastSampleAt: ago(25),
      reason: "no samples for 25 min",
    });
    expect(judgeMissingData(ago(5), ago(120), now, limit)).toMatchObject({ state: "no_data" });
  });

  test("a phase that never got a sample is stale after the limit, not before", () => {
    expect(judgeMissingData(null, ago(30), now, limit)).toMatchObject({
      state: "stale",
      reason: "no samples since the phase started 30 min ago",
    });
    expect(judgeMissingData(null, ago(3), now, limit)).toEqual({ state: "no_data", reason: "no samples yet" });
  });

  test("property: never stale within the limit of the last sample or of the phase start", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
        fc.integer({ min: 0, max: 600 }),
        (lastAgo, startAgo) => {
          const verdict = judgeMissingData(lastAgo === null ? null : ago(lastAgo), ago(startAgo), now, limit);
          const recent = (m: number) => m * 60_000 <= limit;
          if (recent(startAgo) || (lastAgo !== null && recent(lastAgo))) expect(verdict.state).toBe("no_data");
          else expect(verdict.state).toBe("stale");
        },
      ),
    );
  });
});
