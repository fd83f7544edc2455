import "server-only";
import { and, asc, eq, inArray, sum } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metricSources, sampleRollups } from "@/db/schema";

/**
 * What the KPI editor shows besides the plan: the project's metric sources and how many samples
 * each KPI holds (from the hourly rollups, so a KPI with a million samples costs a few rows).
 */
export async function loadKpiEditorData(db: Database, projectId: string, metricIds: readonly string[]) {
  const sources = await db
    .select({ id: metricSources.id, name: metricSources.name })
    .from(metricSources)
    .where(eq(metricSources.projectId, projectId))
    .orderBy(asc(metricSources.name));
  const counts = metricIds.length
    ? await db
        .select({ metricId: sampleRollups.metricId, n: sum(sampleRollups.n) })
        .from(sampleRollups)
        .where(and(inArray(sampleRollups.metricId, [...metricIds]), eq(sampleRollups.bucketSeconds, 3600)))
        .groupBy(sampleRollups.metricId)
    : [];
  return {
    sources,
    sampleCounts: Object.fromEntries(counts.map((r) => [r.metricId, Number(r.n ?? 0)])) as Record<string, number>,
  };
}
