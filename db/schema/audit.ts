import { bigint, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { actorKind } from "./enums";

// Append-only record of every mutation: written in the same transaction as the change.
// No foreign keys: the trail outlives what it describes. The database sets `created_at` and, as
// each writing transaction commits, seals every row into a hash chain (`seq`, `prev_hash`,
// `hash`: see migration 0011): `npm run audit:verify` names the first row that breaks it.
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: uuid("project_id"),
    planId: uuid("plan_id"),
    actorKind: actorKind("actor_kind").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
    requestId: text("request_id"),
    createdAt: ts("created_at").notNull().defaultNow(),
    seq: bigint("seq", { mode: "number" }),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    uniqueIndex("audit_events_seq_idx").on(t.seq),
    index("audit_events_plan_idx").on(t.planId, t.createdAt),
    index("audit_events_project_idx").on(t.projectId, t.createdAt),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;
