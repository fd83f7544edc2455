import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

// Starts the production build (`npm run build` output) with `next start` on its own port and
// database, waits until /api/health answers, keeps its output (the fuzz attaches the lines a
// failing request made the server print), and stops it — waiting for the process to exit, so
// the database can be dropped safely afterwards.

export interface ServerLine {
  /** Milliseconds since the server started. */
  at: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface FuzzServer {
  baseUrl: string;
  port: number;
  pid: number;
  /** Everything the server printed so far (trimmed to the last few thousand lines). */
  lines: ServerLine[];
  /** How many lines were printed in all (an index into the stream that survives trimming). */
  lineCount(): number;
  /** Lines printed since the given line count. */
  linesSince(count: number): ServerLine[];
  /** Non-null once the process has exited (code or signal). */
  exited(): string | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd?: string;
  databaseUrl: string;
  /** First port to try (the fuzz uses 3400–3499 unless told otherwise). */
  portFrom?: number;
  portTo?: number;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Whether nothing listens on 127.0.0.1:port (binding and releasing it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

export async function freePort(from: number, to: number): Promise<number> {
  // Start at a pid-dependent offset so concurrent runs rarely race for the same port.
  const span = to - from + 1;
  for (let i = 0; i < span; i++) {
    const port = from + ((process.pid + i) % span);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${from}–${to}`);
}

export function assertProductionBuild(cwd: string): void {
  if (!fs.existsSync(path.join(cwd, ".next", "BUILD_ID"))) {
    throw new Error(`no production build in ${path.join(cwd, ".next")}: run \`npm run build\` first`);
  }
}

const MAX_LINES = 5_000;

export async function startServer(options: StartOptions): Promise<FuzzServer> {
  const cwd = options.cwd ?? process.cwd();
  assertProductionBuild(cwd);
  const port = await freePort(options.portFrom ?? 3400, options.portTo ?? 3499);
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(cwd, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: options.databaseUrl,
        PHASEGATE_BACKGROUND: "0",
        PHASEGATE_DEMO_SEED: "0",
        // Production on PostgreSQL requires a session secret; a fresh one per run.
        AUTH_SECRET: randomBytes(32).toString("base64url"),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: ServerLine[] = [];
  let total = 0;
  let exitState: string | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitState = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });
  for (const stream of ["stdout", "stderr"] as const) {
    let partial = "";
    child[stream]!.setEncoding("utf8");
    child[stream]!.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const text of parts) {
        lines.push({ at: Date.now() - started, stream, text });
        total++;
      }
      if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    });
  }

  const server: FuzzServer = {
    baseUrl,
    port,
    pid: child.pid!,
    lines,
    lineCount: () => total,
    linesSince(count) {
      const wanted = total - count;
      return wanted <= 0 ? [] : lines.slice(Math.max(0, lines.length - wanted));
    },
    exited: () => exitState,
    async stop() {
      if (exitState === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          if (exitState === null) child.kill("SIGKILL");
        }, 15_000);
        await exitPromise;
        clearTimeout(timer);
      }
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (exitState !== null) {
      throw new Error(
        `the server exited during startup (${exitState}): ${lines
          .map((l) => l.text)
          .join("\n")
          .slice(-2000)}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(
    `the server did not answer /api/health within ${options.readyTimeoutMs ?? 120_000} ms: ${lines
      .map((l) => l.text)
      .join("\n")
      .slice(-2000)}`,
  );
}
