// npm run edge – the flag evaluator for production traffic: OFREP on plain node:http, flags held
// in memory and refreshed through PostgreSQL LISTEN/NOTIFY. Run as many as you need beside the
// app; they share its PostgreSQL database and write nothing: EDGE_DATABASE_URL names a read-only
// role (`npm run db:roles` makes it), else DATABASE_URL is used.
import { describePostgresUrl, openDatabase } from "../db/client";
import { startEdge } from "../lib/edge/server";
import { describeError } from "../lib/errors";
import { RateLimiter } from "../lib/ofrep/rate-limit";

const url = process.env.EDGE_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
if (!url) {
  console.error("phasegate edge: cannot start: set EDGE_DATABASE_URL (a read-only role) or DATABASE_URL to the app's PostgreSQL database (the embedded PGlite serves one process only)");
  process.exit(1);
}
const port = Number(process.env.EDGE_PORT ?? 3100);
const host = process.env.EDGE_HOST ?? "0.0.0.0";

try {
  describePostgresUrl(url);
  const handle = await openDatabase({ databaseUrl: url, maxConnections: Number(process.env.EDGE_DB_CONNECTIONS ?? 4) });
  const applied = await handle.migrationsApplied();
  const edge = await startEdge({ handle, port, host, limiter: RateLimiter.fromEnv(process.env) });
  console.log(`phasegate edge: evaluating flags over OFREP on http://${host}:${edge.port}/ofrep/v1/evaluate/flags (${handle.target}, ${applied} migrations)`);
  const stop = async () => {
    await edge.close();
    await handle.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
} catch (error) {
  console.error(`phasegate edge: cannot start: ${describeError(error)}`);
  process.exit(1);
}
