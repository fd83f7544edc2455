import type { DbKind } from "@/db/client";
import type { FlagStoreStatus } from "@/lib/flags/store";
import type { DatabaseCondition } from "./database-watch";

// GET /health, for load balancers and people. An edge that holds flags keeps answering while
// its database is away, so it stays in rotation (200, status "degraded"): taking every edge out
// when the database hiccups would turn a stale-if-error answer into an outage. 503 only when it
// cannot answer at all: stopping, or the database away with nothing held.

export type EdgeHealthStatus = "ok" | "degraded" | "unavailable" | "stopping";

export interface EdgeHealth {
  status: EdgeHealthStatus;
  /** What is going on, in a sentence. */
  message: string;
  db: DbKind;
  database: DatabaseCondition["state"];
  /** Since when the database has been in that state. */
  databaseSince: string;
  databaseLatencyMs: number | null;
  /** Why the database is unreachable. */
  databaseError: string | null;
  /** Whether change notifications (LISTEN) arrive; without them flags are reloaded on a timer. */
  listening: boolean;
  projects: number;
  /** Seconds since the oldest held snapshot was loaded; null when none is held. */
  snapshotAgeSeconds: number | null;
  servedFromMemory: { projectId: string; since: string; reason: string }[];
  reloads: number;
  uptimeSeconds: number;
}

export function healthReport(input: {
  condition: DatabaseCondition;
  listening: boolean;
  held: FlagStoreStatus;
  kind: DbKind;
  startedAt: number;
  stopping: boolean;
}): { status: number; body: EdgeHealth } {
  const { condition, listening, held, stopping } = input;
  const now = Date.now();
  const oldest = held.snapshots.reduce<number | null>(
    (min, s) => (min === null ? s.loadedAt : Math.min(min, s.loadedAt)),
    null,
  );
  const snapshotAgeSeconds = oldest === null ? null : Math.round((now - oldest) / 100) / 10;
  const up = condition.state === "connected";
  const status: EdgeHealthStatus = stopping
    ? "stopping"
    : up
      ? listening && held.servedFromMemory.length === 0
        ? "ok"
        : "degraded"
      : held.projects > 0
        ? "degraded"
        : "unavailable";
  const message =
    status === "stopping"
      ? "Shutting down: finishing the requests under way"
      : !up
        ? held.projects > 0
          ? `The database is unreachable since ${condition.since.toISOString()}: answering from the flags loaded ${snapshotAgeSeconds} s ago, checking again with back-off`
          : "The database is unreachable and no flags are held: evaluations fail until it answers"
        : !listening
          ? "The database answers but change notifications do not arrive: flags are reloaded on every check"
          : held.servedFromMemory.length > 0
            ? "The database answers again; some projects still answer from their last snapshot until they reload"
            : "Serving flags; the database answers and changes arrive as they are made";
  return {
    status: status === "stopping" || status === "unavailable" ? 503 : 200,
    body: {
      status,
      message,
      db: input.kind,
      database: condition.state,
      databaseSince: condition.since.toISOString(),
      databaseLatencyMs: condition.latencyMs,
      databaseError: condition.reason,
      listening,
      projects: held.projects,
      snapshotAgeSeconds,
      servedFromMemory: held.servedFromMemory.map((p) => ({
        projectId: p.projectId,
        since: p.since.toISOString(),
        reason: p.reason,
      })),
      reloads: held.reloads,
      uptimeSeconds: Math.round((now - input.startedAt) / 1000),
    },
  };
}
