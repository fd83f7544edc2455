import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bucketCount, bucketSeconds } from "@/lib/domain/downsample";

const at = (iso: string) => new Date(iso);

describe("bucketSeconds", () => {
  test.each([
    ["2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", 500, 1],
    ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z", 500, 10],
    ["2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z", 500, 900],
    ["2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", 500, 7200],
  ])("%s → %s in %i points: %is", (from, to, max, expected) => {
    expect(bucketSeconds(at(from), at(to), max)).toBe(expected);
  });

  test("rejects a non-positive point budget", () => {
    expect(() => bucketSeconds(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z"), 0)).toThrow(RangeError);
  });

  test("property: never more buckets than the budget allows (plus the two partial ends)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        fc.integer({ min: 1, max: 2000 }),
        (start, span, maxPoints) => {
          const from = new Date(start);
          const to = new Date(start + span);
          const bucket = bucketSeconds(from, to, maxPoints);
          expect(bucket).toBeGreaterThan(0);
          expect(bucketCount(from, to, bucket)).toBeLessThanOrEqual(maxPoints + 1);
        },
      ),
    );
  });

  test("property: a longer range never gets a finer bucket", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 10 }), fc.integer({ min: 0, max: 10 ** 10 }), (a, b) => {
        const base = new Date("2026-01-01T00:00:00Z");
        const short = bucketSeconds(base, new Date(base.getTime() + Math.min(a, b)));
        const long = bucketSeconds(base, new Date(base.getTime() + Math.max(a, b)));
        expect(long).toBeGreaterThanOrEqual(short);
      }),
    );
  });
});
