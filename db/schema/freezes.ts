import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";
import { freezeKind } from "./enums";
import { projects, users } from "./identity";
import { decisions, plans } from "./plans";

// A change freeze: the whole instance's (no project) or one project's. Its times are wall times
// ("2025-12-24T16:00") on the clocks of its zone, as lib/domain/freeze-rule.ts reads them. A
// removed freeze keeps its row, so the audit trail can still name it.
export const changeFreezes = pgTable(
  "change_freezes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: freezeKind("kind").notNull(),
    timeZone: text("time_zone").notNull(),
    // One-off: from startsAt to endsAt. Recurring: rrule counted from ruleFrom, each window durationMinutes long.
    startsAt: text("starts_at"),
    endsAt: text("ends_at"),
    rrule: text("rrule"),
    ruleFrom: text("rule_from"),
    durationMinutes: integer("duration_minutes"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    removedAt: ts("removed_at"),
    removedBy: uuid("removed_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    index("change_freezes_project_idx").on(t.projectId),
    check(
      "change_freezes_rule_fields",
      sql`(${t.kind} = 'one_off' and ${t.startsAt} is not null and ${t.endsAt} is not null)
        or (${t.kind} = 'recurring' and ${t.rrule} is not null and ${t.ruleFrom} is not null and ${t.durationMinutes} > 0)`,
    ),
  ],
);

// An emergency override of a freeze for one plan: a release manager and an admin each sign it
// with a reason, in either order. Signed by both, it lets one go decision through until it
// expires (when the freeze that prompted it ends); the go it allowed is recorded on it.
export const freezeOverrides = pgTable(
  "freeze_overrides",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    releaseManagerId: uuid("release_manager_id").references(() => users.id, { onDelete: "restrict" }),
    releaseManagerReason: text("release_manager_reason"),
    releaseManagerSignedAt: ts("release_manager_signed_at"),
    adminId: uuid("admin_id").references(() => users.id, { onDelete: "restrict" }),
    adminReason: text("admin_reason"),
    adminSignedAt: ts("admin_signed_at"),
    expiresAt: ts("expires_at").notNull(),
    decisionId: uuid("decision_id").references(() => decisions.id, { onDelete: "set null" }),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("freeze_overrides_plan_idx").on(t.planId, t.createdAt),
    check(
      "freeze_overrides_two_people",
      sql`${t.releaseManagerId} is null or ${t.adminId} is null or ${t.releaseManagerId} <> ${t.adminId}`,
    ),
    check("freeze_overrides_signed", sql`${t.releaseManagerId} is not null or ${t.adminId} is not null`),
  ],
);

export type ChangeFreezeRow = typeof changeFreezes.$inferSelect;
export type FreezeOverrideRow = typeof freezeOverrides.$inferSelect;
