import "server-only";
import { and, asc, count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metricSources, metrics } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { authorize, excerptFor } from "@/lib/auth/authorize";

/** Sources of a project with how many metrics use each, for everyone who can read the project. */
export async function listMetricSources(db: Database, actor: Actor, projectId: string) {
  authorize(actor, projectId, { action: "project:read" });
  const rows = await db
    .select({ source: metricSources, metrics: count(metrics.id) })
    .from(metricSources)
    .leftJoin(metrics, and(eq(metrics.sourceId, metricSources.id), eq(metrics.sourceKind, "prometheus")))
    .where(eq(metricSources.projectId, projectId))
    .groupBy(metricSources.id)
    .orderBy(asc(metricSources.name));
  return rows.map((r) => ({
    ...r.source,
    lastResponseExcerpt: excerptFor(actor, r.source.lastResponseExcerpt),
    metrics: Number(r.metrics),
  }));
}
