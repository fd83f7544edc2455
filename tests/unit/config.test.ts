import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { resolveAuthSecret, SECRET_FILE } from "@/lib/auth/secret";
import { configurationProblems } from "@/lib/config";

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-secret-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("configuration refused at start", () => {
  test("production on PostgreSQL without AUTH_SECRET is refused in one line naming it", () => {
    const problems = configurationProblems(
      env({ NODE_ENV: "production", DATABASE_URL: "postgres://app@db/phasegate" }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^set AUTH_SECRET/);
    expect(() =>
      resolveAuthSecret(env({ NODE_ENV: "production", DATABASE_URL: "postgres://app@db/phasegate" })),
    ).toThrow(/AUTH_SECRET/);
  });

  test("a short AUTH_SECRET, a bad TRUSTED_PROXY_HOPS and a bad allowlist entry are named", () => {
    const problems = configurationProblems(
      env({ AUTH_SECRET: "short", TRUSTED_PROXY_HOPS: "one", PHASEGATE_EGRESS_ALLOW: "10.0.0.0/8,what is this" }),
    );
    expect(problems.join("\n")).toMatch(/AUTH_SECRET is 5 characters/);
    expect(problems.join("\n")).toMatch(/TRUSTED_PROXY_HOPS/);
    expect(problems.join("\n")).toMatch(/PHASEGATE_EGRESS_ALLOW: “what is this”/);
  });

  test("the embedded evaluation database and development need nothing", () => {
    expect(configurationProblems(env({ NODE_ENV: "production" }))).toEqual([]);
    expect(configurationProblems(env({ NODE_ENV: "development", DATABASE_URL: "postgres://app@db/x" }))).toEqual([]);
    expect(
      configurationProblems(
        env({ NODE_ENV: "production", DATABASE_URL: "postgres://app@db/x", AUTH_SECRET: "x".repeat(32) }),
      ),
    ).toEqual([]);
  });
});

describe("the session-signing secret", () => {
  test("AUTH_SECRET is used as given", () => {
    expect(
      resolveAuthSecret(env({ AUTH_SECRET: "s".repeat(40), NODE_ENV: "production", DATABASE_URL: "postgres://x@y/z" })),
    ).toBe("s".repeat(40));
  });

  test("the embedded database keeps a generated one in a private file beside its data, the same at every start", () => {
    const dir = path.join(tmp, "pglite");
    const first = resolveAuthSecret(env({ NODE_ENV: "production", PGLITE_DIR: dir }));
    const file = path.join(dir, SECRET_FILE);
    expect(fs.readFileSync(file, "utf8")).toBe(first);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(32);
    // Another process on the same folder reads the same file.
    const other = path.join(tmp, "copy");
    fs.mkdirSync(other);
    fs.copyFileSync(file, path.join(other, SECRET_FILE));
    expect(resolveAuthSecret(env({ NODE_ENV: "production", PGLITE_DIR: other }))).toBe(first);
  });
});
