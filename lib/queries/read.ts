import "server-only";
import { type Database, getDb } from "@/db/client";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";

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
      console.error(`phasegate: database unavailable: ${(error as Error).message}`);
      return { ok: false, reason: "The connection to PostgreSQL failed." };
    }
    throw error;
  }
}
