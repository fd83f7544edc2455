import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  BIN_MS,
  binFloor,
  combineExtremes,
  type Extremes,
  keptUsable,
  REFRESH_MS,
  SETTLE_MS,
  settledUntil,
  worstOf,
} from "@/lib/domain/phase-extremes";

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;

describe("settledUntil", () => {
  test("a running phase is settled up to the bin boundary an hour back", () => {
    expect(settledUntil(at("2026-12-01T00:07:00Z"), at("2026-12-02T10:20:00Z"), at("2026-12-02T10:20:00Z"))).toEqual(
      at("2026-12-02T09:15:00Z"),
    );
  });
  test("an ended phase is settled to its end once that is an hour back, not to a bin boundary", () => {
    expect(settledUntil(at("2026-12-01T00:07:00Z"), at("2026-12-01T12:34:56Z"), at("2026-12-02T10:20:00Z"))).toEqual(
      at("2026-12-01T12:34:56Z"),
    );
  });
  test("a phase younger than the settling time has nothing settled", () => {
    expect(settledUntil(at("2026-12-02T09:40:00Z"), at("2026-12-02T10:20:00Z"), at("2026-12-02T10:20:00Z"))).toBeNull();
    expect(settledUntil(at("2026-12-02T09:15:00Z"), at("2026-12-02T10:20:00Z"), at("2026-12-02T10:20:00Z"))).toBeNull();
  });
  test("property: the settled end lies in (start, end], is at least an hour old, and is a bin boundary unless it is the end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 11 }),
        fc.integer({ min: 0, max: 10 ** 9 }),
        fc.integer({ min: -(10 ** 8), max: 10 ** 9 }),
        (startMs, length, sinceEnd) => {
          const start = new Date(1_700_000_000_000 + startMs);
          const end = new Date(start.getTime() + length);
          const now = new Date(Math.max(end.getTime(), end.getTime() + sinceEnd));
          const until = settledUntil(start, end, now);
          if (until === null) return;
          expect(until.getTime()).toBeGreaterThan(start.getTime());
          expect(until.getTime()).toBeLessThanOrEqual(end.getTime());
          expect(until.getTime()).toBeLessThanOrEqual(now.getTime() - SETTLE_MS);
          if (until.getTime() !== end.getTime()) expect(binFloor(until.getTime())).toBe(until.getTime());
        },
      ),
    );
  });
});

describe("keptUsable", () => {
  const start = at("2026-12-01T00:07:00Z");
  const now = at("2026-12-02T10:20:00Z");
  const until = settledUntil(start, now, now);
  const kept = {
    fromAt: start,
    through: at("2026-12-02T09:00:00Z"),
    computedAt: new Date(now.getTime() - 10 * MINUTE),
    hi: 3,
    lo: 1,
  };
  test("a row from this phase start, inside the settled range and computed within the hour, is used", () => {
    expect(keptUsable(kept, start, until, now)).toBe(true);
  });
  test("anything else is read again", () => {
    expect(keptUsable(null, start, until, now)).toBe(false);
    expect(keptUsable(kept, start, null, now)).toBe(false);
    expect(keptUsable({ ...kept, fromAt: new Date(start.getTime() + MINUTE) }, start, until, now)).toBe(false);
    expect(keptUsable({ ...kept, through: at("2026-12-02T09:30:00Z") }, start, until, now)).toBe(false);
    expect(keptUsable({ ...kept, through: start }, start, until, now)).toBe(false);
    expect(keptUsable({ ...kept, computedAt: new Date(now.getTime() - REFRESH_MS) }, start, until, now)).toBe(false);
    // Kept by a reader whose clock was ahead.
    expect(keptUsable({ ...kept, computedAt: new Date(now.getTime() + MINUTE) }, start, until, now)).toBe(false);
  });
});

describe("combineExtremes", () => {
  const extremesOf = (values: number[]): Extremes =>
    values.length ? { hi: Math.max(...values), lo: Math.min(...values) } : { hi: null, lo: null };
  test("property: the extremes of two ranges combined are the extremes of their union", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })),
        (a, b) => {
          expect(combineExtremes(extremesOf(a), extremesOf(b))).toEqual(extremesOf([...a, ...b]));
        },
      ),
    );
  });
  test("the worst is the highest where lower is better, else the lowest", () => {
    expect(worstOf({ hi: 9, lo: 2 }, "lower_is_better")).toBe(9);
    expect(worstOf({ hi: 9, lo: 2 }, "higher_is_better")).toBe(2);
    expect(worstOf({ hi: null, lo: null }, "higher_is_better")).toBeNull();
  });
  test("bins are 15 minutes from the rollups' origin", () => {
    expect(BIN_MS).toBe(15 * MINUTE);
    expect(binFloor(at("2026-12-02T10:29:59.999Z").getTime())).toBe(at("2026-12-02T10:15:00Z").getTime());
  });
});
