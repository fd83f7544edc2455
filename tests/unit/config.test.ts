import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { resolveAuthSecret, SECRET_FILE } from "@/lib/auth/secret";
import { configurationProblems, SETTINGS, type SettingName, setting } from "@/lib/config";

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
    expect(problems.join("\n")).toMatch(/PHASEGATE_EGRESS_ALLOW has “what is this” is neither/);
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

describe("the settings, in one module", () => {
  /** The README's configuration table: each row's variable names and its default column. */
  function readmeRows(): { names: string[]; shown: string; testsOnly: boolean }[] {
    const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(
      readme.indexOf("## Configuration"),
      readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5),
    );
    return section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .map((line) => {
        const [names, shown, meaning] = line.split(" | ").map((c) => c.replace(/^\| /, "").trim());
        return {
          names: [...names!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!),
          shown: shown!,
          testsOnly: meaning!.startsWith("tests only"),
        };
      });
  }

  test("the README's configuration table lists every setting with its default, and nothing else", () => {
    const rows = readmeRows().filter((r) => !r.testsOnly);
    expect(rows.flatMap((r) => r.names).sort()).toEqual(Object.keys(SETTINGS).sort());
    for (const row of rows) {
      // A row naming several variables shows each distinct default once, in order.
      const shown = [...new Set(row.names.map((n) => SETTINGS[n as SettingName].shown))].join(", ");
      expect(row.shown, row.names.join(", ")).toBe(shown);
    }
  });

  test.each([
    ["PHASEGATE_WATCH_SECONDS", "soon", /^PHASEGATE_WATCH_SECONDS must be a whole number from 1 to 3600; got “soon”$/],
    ["PHASEGATE_BACKGROUND", "yes", /^PHASEGATE_BACKGROUND must be 0 or 1; got “yes”$/],
    ["EDGE_PORT", "70000", /^EDGE_PORT must be at most 65535; got “70000”$/],
    ["PHASEGATE_LOG_FORMAT", "xml", /^PHASEGATE_LOG_FORMAT must be json or pretty/],
    ["DATABASE_URL", "mysql://root:hunter2@db/x", /^DATABASE_URL must be a postgres:\/\/ URL/],
  ])("%s=%s is refused at start in one line naming it", (name, value, message) => {
    const problems = configurationProblems(env({ [name]: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(() => setting(name as SettingName, env({ [name]: value }))).toThrow(message);
  });

  test("a URL, token or secret is never repeated back in the message", () => {
    const [problem] = configurationProblems(env({ DATABASE_URL: "mysql://root:hunter2@db/x" }));
    expect(problem).not.toContain("hunter2");
    expect(configurationProblems(env({ AUTH_SECRET: "hunter2" }))[0]).not.toContain("hunter2");
  });

  test("unset or blank, a setting is its default; set, it is parsed", () => {
    expect(setting("PHASEGATE_WATCH_SECONDS", env({}))).toBe(15);
    expect(setting("PHASEGATE_WATCH_SECONDS", env({ PHASEGATE_WATCH_SECONDS: "  " }))).toBe(15);
    expect(setting("PHASEGATE_WATCH_SECONDS", env({ PHASEGATE_WATCH_SECONDS: " 30 " }))).toBe(30);
    expect(setting("PHASEGATE_DEMO_SEED", env({ NODE_ENV: "production" }))).toBe(false);
    expect(setting("PHASEGATE_DEMO_SEED", env({ NODE_ENV: "development" }))).toBe(true);
    expect(setting("PHASEGATE_LOG_LEVEL", env({ PHASEGATE_LOG_LEVEL: "DEBUG" }))).toBe("debug");
  });

  test("OIDC is all three or none, and an edge needs no AUTH_SECRET", () => {
    const oidc = { OIDC_CLIENT_ID: "phasegate", OIDC_CLIENT_SECRET: "s" };
    expect(configurationProblems(env({ ...oidc, OIDC_ISSUER: "not a url" }))).toEqual([
      "OIDC_ISSUER must be the provider's https:// issuer URL; got “not a url”",
    ]);
    expect(configurationProblems(env({ ...oidc, OIDC_ISSUER: "https://id.example.com" }))).toEqual([]);
    expect(configurationProblems(env({ OIDC_ISSUER: "https://id.example.com" }))[0]).toMatch(
      /^set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together/,
    );
    const edgeEnv = env({ NODE_ENV: "production", DATABASE_URL: "postgres://edge@db/phasegate" });
    expect(configurationProblems(edgeEnv, "edge")).toEqual([]);
    expect(configurationProblems(edgeEnv)).toHaveLength(1);
  });
});
