import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";

const run = promisify(execFile);
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-cli-"));

async function cli(script: string, env: Record<string, string>) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  try {
    const { stdout, stderr } = await run(tsx, [script], { env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("command-line tasks", () => {
  test("seed:demo loads an empty PGlite folder, then refuses it", async () => {
    const env = { PGLITE_DIR: path.join(dir, "pglite") };
    const first = await cli("scripts/seed-demo.ts", env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/demo loaded into PGlite at .*: 28 plans, 3 projects, 6 people/);
    const second = await cli("scripts/seed-demo.ts", env);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toMatch(
      /^phasegate: PGlite at .* already holds data; the demo loads only into an empty database$/,
    );
  });

  test("db:migrate against an unreachable server prints one line, no stack trace", async () => {
    const result = await cli("scripts/migrate.ts", { DATABASE_URL: "postgres://app:pw@127.0.0.1:1/db" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "phasegate: Cannot reach PostgreSQL at 127.0.0.1:1/db: connect ECONNREFUSED 127.0.0.1:1",
    ]);
  });

  test("db:migrate with an unwritable PGlite folder prints one line", async () => {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    const result = await cli("scripts/migrate.ts", { PGLITE_DIR: path.join(file, "db") });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/is not writable \(ENOTDIR\)/);
  });
});

describe("npm run token", () => {
  test("prints a working token alone on the last line; bad arguments get one clear line", async () => {
    const env = { PGLITE_DIR: path.join(dir, "token-db") };
    expect((await cli("scripts/seed-demo.ts", env)).code).toBe(0);

    const missing = await cli("scripts/token.ts", env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--project <slug> is required/);

    const unknown = await run(tsx, ["scripts/token.ts", "--project", "nope", "--scopes", "plans:read"], {
      env: { ...process.env, ...env },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((unknown as { code: number }).code).toBe(1);
    expect((unknown as { stderr: string }).stderr.trim()).toBe('phasegate: No project with slug "nope"');

    const badScope = await run(tsx, ["scripts/token.ts", "--project", "checkout", "--scopes", "plans:read,root"], {
      env: { ...process.env, ...env },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((badScope as { code: number }).code).toBe(1);
    expect((badScope as { stderr: string }).stderr).toMatch(/scopes\.1/);

    const ok = await run(
      tsx,
      ["scripts/token.ts", "--project", "checkout", "--scopes", "plans:read,metrics:write", "--name", "bootstrap"],
      { env: { ...process.env, ...env } },
    );
    const lines = `${ok.stderr}${ok.stdout}`.trim().split("\n");
    const token = lines.at(-1)!;
    expect(token).toMatch(/^pgt_[A-Za-z0-9_-]{43}$/);
    expect(ok.stdout.trim()).toBe(token);

    // The token is real: it authenticates against the same database, with the scopes asked for.
    const { openDatabase } = await import("@/db/client");
    const { authenticateToken } = await import("@/lib/auth/token-auth");
    const handle = await openDatabase({ pgliteDir: env.PGLITE_DIR });
    try {
      const actor = await authenticateToken(handle.db, new Headers({ authorization: `Bearer ${token}` }));
      expect(actor).toMatchObject({ kind: "token", tokenName: "bootstrap", scopes: ["plans:read", "metrics:write"] });
    } finally {
      await handle.close();
    }
  });
});
