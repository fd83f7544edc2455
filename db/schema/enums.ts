import { pgEnum } from "drizzle-orm/pg-core";

// Every status and kind the product knows is a database enum: an unknown value cannot be stored.

export const projectRole = pgEnum("project_role", ["viewer", "engineer", "release_manager", "approver"]);
export const planStrategy = pgEnum("plan_strategy", ["canary", "blue_green", "rolling", "flag_based"]);
// A rollout moves traffic up to 100%; a rollback runbook's phases are the steps of rolling back.
export const planKind = pgEnum("plan_kind", ["rollout", "rollback_runbook"]);
export const downtimeMode = pgEnum("downtime_mode", ["zero", "maintenance_window"]);
export const planStatus = pgEnum("plan_status", [
  "draft",
  "scheduled",
  "in_progress",
  "paused",
  "completed",
  "rolled_back",
  "cancelled",
]);
export const phaseStatus = pgEnum("phase_status", ["pending", "active", "passed", "failed", "rolled_back"]);
export const decisionKind = pgEnum("decision_kind", ["go", "no_go", "rollback"]);
export const actorKind = pgEnum("actor_kind", ["user", "token", "system"]);
export const checklistKind = pgEnum("checklist_kind", [
  "pre_deployment",
  "go_no_go",
  "post_deployment",
  "post_rollback",
]);
export const validationWindow = pgEnum("validation_window", ["immediate", "short_term", "long_term"]);
export const itemState = pgEnum("item_state", ["open", "done", "not_applicable", "blocked"]);
export const metricDirection = pgEnum("metric_direction", ["lower_is_better", "higher_is_better"]);
export const metricSourceKind = pgEnum("metric_source_kind", ["push", "prometheus"]);
export const cohort = pgEnum("cohort", ["canary", "baseline"]);
export const comparison = pgEnum("comparison", ["lt", "lte", "gt", "gte"]);
// canary_worse: the canary judge finds the canary worse than the baseline (a sequential test or
// Mann–Whitney, settings in the trigger's `judge`), not a threshold on one cohort's value.
export const triggerMode = pgEnum("trigger_mode", [
  "absolute",
  "relative_to_baseline",
  "degradation_pct",
  "canary_worse",
]);
// canary_not_worse: the phase may advance only when the canary judge says pass.
export const criterionKind = pgEnum("criterion_kind", ["threshold", "canary_not_worse"]);
export const triggerAction = pgEnum("trigger_action", ["automatic_rollback", "alert_only"]);
// What the last evaluation of a trigger found (see lib/domain/triggers.ts).
export const triggerState = pgEnum("trigger_state", ["unknown", "ok", "breached", "stale", "no_data"]);
export const incidentOrigin = pgEnum("incident_origin", ["manual", "automatic"]);
export const incidentStatus = pgEnum("incident_status", ["open", "mitigated", "resolved"]);
export const flagType = pgEnum("flag_type", ["boolean", "string", "number", "object"]);
export const segmentKind = pgEnum("segment_kind", ["user_list", "attribute_rule"]);
export const segmentOperator = pgEnum("segment_operator", ["in", "not_in", "equals", "not_equals"]);
export const migrationKind = pgEnum("migration_kind", ["schema", "code", "backfill", "cleanup"]);
export const migrationStepStatus = pgEnum("migration_step_status", [
  "pending",
  "running",
  "validated",
  "done",
  "failed",
  "reverted",
]);
export const riskLevel = pgEnum("risk_level", ["low", "medium", "high"]);
export const riskStatus = pgEnum("risk_status", ["open", "mitigated", "accepted", "closed"]);

export type ProjectRole = (typeof projectRole.enumValues)[number];
export type PlanStrategy = (typeof planStrategy.enumValues)[number];
export type PlanKind = (typeof planKind.enumValues)[number];
export type PlanStatus = (typeof planStatus.enumValues)[number];
export type PhaseStatus = (typeof phaseStatus.enumValues)[number];
export type DecisionKind = (typeof decisionKind.enumValues)[number];
export type ActorKind = (typeof actorKind.enumValues)[number];
export type ChecklistKind = (typeof checklistKind.enumValues)[number];
export type ValidationWindow = (typeof validationWindow.enumValues)[number];
export type ItemState = (typeof itemState.enumValues)[number];
export type MetricDirection = (typeof metricDirection.enumValues)[number];
export type Cohort = (typeof cohort.enumValues)[number];
export type Comparison = (typeof comparison.enumValues)[number];
export type TriggerMode = (typeof triggerMode.enumValues)[number];
export type CriterionKind = (typeof criterionKind.enumValues)[number];
export type TriggerAction = (typeof triggerAction.enumValues)[number];
export type TriggerState = (typeof triggerState.enumValues)[number];
export type FlagType = (typeof flagType.enumValues)[number];
export type MigrationKind = (typeof migrationKind.enumValues)[number];
export type RiskLevel = (typeof riskLevel.enumValues)[number];
export const freezeKind = pgEnum("freeze_kind", ["one_off", "recurring"]);
