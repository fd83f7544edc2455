import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { checklistKind, itemState, projectRole, validationWindow } from "./enums";
import { users } from "./identity";
import { phases, plans } from "./plans";

export const checklists = pgTable(
  "checklists",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    // Null for plan-wide lists (pre-deployment); set for a phase's go/no-go and validation lists.
    phaseId: uuid("phase_id").references(() => phases.id, { onDelete: "cascade" }),
    kind: checklistKind("kind").notNull(),
    title: text("title").notNull(),
    // Post-deployment validation: immediate 0–30 min, short-term 30 min–4 h, long-term 4–24 h.
    window: validationWindow("window"),
    requiredSignoffRoles: projectRole("required_signoff_roles")
      .array()
      .notNull()
      .default(sql`'{}'::project_role[]`),
    position: integer("position").notNull().default(0),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("checklists_plan_idx").on(t.planId, t.phaseId),
    check("checklists_window_only_post_deploy", sql`(${t.kind} = 'post_deployment') = (${t.window} is not null)`),
    check("checklists_go_no_go_has_phase", sql`${t.kind} <> 'go_no_go' or ${t.phaseId} is not null`),
  ],
);

export const checklistItems = pgTable(
  "checklist_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    checklistId: uuid("checklist_id")
      .notNull()
      .references(() => checklists.id, { onDelete: "cascade" }),
    // Stable key so CI can tick an item through the API ("all-tests-passing").
    key: text("key").notNull(),
    text: text("text").notNull(),
    required: boolean("required").notNull().default(true),
    assigneeRole: projectRole("assignee_role"),
    assigneeUserId: uuid("assignee_user_id").references(() => users.id, { onDelete: "set null" }),
    state: itemState("state").notNull().default("open"),
    reason: text("reason"),
    evidenceUrl: text("evidence_url"),
    evidenceNote: text("evidence_note"),
    position: integer("position").notNull().default(0),
    updatedById: uuid("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    // Free-text actor label when the change came from a token or the system.
    updatedByLabel: text("updated_by_label"),
    updatedAt: ts("updated_at"),
  },
  (t) => [
    unique("checklist_items_key_uq").on(t.checklistId, t.key),
    check("checklist_items_key_shape", sql`${t.key} ~ '^[a-z0-9][a-z0-9._-]{0,79}$'`),
    check(
      "checklist_items_reason_when_needed",
      sql`${t.state} not in ('not_applicable', 'blocked') or length(trim(coalesce(${t.reason}, ''))) > 0`,
    ),
  ],
);

// A sign-off is void as soon as any item of its checklist changes afterwards.
export const signOffs = pgTable(
  "sign_offs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    checklistId: uuid("checklist_id")
      .notNull()
      .references(() => checklists.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    role: projectRole("role").notNull(),
    signedAt: ts("signed_at").notNull().defaultNow(),
    voidedAt: ts("voided_at"),
    voidedByItemId: uuid("voided_by_item_id").references(() => checklistItems.id, { onDelete: "set null" }),
    voidReason: text("void_reason"),
  },
  (t) => [
    index("sign_offs_checklist_idx").on(t.checklistId),
    // One live sign-off per role and list: two approvers signing at once cannot both count.
    uniqueIndex("sign_offs_one_live_per_role_idx")
      .on(t.checklistId, t.role)
      .where(sql`${t.voidedAt} is null`),
  ],
);

export type Checklist = typeof checklists.$inferSelect;
export type ChecklistItem = typeof checklistItems.$inferSelect;
export type SignOff = typeof signOffs.$inferSelect;
