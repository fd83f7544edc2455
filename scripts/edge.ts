// npm run edge – the flag evaluator for production traffic: OFREP on plain node:http, flags held
// in memory and refreshed through PostgreSQL LISTEN/NOTIFY. Run as many as you need beside the
// app; they share its PostgreSQL database and write nothing: EDGE_DATABASE_URL names a read-only
// role (`npm run db:roles` makes it), else DATABASE_URL is used.
//
// Logs are JSON lines (PHASEGATE_LOG_FORMAT=pretty for people), one per request. /metrics serves
// Prometheus metrics behind PHASEGATE_METRICS_TOKEN. On SIGTERM or SIGINT it stops taking
// connections, finishes what is under way and exits 0 within PHASEGATE_SHUTDOWN_GRACE_MS,
// whatever state its database is in.
import { describePostgresUrl, type DbHandle, openDatabase } from "../db/client";
import { installEdgeLogger } from "../lib/edge/log";
import { startEdge } from "../lib/edge/server";
import { configurationProblems, setting } from "../lib/config";
import { describeError } from "../lib/errors";
import { createEdgeMetrics } from "../lib/observability/edge-metrics";
import { errorFields } from "../lib/observability/log";
import { RateLimiter } from "../lib/ofrep/rate-limit";

const problem = configurationProblems(process.env, "edge").at(0);
if (problem) {
  console.error(`phasegate edge: cannot start: ${problem}`);
  process.exit(1);
}
const url = setting("EDGE_DATABASE_URL") ?? setting("DATABASE_URL");
if (!url) {
  console.error(
    "phasegate edge: cannot start: set EDGE_DATABASE_URL (a read-only role) or DATABASE_URL to the app's PostgreSQL database (the embedded PGlite serves one process only)",
  );
  process.exit(1);
}
const port = setting("EDGE_PORT");
const host = setting("EDGE_HOST");
const graceMs = setting("PHASEGATE_SHUTDOWN_GRACE_MS");
const { logger, flush } = installEdgeLogger();

// A database error must never end the process: anything that slips past its handler is logged.
process.on("unhandledRejection", (reason) => logger.error(errorFields(reason), "unhandled rejection (kept running)"));

let handle: DbHandle;
try {
  describePostgresUrl(url);
  handle = await openDatabase({ databaseUrl: url, maxConnections: setting("EDGE_DB_CONNECTIONS") });
} catch (error) {
  console.error(`phasegate edge: cannot start: ${describeError(error)}`);
  process.exit(1);
}

try {
  const applied = await handle.migrationsApplied();
  const edge = await startEdge({
    handle,
    port,
    host,
    limiter: RateLimiter.fromEnv(process.env),
    logger,
    metrics: createEdgeMetrics({ processMetrics: true }),
    metricsToken: setting("PHASEGATE_METRICS_TOKEN"),
    watch: { intervalMs: setting("EDGE_DB_CHECK_MS") },
  });
  logger.info(
    { target: handle.target, migrations: applied, graceMs },
    `evaluating flags over OFREP on http://${host}:${edge.port}/ofrep/v1/evaluate/flags`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.info({ signal, graceMs }, "stopping: no new connections, finishing the requests under way");
    // Whatever hangs, the process is gone by the end of the grace period.
    setTimeout(() => {
      logger.warn({ graceMs }, "grace period over: exiting with steps unfinished");
      exit();
    }, graceMs).unref();
    void (async () => {
      await edge.close({ graceMs: Math.max(0, graceMs - 1_000) });
      const left = Math.max(100, Math.min(5_000, graceMs - (Date.now() - started) - 200));
      await closeDatabase(left);
      logger.info({ ms: Date.now() - started }, "stopped");
      exit();
    })();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (error) {
  console.error(`phasegate edge: cannot start: ${describeError(error)}`);
  await closeDatabase(2_000);
  process.exit(1);
}

/** Closes the pool; an unreachable database neither fails nor holds this past `timeoutMs`. */
async function closeDatabase(timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      handle.close(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn({ timeoutMs }, "database connections did not close in time: left behind");
          resolve();
        }, timeoutMs);
      }),
    ]);
  } catch (error) {
    logger.warn(errorFields(error), "closing the database connections failed");
  } finally {
    clearTimeout(timer);
  }
}

function exit() {
  flush();
  process.exit(0);
}
