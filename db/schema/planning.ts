import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { migrationKind, migrationStepStatus, riskLevel, riskStatus } from "./enums";
import { users } from "./identity";
import { plans } from "./plans";

// Order rule (enforced by lib/domain): schema → code → backfill → cleanup, never reversed;
// an irreversible step only after the validation before it is done.
export const migrationSteps = pgTable(
  "migration_steps",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    kind: migrationKind("kind").notNull(),
    action: text("action").notNull(),
    reversible: boolean("reversible").notNull().default(true),
    expectedDurationMinutes: integer("expected_duration_minutes").notNull().default(0),
    risk: riskLevel("risk").notNull().default("low"),
    validation: text("validation").notNull().default(""),
    status: migrationStepStatus("status").notNull().default("pending"),
    // When the current run began: set by start, kept through validate, complete and fail.
    startedAt: ts("started_at"),
    validatedAt: ts("validated_at"),
    completedAt: ts("completed_at"),
  },
  (t) => [
    unique("migration_steps_order_uq").on(t.planId, t.position),
    check("migration_steps_duration_nonneg", sql`${t.expectedDurationMinutes} >= 0`),
  ],
);

export const risks = pgTable("risks", {
  id: uuid("id").primaryKey().defaultRandom(),
  planId: uuid("plan_id")
    .notNull()
    .references(() => plans.id, { onDelete: "cascade" }),
  description: text("description").notNull(),
  likelihood: riskLevel("likelihood").notNull(),
  impact: riskLevel("impact").notNull(),
  mitigation: text("mitigation").notNull().default(""),
  ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
  ownerLabel: text("owner_label").notNull().default(""),
  status: riskStatus("status").notNull().default("open"),
  createdAt: ts("created_at").notNull().defaultNow(),
});

// Message templates use placeholders such as {plan}, {phase}, {reason}, {eta}.
export const commsEntries = pgTable("comms_entries", {
  id: uuid("id").primaryKey().defaultRandom(),
  planId: uuid("plan_id")
    .notNull()
    .references(() => plans.id, { onDelete: "cascade" }),
  position: integer("position").notNull().default(0),
  event: text("event").notNull(),
  timing: text("timing").notNull().default(""),
  channel: text("channel").notNull(),
  audience: text("audience").notNull(),
  template: text("template").notNull(),
});

export const escalationLevels = pgTable(
  "escalation_levels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    level: integer("level").notNull(),
    who: text("who").notNull(),
    afterMinutes: integer("after_minutes").notNull(),
    contact: text("contact").notNull().default(""),
  },
  (t) => [
    unique("escalation_levels_plan_level_uq").on(t.planId, t.level),
    check("escalation_levels_after_nonneg", sql`${t.afterMinutes} >= 0`),
  ],
);

export type MigrationStep = typeof migrationSteps.$inferSelect;
export type Risk = typeof risks.$inferSelect;
export type CommsEntry = typeof commsEntries.$inferSelect;
export type EscalationLevel = typeof escalationLevels.$inferSelect;
