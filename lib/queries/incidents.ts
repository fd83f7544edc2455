import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents } from "@/db/schema";

// Who did what to a plan's incidents, read from the audit trail: the incident row keeps the
// times of the rollback itself, the trail keeps who verified, resolved and last edited the notes.

export interface IncidentEdit {
  by: string;
  at: Date;
}

export interface IncidentActivity {
  verified?: IncidentEdit;
  resolved?: IncidentEdit;
  reopened?: IncidentEdit;
  postmortem?: IncidentEdit;
  summary?: IncidentEdit;
}

const actions = {
  "incident.verified": "verified",
  "incident.resolved": "resolved",
  "incident.reopened": "reopened",
  "incident.postmortem_updated": "postmortem",
  "incident.summary_updated": "summary",
} as const satisfies Record<string, keyof IncidentActivity>;

/** The latest event of each kind per incident of the plan, keyed by incident id. */
export async function incidentActivity(
  db: Database,
  planId: string,
  incidentIds: readonly string[],
): Promise<Record<string, IncidentActivity>> {
  const out: Record<string, IncidentActivity> = {};
  if (incidentIds.length === 0) return out;
  const rows = await db
    .select({
      incidentId: auditEvents.entityId,
      action: auditEvents.action,
      by: auditEvents.actorLabel,
      at: auditEvents.createdAt,
    })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.planId, planId),
        eq(auditEvents.entityType, "incident"),
        inArray(auditEvents.entityId, [...incidentIds]),
        inArray(auditEvents.action, Object.keys(actions)),
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id));
  for (const row of rows) {
    const key = actions[row.action as keyof typeof actions];
    const entry = (out[row.incidentId] ??= {});
    entry[key] ??= { by: row.by, at: row.at };
  }
  return out;
}
