import "server-only";
import { type Database, getDb } from "@/db/client";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { appMetrics } from "@/lib/observability/metrics";

export type ReadResult<T> = { ok: true; data: T } | { ok: false; reason: string };

/**
 * Runs a page's read against the process database. An unreachable or misconfigured database
 * becomes a result the page renders as a clear message; anything else is a bug and is thrown.
 */
export async function readWithDatabase<T>(fn: (db: Database) => Promise<T>): Promise<ReadResult<T>> {
  try {
    const handle = await getDb();
    return { ok: true, data: await fn(handle.db) };
  } catch (error) {
    if (error instanceof AppError && (error.code === "unavailable:database" || error.code === "config:database")) {
      return { ok: false, reason: error.message };
    }
    if (isDatabaseUnavailable(error)) {
      appMetrics().dbErrors.inc({ where: "page" });
      log().warn({ error: (error as Error).message }, "database unavailable");
      return { ok: false, reason: "The connection to PostgreSQL failed." };
    }
    throw error;
  }
}
