import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { projects } from "./identity";

export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

// Outgoing webhooks per project (Slack-compatible JSON, HMAC-SHA256 signed). The audit trail is
// the outbox: events are read from audit_events after `cursor`, so a change and its webhook can
// never disagree, and nothing is lost while no app process runs.
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    url: text("url").notNull(),
    // The HMAC key the receiver verifies signatures with.
    secret: text("secret").notNull(),
    // Which events: phase.advanced, decision.recorded, trigger.fired, rollback.
    events: text("events").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    // The last audit event id already turned into deliveries.
    cursor: bigint("cursor", { mode: "number" }).notNull().default(0),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [unique("webhooks_project_name_uq").on(t.projectId, t.name)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    auditEventId: bigint("audit_event_id", { mode: "number" }).notNull(),
    event: text("event").notNull(),
    payload: jsonb("payload").notNull(),
    status: webhookDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    // The start of the receiver's last answer: a foreign body, shown to administrators only.
    lastResponseExcerpt: text("last_response_excerpt"),
    deliveredAt: ts("delivered_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("webhook_deliveries_once_uq").on(t.webhookId, t.auditEventId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    check("webhook_deliveries_attempts_nonneg", sql`${t.attempts} >= 0`),
  ],
);

export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
