import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  actorKind,
  decisionKind,
  downtimeMode,
  phaseStatus,
  planStatus,
  planKind,
  planStrategy,
  projectRole,
} from "./enums";
import { ts } from "./columns";
import { projects, users } from "./identity";

export const plans = pgTable(
  "plans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    releaseVersion: text("release_version").notNull(),
    summary: text("summary").notNull().default(""),
    strategy: planStrategy("strategy").notNull(),
    kind: planKind("kind").notNull().default("rollout"),
    downtime: downtimeMode("downtime").notNull().default("zero"),
    maintenanceWindowStart: ts("maintenance_window_start"),
    maintenanceWindowEnd: ts("maintenance_window_end"),
    // Rollback time targets in seconds (defaults: decide 5 min, execute 2, verify 3, total 10).
    decideTargetSec: integer("decide_target_sec").notNull().default(300),
    executeTargetSec: integer("execute_target_sec").notNull().default(120),
    verifyTargetSec: integer("verify_target_sec").notNull().default(180),
    totalTargetSec: integer("total_target_sec").notNull().default(600),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    targetStartAt: ts("target_start_at"),
    targetEndAt: ts("target_end_at"),
    status: planStatus("status").notNull().default("draft"),
    startedAt: ts("started_at"),
    endedAt: ts("ended_at"),
    // Text the importer could not map to a structure is kept here, never dropped.
    notes: text("notes").notNull().default(""),
    // Optimistic concurrency: every accepted change of the plan's state bumps it.
    version: integer("version").notNull().default(1),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("plans_project_idx").on(t.projectId, t.status),
    check("plans_version_positive", sql`${t.version} >= 1`),
    check(
      "plans_targets_positive",
      sql`${t.decideTargetSec} > 0 and ${t.executeTargetSec} > 0 and ${t.verifyTargetSec} > 0 and ${t.totalTargetSec} > 0`,
    ),
    check(
      "plans_target_dates_ordered",
      sql`${t.targetStartAt} is null or ${t.targetEndAt} is null or ${t.targetStartAt} <= ${t.targetEndAt}`,
    ),
    check(
      "plans_window_when_maintenance",
      sql`${t.downtime} = 'zero' or (${t.maintenanceWindowStart} is not null and ${t.maintenanceWindowEnd} is not null)`,
    ),
  ],
);

export const phases = pgTable(
  "phases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    audience: text("audience").notNull().default(""),
    trafficPercent: doublePrecision("traffic_percent").notNull(),
    plannedStartAt: ts("planned_start_at"),
    plannedEndAt: ts("planned_end_at"),
    actualStartAt: ts("actual_start_at"),
    actualEndAt: ts("actual_end_at"),
    status: phaseStatus("status").notNull().default("pending"),
    minDurationMinutes: integer("min_duration_minutes").notNull().default(0),
    // Advance by itself once the minimum duration passed and the gate holds (a guarded rollout).
    autoAdvance: boolean("auto_advance").notNull().default(false),
    goal: text("goal").notNull().default(""),
  },
  (t) => [
    unique("phases_plan_position_uq").on(t.planId, t.position),
    check("phases_traffic_range", sql`${t.trafficPercent} >= 0 and ${t.trafficPercent} <= 100`),
    check("phases_position_nonneg", sql`${t.position} >= 0`),
    check("phases_min_duration_nonneg", sql`${t.minDurationMinutes} >= 0`),
    check(
      "phases_planned_ordered",
      sql`${t.plannedStartAt} is null or ${t.plannedEndAt} is null or ${t.plannedStartAt} <= ${t.plannedEndAt}`,
    ),
    // At most one active phase per plan, whatever the application does.
    uniqueIndex("phases_one_active_idx")
      .on(t.planId)
      .where(sql`${t.status} = 'active'`),
  ],
);

// The go/no-go gate of a phase: n approvals among the listed roles, plus checklists and criteria.
export const gates = pgTable(
  "gates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    phaseId: uuid("phase_id")
      .notNull()
      .unique()
      .references(() => phases.id, { onDelete: "cascade" }),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    approverRoles: projectRole("approver_roles")
      .array()
      .notNull()
      .default(sql`'{approver}'::project_role[]`),
    requireSuccessCriteria: boolean("require_success_criteria").notNull().default(true),
  },
  (t) => [check("gates_required_approvals_range", sql`${t.requiredApprovals} >= 0 and ${t.requiredApprovals} <= 20`)],
);

export const approvals = pgTable(
  "approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    gateId: uuid("gate_id")
      .notNull()
      .references(() => gates.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    role: projectRole("role").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: ts("created_at").notNull().defaultNow(),
    // An approval is spent by the go decision it allowed, or withdrawn by a no-go.
    voidedAt: ts("voided_at"),
  },
  (t) => [
    uniqueIndex("approvals_one_live_per_user_idx")
      .on(t.gateId, t.userId)
      .where(sql`${t.voidedAt} is null`),
  ],
);

export const decisions = pgTable(
  "decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    phaseId: uuid("phase_id")
      .notNull()
      .references(() => phases.id, { onDelete: "cascade" }),
    kind: decisionKind("kind").notNull(),
    rationale: text("rationale").notNull(),
    actorKind: actorKind("actor_kind").notNull(),
    deciderId: uuid("decider_id").references(() => users.id, { onDelete: "set null" }),
    // The plan version the decider saw; a stale one is refused before this row is written.
    planVersion: integer("plan_version").notNull(),
    overrideReason: text("override_reason"),
    decidedAt: ts("decided_at").notNull().defaultNow(),
  },
  (t) => [
    index("decisions_plan_idx").on(t.planId, t.decidedAt),
    check("decisions_rationale_present", sql`length(trim(${t.rationale})) > 0`),
    check("decisions_user_has_decider", sql`${t.actorKind} <> 'user' or ${t.deciderId} is not null`),
    check("decisions_override_only_go", sql`${t.overrideReason} is null or ${t.kind} = 'go'`),
  ],
);

export type Plan = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;
export type Phase = typeof phases.$inferSelect;
export type NewPhase = typeof phases.$inferInsert;
export type Gate = typeof gates.$inferSelect;
export type Approval = typeof approvals.$inferSelect;
export type Decision = typeof decisions.$inferSelect;
