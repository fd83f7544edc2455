import { describe, expect, test } from "vitest";
import { configFromEnv, describePostgresUrl, reconnectDelaySeconds } from "@/db/client";
import fc from "fast-check";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { formatRelative } from "@/lib/domain/time";
import { shouldSeedDemo } from "@/lib/startup";

const now = new Date("2026-11-22T12:00:00Z");

describe("formatRelative", () => {
  test.each([
    [-10_000, "just now"],
    [-12 * 60_000, "12 min. ago"],
    [-3 * 3600_000, "3 hr. ago"],
    [4 * 86_400_000, "in 4 days"],
    [-86_400_000, "yesterday"],
  ])("%i ms → %s", (offset, expected) => {
    expect(formatRelative(new Date(now.getTime() + offset), now)).toBe(expected);
  });
});

describe("database configuration", () => {
  test("DATABASE_URL picks PostgreSQL, otherwise PGlite in PGLITE_DIR or .data/pglite", () => {
    expect(configFromEnv({ NODE_ENV: "test", DATABASE_URL: "postgres://a@h/db" })).toMatchObject({
      databaseUrl: "postgres://a@h/db",
    });
    expect(configFromEnv({ NODE_ENV: "test" })).toEqual({ databaseUrl: undefined, pgliteDir: ".data/pglite" });
    expect(configFromEnv({ NODE_ENV: "test", PGLITE_DIR: "/srv/pg", DATABASE_URL: "  " })).toEqual({
      databaseUrl: undefined,
      pgliteDir: "/srv/pg",
    });
  });

  test("a URL is described without its password", () => {
    expect(describePostgresUrl("postgres://app:s3cret@db.internal:6543/phasegate")).toBe("db.internal:6543/phasegate");
    expect(describePostgresUrl("postgresql://db/x")).toBe("db:5432/x");
  });

  test.each(["not a url", "mysql://root@db/x", "http://db/x"])("%s is refused with a config error", (url) => {
    expect(() => describePostgresUrl(url)).toThrow(AppError);
  });

  test.each([
    [{ NODE_ENV: "production" }, false],
    [{ NODE_ENV: "production", PHASEGATE_DEMO_SEED: "1" }, true],
    [{ NODE_ENV: "development" }, true],
    [{ NODE_ENV: "development", PHASEGATE_DEMO_SEED: "0" }, false],
  ] as const)("demo seeding with %o: %s", (env, expected) => {
    expect(shouldSeedDemo(env as NodeJS.ProcessEnv)).toBe(expected);
  });

  test("connection failures are recognised through causes", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(
      isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("y"), { code: "57P01" }) })),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new AppError("unavailable:database", "down"))).toBe(true);
  });
});

describe("reconnecting to PostgreSQL", () => {
  test("the wait before another attempt stays under a second however many attempts failed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (failures) => {
        const wait = reconnectDelaySeconds(failures);
        expect(wait).toBeGreaterThanOrEqual(0.025);
        expect(wait).toBeLessThanOrEqual(1);
      }),
    );
  });

  test("it grows from tens of milliseconds after the first failures", () => {
    expect(reconnectDelaySeconds(0)).toBeLessThanOrEqual(0.05);
    expect(reconnectDelaySeconds(3)).toBeLessThanOrEqual(0.4);
    expect(reconnectDelaySeconds(3)).toBeGreaterThanOrEqual(0.2);
    expect(reconnectDelaySeconds(50)).toBeGreaterThanOrEqual(0.5);
  });
});
