import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { incidentOrigin, incidentStatus } from "./enums";
import { rollbackTriggers } from "./metrics";
import { decisions, phases, plans } from "./plans";

// Opened by every rollback, manual or automatic. The four instants are measured against the
// plan's rollback time targets.
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    phaseId: uuid("phase_id").references(() => phases.id, { onDelete: "set null" }),
    triggerId: uuid("trigger_id").references(() => rollbackTriggers.id, { onDelete: "set null" }),
    decisionId: uuid("decision_id").references(() => decisions.id, { onDelete: "set null" }),
    origin: incidentOrigin("origin").notNull(),
    status: incidentStatus("status").notNull().default("open"),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    detectedAt: ts("detected_at").notNull(),
    decidedAt: ts("decided_at"),
    executedAt: ts("executed_at"),
    verifiedAt: ts("verified_at"),
    postmortem: text("postmortem").notNull().default(""),
    // The canary judgement that rolled the plan back, when a canary_worse trigger did.
    judgement: jsonb("judgement"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("incidents_plan_idx").on(t.planId, t.detectedAt),
    check(
      "incidents_times_ordered",
      sql`(${t.decidedAt} is null or ${t.decidedAt} >= ${t.detectedAt})
        and (${t.executedAt} is null or (${t.decidedAt} is not null and ${t.executedAt} >= ${t.decidedAt}))
        and (${t.verifiedAt} is null or (${t.executedAt} is not null and ${t.verifiedAt} >= ${t.executedAt}))`,
    ),
  ],
);

export type Incident = typeof incidents.$inferSelect;
