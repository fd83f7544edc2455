import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bucketOf, inRollout } from "@/lib/domain/bucketing";

describe("sticky bucketing", () => {
  test("the same key lands on the same point every time, and known points stay put across releases", () => {
    expect(bucketOf("checkout.one-page", "user-42")).toBe(bucketOf("checkout.one-page", "user-42"));
    // Pinned: a change of hash or formula would move every user of every running rollout.
    expect(bucketOf("checkout.one-page", "user-42").toFixed(6)).toMatchInlineSnapshot(`"40.595447"`);
    expect(bucketOf("search.v2", "rina").toFixed(6)).toMatchInlineSnapshot(`"66.419978"`);
  });

  test("property: points lie in [0, 100)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (flag, key) => {
        const b = bucketOf(flag, key);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(100);
      }),
    );
  });

  test("property: inside at a percentage stays inside at every higher one (monotone)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (flag, key, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (inRollout(flag, key, low)) expect(inRollout(flag, key, high)).toBe(true);
        },
      ),
    );
  });

  test("0% serves nobody and 100% everybody", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (flag, key) => {
        expect(inRollout(flag, key, 0)).toBe(false);
        expect(inRollout(flag, key, 100)).toBe(true);
      }),
    );
  });

  test("over 100,000 keys the share inside is within 1 point of the target", { timeout: 30_000 }, () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
    for (const percent of [1, 5, 10, 25, 50, 75, 99]) {
      const inside = keys.filter((k) => inRollout("checkout.one-page", k, percent)).length;
      expect(Math.abs((inside / keys.length) * 100 - percent)).toBeLessThan(1);
    }
  });

  test("each flag has its own line: the first 10% of two flags are different people", () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const a = new Set(keys.filter((k) => inRollout("flag.a", k, 10)));
    const both = keys.filter((k) => a.has(k) && inRollout("flag.b", k, 10)).length;
    // Independent lines overlap on about 10% of 10% = 1% of the keys.
    expect(both).toBeGreaterThan(50);
    expect(both).toBeLessThan(200);
  });
});
