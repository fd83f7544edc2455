import { and, eq, isNull, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rollbackTriggers } from "@/db/schema";

/** Descriptions of the enabled triggers on the phase (or the whole plan) whose last verdict is "breached". */
export async function breachedTriggers(db: Database, planId: string, phaseId: string): Promise<string[]> {
  const rows = await db
    .select({ description: rollbackTriggers.description })
    .from(rollbackTriggers)
    .where(
      and(
        eq(rollbackTriggers.planId, planId),
        eq(rollbackTriggers.enabled, true),
        eq(rollbackTriggers.state, "breached"),
        or(isNull(rollbackTriggers.phaseId), eq(rollbackTriggers.phaseId, phaseId)),
      ),
    );
  return rows.map((r) => r.description);
}
