import { describe, expect, test } from "vitest";
import { DEFAULT_OFREP_RATE_LIMIT, RateLimiter } from "@/lib/ofrep/rate-limit";

describe("OFREP rate limit", () => {
  test("counts per token per second; over the limit asks to wait one second", () => {
    let now = 10_000;
    const limiter = new RateLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([0, 0, 0, 1]);
    expect(limiter.take("b")).toBe(0);
    now += 1_000;
    expect(limiter.take("a")).toBe(0);
  });

  test("on by default at 2,000 per token per second; OFREP_RATE_LIMIT=0 turns it off", () => {
    const perSecond = (limiter: RateLimiter | null) => {
      if (!limiter) return null;
      let allowed = 0;
      while (limiter.take("t") === 0 && allowed < 100_000) allowed++;
      return allowed;
    };
    expect(perSecond(RateLimiter.fromEnv({} as NodeJS.ProcessEnv))).toBeGreaterThanOrEqual(
      DEFAULT_OFREP_RATE_LIMIT - 1,
    );
    expect(RateLimiter.fromEnv({ OFREP_RATE_LIMIT: "0" } as unknown as NodeJS.ProcessEnv)).toBeNull();
    expect(() => RateLimiter.fromEnv({ OFREP_RATE_LIMIT: "many" } as unknown as NodeJS.ProcessEnv)).toThrow(
      /OFREP_RATE_LIMIT must be a whole number/,
    );
    expect(perSecond(new RateLimiter(50))).toBe(50);
  });
});
