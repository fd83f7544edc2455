import pino, { type Logger } from "pino";
import { setting } from "@/lib/config";
import { createLogger } from "@/lib/observability/log";

// The edge process's logger, `phasegate-edge`. JSON lines unless PHASEGATE_LOG_FORMAT=pretty
// (an edge runs beside production traffic, not in development), written without blocking the
// request path: a line per request at thousands of requests a second. It becomes the process's
// logger too, so the code the edge shares with the app (OFREP handler, event hub) logs as the edge.

const holder = globalThis as typeof globalThis & { __phasegateLog?: Logger };

export function installEdgeLogger(processEnv: NodeJS.ProcessEnv = process.env): { logger: Logger; flush: () => void } {
  // Info unless asked otherwise, even under a test runner: tests that start an edge read its
  // startup line for the port.
  const env: NodeJS.ProcessEnv = { ...processEnv, PHASEGATE_LOG_LEVEL: processEnv.PHASEGATE_LOG_LEVEL ?? "info" };
  // JSON unless asked otherwise, whatever NODE_ENV says.
  const format = env.PHASEGATE_LOG_FORMAT?.trim() ? setting("PHASEGATE_LOG_FORMAT", env) : "json";
  if (format === "pretty") {
    const logger = createLogger("phasegate-edge", env);
    holder.__phasegateLog = logger;
    return { logger, flush: () => {} };
  }
  const destination = pino.destination({ dest: 1, sync: false });
  // SonicBoom is the stream pino writes to anyway; createLogger merely types its argument as Node's.
  const logger = createLogger("phasegate-edge", env, destination as unknown as NodeJS.WritableStream);
  holder.__phasegateLog = logger;
  return {
    logger,
    flush() {
      try {
        destination.flushSync();
      } catch {
        // stdout is gone or not ready: nothing more to save
      }
    },
  };
}
