import { createHash, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { applicationName, type DbHandle, rowsOf } from "@/db/client";
import type { AppMetrics } from "./metrics";

// What /metrics reads at scrape time rather than counting as it happens: this process's
// database connections (by their application_name in pg_stat_activity) and its open live streams.

const digest = (value: string) => createHash("sha256").update(value).digest();

/** A bearer token against the configured one, in constant time; never true when none is configured. */
export function metricsTokenMatches(expected: string | undefined, header: string | null): boolean {
  if (!expected) return false;
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(presented), digest(expected));
}

const STREAMS = Symbol.for("phasegate.live.streams");

export async function refreshScrapeGauges(metrics: AppMetrics, handle: DbHandle | null): Promise<void> {
  const streams = (globalThis as Record<symbol, { size: number } | undefined>)[STREAMS];
  metrics.liveStreams.set(streams?.size ?? 0);
  if (!handle) return;
  metrics.dbPoolMax.set(handle.poolMax);
  if (handle.kind === "pglite") {
    metrics.dbConnections.reset();
    metrics.dbConnections.set({ state: "active" }, 1);
    return;
  }
  try {
    const rows = rowsOf<{ state: string | null; n: number }>(
      await handle.db.execute(
        sql`select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity where application_name = ${applicationName()} group by 1`,
      ),
    );
    metrics.dbConnections.reset();
    for (const r of rows) metrics.dbConnections.set({ state: r.state ?? "unknown" }, Number(r.n));
  } catch {
    metrics.dbErrors.inc({ where: "metrics scrape" });
  }
}
