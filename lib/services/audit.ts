import type { Database } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { type Actor, actorId, actorLabel } from "@/lib/auth/actor";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  projectId?: string | null;
  planId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Writes an audit event inside the caller's transaction: it lands with the change or not at all. */
export async function writeAudit(
  tx: Tx | Database,
  actor: Actor,
  entry: AuditEntry,
  requestId: string | null,
): Promise<void> {
  await tx.insert(auditEvents).values({
    projectId: entry.projectId ?? null,
    planId: entry.planId ?? null,
    actorKind: actor.kind,
    actorId: actorId(actor),
    actorLabel: actorLabel(actor),
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId,
  });
}
