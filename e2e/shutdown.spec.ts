import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { stopProcess } from "../tests/support/processes";
import { signIn } from "./fixtures";

// SIGTERM to a production server (`next start`, as the README and the load balancer's orchestrator
// run it): it tells load balancers it is draining, ends its live streams with a hint to reconnect
// elsewhere, closes its database and exits 0 within PHASEGATE_SHUTDOWN_GRACE_MS, saying so in its
// structured log.

const GRACE_MS = 8_000;
const port = Number(process.env.E2E_SHUTDOWN_PORT ?? Number(process.env.E2E_PORT ?? 3210) + 6);
const base = `http://127.0.0.1:${port}`;

interface LogLine {
  msg?: string;
  signal?: string;
  graceMs?: number;
  problems?: unknown;
}

function jsonLines(text: string): LogLine[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Reads an event stream to its end, keeping its frames. */
async function follow(url: string, cookie: string) {
  const res = await fetch(url, { headers: { cookie, accept: "text/event-stream" } });
  expect(res.status).toBe(200);
  const frames: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        frames.push(buffer.slice(0, end));
        if (/^event: ready$/m.test(buffer.slice(0, end))) markReady();
        buffer = buffer.slice(end + 2);
      }
    }
  })();
  await ready;
  return { frames, ended };
}

test("SIGTERM drains the server: streams told to reconnect, exit 0 within the grace period", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-shutdown-"));
  let child: ChildProcess | null = null;
  try {
    child = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
      {
        env: {
          ...process.env,
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: "",
          PGLITE_DIR: dir,
          PHASEGATE_DEMO_SEED: "1",
          PHASEGATE_LOG_FORMAT: "json",
          PHASEGATE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
          // Long enough to see the health check turn "draining" before the server stops listening.
          PHASEGATE_SHUTDOWN_DELAY_MS: "2000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child!.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await expect
      .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, {
        timeout: 90_000,
        intervals: [500],
      })
      .toBe(200);

    await signIn(page, "releaseManager", base);
    await page
      .getByRole("link", { name: /One-page checkout/ })
      .first()
      .click();
    await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    const planPath = new URL(page.url()).pathname;
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const stream = await follow(`${base}${planPath}/events`, cookie);

    const sent = Date.now();
    child.kill("SIGTERM");

    // Still listening during the delay: the load balancer hears "draining", new API work is refused.
    await expect.poll(async () => (await fetch(`${base}/api/health`)).status, { intervals: [50] }).toBe(503);
    const health = await fetch(`${base}/api/health`);
    expect(await health.json()).toEqual({ status: "draining" });
    const api = await fetch(`${base}/api/v1/plans`, { headers: { authorization: "Bearer nope" } });
    expect(api.status).toBe(503);
    expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(0);

    // The stream's last words: a retry hint and the event saying to reconnect elsewhere; then it ends.
    await stream.ended;
    const last = stream.frames.at(-1) ?? "";
    expect(last).toMatch(/^retry: \d+$/m);
    expect(last).toMatch(/^event: reconnect$/m);
    expect(JSON.parse(/^data: (.*)$/m.exec(last)![1]!)).toMatchObject({ reason: "shutdown" });

    const exit = await exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
    // The grace period bounds the steps; the process itself needs a moment more to exit on a loaded machine.
    expect(exit.at - sent).toBeLessThan(GRACE_MS + 5_000);

    const lines = jsonLines(stdout);
    expect(lines.find((l) => l.msg === "shutting down")).toMatchObject({ signal: "SIGTERM", graceMs: GRACE_MS });
    const stopped = lines.find((l) => l.msg === "stopped");
    expect(stopped).toMatchObject({ signal: "SIGTERM" });
    expect(stopped?.problems).toBeUndefined();
    // The database was closed: the embedded database's folder lock is gone.
    expect(fs.existsSync(path.join(dir, ".phasegate.pid"))).toBe(false);
  } finally {
    await stopProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
