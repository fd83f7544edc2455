import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

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
    const result = await startServer({ DATABASE_URL: "postgres://app:secret@127.0.0.1:1/phasegate" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "phasegate: cannot start: Cannot reach PostgreSQL at 127.0.0.1:1/phasegate: connect ECONNREFUSED 127.0.0.1:1",
    ]);
    expect(result.ms).toBeLessThan(15_000);
  });

  test("an unwritable PGlite folder", async () => {
    const file = path.join(os.tmpdir(), `phasegate-e2e-file-${process.pid}`);
    fs.writeFileSync(file, "");
    try {
      const result = await startServer({ PGLITE_DIR: path.join(file, "pglite") });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^phasegate: cannot start: PGlite folder ".*" is not writable \(ENOTDIR\); set PGLITE_DIR/);
    } finally {
      fs.rmSync(file);
    }
  });
});
