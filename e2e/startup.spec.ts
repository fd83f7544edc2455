import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect, test } from "@playwright/test";
import { stopProcess } from "../tests/support/processes";
import { E2E_AUTH_SECRET } from "./fixtures";

// The production server refuses to start on bad configuration, quickly, with one clear line.

function startServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", "0"], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server kept running with bad configuration; stderr: ${stderr}`));
    }, 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

test.describe("startup with bad configuration", () => {
  test("an unreachable DATABASE_URL", async () => {
    const result = await startServer({
      DATABASE_URL: "postgres://app:secret@127.0.0.1:1/phasegate",
      AUTH_SECRET: E2E_AUTH_SECRET,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "phasegate: cannot start: Cannot reach PostgreSQL at 127.0.0.1:1/phasegate: connect ECONNREFUSED 127.0.0.1:1",
    ]);
    expect(result.ms).toBeLessThan(15_000);
  });

  test("production on PostgreSQL without AUTH_SECRET", async () => {
    const result = await startServer({ DATABASE_URL: "postgres://app@127.0.0.1:1/phasegate", AUTH_SECRET: "" });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^phasegate: cannot start: set AUTH_SECRET \(openssl rand -base64 32\)/);
  });

  test("an unwritable PGlite folder", async () => {
    const file = path.join(os.tmpdir(), `phasegate-e2e-file-${process.pid}`);
    fs.writeFileSync(file, "");
    try {
      const result = await startServer({ PGLITE_DIR: path.join(file, "pglite") });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^phasegate: cannot start: PGlite folder ".*" is not writable \(ENOTDIR\); set PGLITE_DIR/,
      );
    } finally {
      fs.rmSync(file);
    }
  });
});

test.describe("first run on an empty production database", () => {
  test("the printed setup token creates the first admin, once", async ({ page }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-setup-"));
    const port = Number(process.env.E2E_SETUP_PORT ?? 3215);
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
      {
        env: {
          ...process.env,
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: "",
          PGLITE_DIR: dir,
          PHASEGATE_DEMO_SEED: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await expect.poll(() => /setup token (\S+)/.exec(stdout)?.[1] ?? null, { timeout: 60_000 }).not.toBeNull();
      const token = /setup token (\S+)/.exec(stdout)![1]!;
      expect(stdout).toContain(`/setup and create the first admin`);

      await page.goto(`${base}/`);
      await expect(page).toHaveURL(/\/sign-in/);
      await page.goto(`${base}/setup`);
      await page.getByLabel("Setup token").fill("not-the-token");
      await page.getByLabel("Your name").fill("Ops Lead");
      await page.getByLabel("Email").fill("ops@example.test");
      await page.getByLabel("Password").fill("a sufficiently long password");
      await page.getByRole("button", { name: "Create admin account" }).click();
      await expect(page.getByText("Not the token the server printed at its last start")).toBeVisible();
      // What was typed survives the error; the password is never sent back.
      await expect(page.getByLabel("Email")).toHaveValue("ops@example.test");
      await expect(page.getByLabel("Your name")).toHaveValue("Ops Lead");
      await expect(page.getByLabel("Password")).toHaveValue("");

      await page.getByLabel("Setup token").fill(token);
      await page.getByLabel("Password").fill("a sufficiently long password");
      await page.getByRole("button", { name: "Create admin account" }).click();
      await expect(page.getByText("Your admin account is ready")).toBeVisible();

      await page.getByLabel("Email").fill("ops@example.test");
      await page.getByLabel("Password").fill("a sufficiently long password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("heading", { name: "Releases" })).toBeVisible();
      await expect(page.getByTestId("nav-admin")).toBeVisible();

      // Setup is over: the page sends people to sign-in.
      await page.goto(`${base}/setup`);
      await expect(page).toHaveURL(/\/sign-in|\/$/);
      await stopProcess(child);
      // The session-signing secret lives in a private file beside the data, never in the database
      // (a backup holder could mint sessions with it).
      expect(fs.statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);
      const pglite = await PGlite.create(dir);
      try {
        const { rows } = await pglite.query<{ key: string }>("select key from app_settings");
        expect(rows.map((r) => r.key)).not.toContain("auth_secret");
      } finally {
        await pglite.close();
      }
    } finally {
      await stopProcess(child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
