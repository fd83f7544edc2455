import http from "node:http";
import type { Logger } from "pino";
import { setting } from "@/lib/config";
import { describeError } from "@/lib/errors";
import { log } from "@/lib/observability/log";

// Graceful shutdown of an app process. On SIGTERM (or SIGINT) the process stops taking new work,
// lets what is in flight finish, and exits 0 within PHASEGATE_SHUTDOWN_GRACE_MS. The steps run in
// order, each with its own timeout and each tolerant: a step that fails or hangs is logged and the
// next one runs, so a database that is gone can never keep the process up or crash it.
//
// `next start` installs its own SIGTERM/SIGINT handler: it closes the HTTP server (which waits for
// every open live stream) and then exits 143 without closing anything of ours. In production this
// module takes the signals over from it (NEXT_MANUAL_SIG_HANDLE=true does the same from outside).

export interface ShutdownStep {
  name: string;
  /** The longest this step may take; it is also cut short by the whole shutdown's deadline. */
  timeoutMs: number;
  run(): Promise<unknown> | unknown;
}

export interface ShutdownReport {
  signal: string;
  ms: number;
  /** Steps that failed or ran out of time, with why; empty on a clean shutdown. */
  problems: { step: string; error: string }[];
}

type ShutdownLog = Pick<Logger, "info" | "warn" | "debug">;

export const DEFAULT_GRACE_MS = 10_000;

/** The whole shutdown's budget (PHASEGATE_SHUTDOWN_GRACE_MS, default 10 s). */
export function shutdownGraceMs(env: NodeJS.ProcessEnv): number {
  return setting("PHASEGATE_SHUTDOWN_GRACE_MS", env);
}

/**
 * How long a draining process keeps answering before it stops listening, so load balancers see
 * /api/health turn 503 (PHASEGATE_SHUTDOWN_DELAY_MS, default 0; part of the grace period).
 */
export function shutdownDelayMs(env: NodeJS.ProcessEnv): number {
  return setting("PHASEGATE_SHUTDOWN_DELAY_MS", env);
}

// The drain state is per process, not per bundle: route handlers and instrumentation are
// evaluated separately by Next.js and must all see the same flag.
interface DrainState {
  draining: boolean;
  servers: Set<http.Server>;
  inFlight: number;
  idle: Set<() => void>;
}
const stateKey = Symbol.for("phasegate.shutdown");
function drainState(): DrainState {
  const slot = globalThis as Record<symbol, DrainState | undefined>;
  return (slot[stateKey] ??= { draining: false, servers: new Set(), inFlight: 0, idle: new Set() });
}

/** True once the process has started shutting down. */
export function isDraining(): boolean {
  return drainState().draining;
}

/** How long clients are told to wait before trying again (Retry-After, SSE retry). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Work a draining process refuses: the JSON APIs (/api, /ofrep) and anything that is not a read,
 * server actions included. Pages still render, and live streams are told to reconnect elsewhere
 * by their own route.
 */
export function refusedWhileDraining(method: string | undefined, url: string): boolean {
  if (url.startsWith("/api/") || url.startsWith("/ofrep/")) return true;
  return method !== "GET" && method !== "HEAD";
}

function refuse(request: http.IncomingMessage, response: http.ServerResponse) {
  const url = request.url ?? "/";
  const message = "This server is shutting down; retry shortly (another instance answers)";
  const body = JSON.stringify(
    url.split("?")[0] === "/api/health"
      ? { status: "draining" }
      : url.startsWith("/ofrep/")
        ? { errorCode: "GENERAL", errorDetails: message }
        : { error: { code: "unavailable:shutting_down", message } },
  );
  response.writeHead(503, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "retry-after": String(RETRY_AFTER_SECONDS),
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  response.end(body);
}

const gateMarker = Symbol.for("phasegate.drain-gate");

/**
 * Sits in front of Next.js on every HTTP server of the process: remembers the servers (to close
 * them), counts requests in flight (to wait for them), and once draining answers refused work with
 * 503 and Retry-After. Installed before the front door, so those answers are logged like any other.
 */
export function guardDraining(): void {
  const proto = http.Server.prototype as http.Server & { [gateMarker]?: true };
  if (proto[gateMarker]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" || event === "connection") drainState().servers.add(this);
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      const response = args[1] as http.ServerResponse;
      const state = drainState();
      state.inFlight++;
      response.once("close", () => {
        state.inFlight--;
        if (state.inFlight === 0) for (const fn of [...state.idle]) fn();
      });
      if (state.draining && refusedWhileDraining(request.method, request.url ?? "/")) {
        refuse(request, response);
        return true;
      }
    }
    return (emit as (...all: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof proto.emit;
  proto[gateMarker] = true;
}

/** Stops listening and waits (up to the step's timeout) for the requests in flight to end. */
export async function finishRequests(): Promise<void> {
  const state = drainState();
  for (const server of state.servers) {
    server.close(() => {});
    server.closeIdleConnections();
  }
  if (state.inFlight > 0) {
    await new Promise<void>((resolve) => {
      const done = () => {
        state.idle.delete(done);
        resolve();
      };
      state.idle.add(done);
    });
  }
  for (const server of state.servers) server.closeIdleConnections();
}

function withTimeout(work: () => Promise<unknown> | unknown, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end within ${ms} ms`)), Math.max(0, ms));
    Promise.resolve()
      .then(work)
      .then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
  });
}

export interface Coordinator {
  /** Runs the shutdown once; a second call (a second signal) gets the same run. */
  shutDown(signal: string): Promise<ShutdownReport>;
}

/**
 * Runs `steps` in order within `graceMs`: each step gets its own timeout, cut short by what is left
 * of the grace period, and a step past the deadline is skipped. Failures are reported, never thrown.
 */
export function createShutdown(options: {
  steps: () => ShutdownStep[];
  graceMs: number;
  logger?: ShutdownLog;
  now?: () => number;
}): Coordinator {
  const now = options.now ?? Date.now;
  let running: Promise<ShutdownReport> | null = null;
  let repeated = false;
  return {
    shutDown(signal) {
      const logger = options.logger ?? log();
      if (running) {
        if (!repeated) logger.info({ signal }, "already shutting down");
        repeated = true;
        return running;
      }
      drainState().draining = true;
      running = (async () => {
        const started = now();
        const deadline = started + options.graceMs;
        logger.info({ signal, graceMs: options.graceMs }, "shutting down");
        const problems: ShutdownReport["problems"] = [];
        let steps: ShutdownStep[] = [];
        try {
          steps = options.steps();
        } catch (error) {
          problems.push({ step: "plan", error: describeError(error) });
        }
        for (const step of steps) {
          const left = deadline - now();
          if (left <= 0) {
            problems.push({ step: step.name, error: "skipped: the grace period is over" });
            logger.warn({ step: step.name }, "shutdown step skipped: the grace period is over");
            continue;
          }
          const stepStarted = now();
          try {
            await withTimeout(() => step.run(), Math.min(step.timeoutMs, left));
            logger.debug({ step: step.name, ms: now() - stepStarted }, "shutdown step done");
          } catch (error) {
            const message = describeError(error);
            problems.push({ step: step.name, error: message });
            logger.warn({ step: step.name, ms: now() - stepStarted, error: message }, "shutdown step did not finish");
          }
        }
        const report = { signal, ms: now() - started, problems };
        logger.info({ signal, ms: report.ms, ...(problems.length ? { problems } : {}) }, "stopped");
        return report;
      })();
      return running;
    },
  };
}

const signalsKey = Symbol.for("phasegate.shutdown.signals");

/** Next.js's own handler (start-server's `cleanup`), which would exit 143 before our steps ran. */
function isNextCleanup(listener: (...args: unknown[]) => void): boolean {
  const source = Function.prototype.toString.call(listener);
  return listener.name === "cleanup" && (source.includes("cleanupStarted") || source.includes("start-server"));
}

/**
 * Makes SIGTERM and SIGINT run `coordinator` and then exit 0, in place of Next.js's own handler.
 * Once per process. While shutting down, a stray rejected promise (a driver failing as its
 * connection goes) is logged instead of ending the process.
 */
export function handleShutdownSignals(
  coordinator: Coordinator,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const slot = globalThis as Record<symbol, true | undefined>;
  if (slot[signalsKey]) return;
  slot[signalsKey] = true;
  let replaced = 0;
  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    const run = coordinator.shutDown(signal);
    if (exiting) return;
    exiting = true;
    if (process.listenerCount("unhandledRejection") === 0) {
      process.on("unhandledRejection", (reason) =>
        log().warn({ error: describeError(reason) }, "ignored during shutdown"),
      );
    }
    void run
      .catch(() => undefined)
      .finally(() => {
        // The last lines reach stdout before the exit; a stuck stream does not hold it.
        const fallback = setTimeout(() => exit(0), 500);
        try {
          log().flush(() => {
            clearTimeout(fallback);
            exit(0);
          });
        } catch {
          // the fallback exits
        }
      });
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    for (const listener of process.listeners(signal)) {
      if (isNextCleanup(listener as (...args: unknown[]) => void)) {
        process.removeListener(signal, listener);
        replaced++;
      }
    }
    process.on(signal, onSignal);
  }
  if (!replaced && !process.env.NEXT_MANUAL_SIG_HANDLE) {
    log().warn("Next.js's own signal handler was not found: it may exit before the shutdown steps finish");
  }
}
