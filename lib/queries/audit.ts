import "server-only";
import { and, desc, eq, gte, ilike, lt, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, plans } from "@/db/schema";
import type { AuditFilter } from "@/lib/validation/audit";

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_LIMIT = 100_000;

function conditions(projectId: string, filter: AuditFilter): SQL[] {
  const where: SQL[] = [eq(auditEvents.projectId, projectId)];
  if (filter.plan) where.push(eq(auditEvents.planId, filter.plan));
  if (filter.actor) where.push(ilike(auditEvents.actorLabel, `%${escapeLike(filter.actor)}%`));
  if (filter.action) where.push(ilike(auditEvents.action, `${escapeLike(filter.action)}%`));
  if (filter.from) where.push(gte(auditEvents.createdAt, new Date(`${filter.from}T00:00:00Z`)));
  if (filter.to)
    where.push(lt(auditEvents.createdAt, new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + 86_400_000)));
  return where;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const columns = {
  id: auditEvents.id,
  createdAt: auditEvents.createdAt,
  actorKind: auditEvents.actorKind,
  actorLabel: auditEvents.actorLabel,
  action: auditEvents.action,
  entityType: auditEvents.entityType,
  entityId: auditEvents.entityId,
  planId: auditEvents.planId,
  planName: plans.name,
  before: auditEvents.before,
  after: auditEvents.after,
  requestId: auditEvents.requestId,
};

/** One page of a project's audit trail, newest first, plus whether there is a next page. */
export async function auditPage(db: Database, projectId: string, filter: AuditFilter) {
  const rows = await db
    .select(columns)
    .from(auditEvents)
    .leftJoin(plans, eq(plans.id, auditEvents.planId))
    .where(and(...conditions(projectId, filter)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((filter.page - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export async function auditExportRows(db: Database, projectId: string, filter: AuditFilter) {
  return db
    .select(columns)
    .from(auditEvents)
    .leftJoin(plans, eq(plans.id, auditEvents.planId))
    .where(and(...conditions(projectId, filter)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(EXPORT_LIMIT);
}

export type AuditRow = Awaited<ReturnType<typeof auditPage>>["rows"][number];
