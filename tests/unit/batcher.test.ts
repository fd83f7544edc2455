import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createBatcher } from "@/lib/live/batcher";

// How an open page gathers what the live stream says is due, and hands it over in batches.

describe("a batcher", () => {
  beforeEach(() => vi.useFakeTimers({ now: 100_000 }));
  afterEach(() => vi.useRealTimers());

  test("hands over everything added within a gap as one batch, once", () => {
    const batches: string[][] = [];
    const b = createBatcher<string>({ gapMs: 1_000, flush: (s) => batches.push([...s]), since: Date.now() });
    b.add(["a"]);
    vi.advanceTimersByTime(400);
    b.add(["b", "a"]);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(600);
    expect(batches).toEqual([["a", "b"]]);
    vi.advanceTimersByTime(5_000);
    expect(batches).toHaveLength(1);
  });

  test("after a quiet spell, hands over at once", () => {
    const batches: string[][] = [];
    const b = createBatcher<string>({ gapMs: 1_000, flush: (s) => batches.push([...s]), since: 0 });
    b.add(["a"]);
    vi.advanceTimersByTime(0);
    expect(batches).toEqual([["a"]]);
  });

  test("holds the work while told to, and hands it over when woken", () => {
    let hidden = true;
    const batches: string[][] = [];
    const b = createBatcher<string>({ gapMs: 1_000, flush: (s) => batches.push([...s]), hold: () => hidden });
    b.add(["a"]);
    vi.advanceTimersByTime(10_000);
    expect(batches).toEqual([]);
    hidden = false;
    b.wake();
    vi.advanceTimersByTime(0);
    expect(batches).toEqual([["a"]]);
  });

  test("stopped, it hands over nothing", () => {
    const flush = vi.fn();
    const b = createBatcher<string>({ gapMs: 1_000, flush, since: Date.now() });
    b.add(["a"]);
    b.stop();
    vi.advanceTimersByTime(10_000);
    expect(flush).not.toHaveBeenCalled();
  });

  test("never hands over two batches less than a gap apart, and loses nothing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 9 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 2_000 }),
        (steps, gapMs) => {
          vi.setSystemTime(0);
          const at: number[] = [];
          const seen = new Set<number>();
          const b = createBatcher<number>({
            gapMs,
            flush: (s) => {
              at.push(Date.now());
              for (const x of s) seen.add(x);
            },
          });
          for (const [wait, item] of steps) {
            vi.advanceTimersByTime(wait);
            b.add([item]);
          }
          vi.advanceTimersByTime(gapMs + 1);
          for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(gapMs);
          expect(seen).toEqual(new Set(steps.map(([, item]) => item)));
          b.stop();
        },
      ),
    );
  });
});
