import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { stopProcess } from "../../tests/support/processes";

// Real server processes for the tests that need more than the one Playwright starts: production
// `next start` instances and edge evaluators on ports of their own, each keeping the tail of its
// output so a failure can say what the process printed.

export { stopProcess };

const OUTPUT_TAIL = 64 * 1024;

export interface ServerProcess {
  name: string;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  child: ChildProcess;
  /** The end of what the process wrote to stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<string>;
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function track(name: string, port: number, child: ChildProcess): ServerProcess {
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_TAIL) output = output.slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<string>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(String(child.exitCode ?? child.signalCode));
    else child.once("exit", (code, signal) => resolve(String(code ?? signal)));
  });
  return { name, port, base: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

/** A production Next.js server (`next start`, the build in .next) on 127.0.0.1:`port`. */
export function startNext(name: string, port: number, env: Record<string, string>): ServerProcess {
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return track(name, port, child);
}

/** An edge flag evaluator (`npm run edge`) on 127.0.0.1:`port`. */
export function startEdge(name: string, port: number, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/edge.ts"], {
    env: { ...process.env, NODE_ENV: "production", EDGE_HOST: "127.0.0.1", EDGE_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return track(name, port, child);
}

/**
 * Waits until `path` on the server answers 200; fails early, with the process's output, when the
 * process exits or the deadline passes.
 */
export async function waitUntilHealthy(server: ServerProcess, path: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before ${path} answered; it printed:\n${server.output()}`,
      );
    }
    try {
      const res = await fetch(`${server.base}${path}`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${server.name}: ${path} did not answer 200 within ${timeoutMs / 1000} s (last: ${last}); it printed:\n${server.output()}`,
  );
}

/** SIGKILL, as a crash or the OOM killer would, and wait until the process is gone. */
export async function killNow(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGKILL");
  await server.exited;
}

/** Runs `node --import tsx <script>` to the end; rejects with its output when it fails. */
export function runScript(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} ended with ${code ?? signal}:\n${output}`));
    });
  });
}

/** Stops every server and waits for each to exit (SIGKILL after the grace period). */
export async function stopAll(servers: readonly (ServerProcess | undefined)[], graceMs = 15_000): Promise<void> {
  await Promise.all(servers.map((s) => (s ? stopProcess(s.child, graceMs) : undefined)));
}
