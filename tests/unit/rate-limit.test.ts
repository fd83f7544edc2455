import { describe, expect, test } from "vitest";
import { RateLimiter } from "@/lib/ofrep/rate-limit";

describe("OFREP rate limit", () => {
  test("counts per token per second; over the limit asks to wait one second", () => {
    let now = 10_000;
    const limiter = new RateLimiter(3, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([0, 0, 0, 1]);
    expect(limiter.take("b")).toBe(0);
    now += 1_000;
    expect(limiter.take("a")).toBe(0);
  });

  test("off unless OFREP_RATE_LIMIT is a positive number", () => {
    expect(RateLimiter.fromEnv({} as NodeJS.ProcessEnv)).toBeNull();
    expect(RateLimiter.fromEnv({ OFREP_RATE_LIMIT: "0" } as unknown as NodeJS.ProcessEnv)).toBeNull();
    expect(RateLimiter.fromEnv({ OFREP_RATE_LIMIT: "many" } as unknown as NodeJS.ProcessEnv)).toBeNull();
    expect(RateLimiter.fromEnv({ OFREP_RATE_LIMIT: "50" } as unknown as NodeJS.ProcessEnv)).toBeInstanceOf(RateLimiter);
  });
});
