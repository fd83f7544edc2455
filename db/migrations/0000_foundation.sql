CREATE TYPE "public"."actor_kind" AS ENUM('user', 'token', 'system');--> statement-breakpoint
CREATE TYPE "public"."checklist_kind" AS ENUM('pre_deployment', 'go_no_go', 'post_deployment', 'post_rollback');--> statement-breakpoint
CREATE TYPE "public"."cohort" AS ENUM('canary', 'baseline');--> statement-breakpoint
CREATE TYPE "public"."comparison" AS ENUM('lt', 'lte', 'gt', 'gte');--> statement-breakpoint
CREATE TYPE "public"."decision_kind" AS ENUM('go', 'no_go', 'rollback');--> statement-breakpoint
CREATE TYPE "public"."downtime_mode" AS ENUM('zero', 'maintenance_window');--> statement-breakpoint
CREATE TYPE "public"."flag_type" AS ENUM('boolean', 'string', 'number', 'object');--> statement-breakpoint
CREATE TYPE "public"."incident_origin" AS ENUM('manual', 'automatic');--> statement-breakpoint
CREATE TYPE "public"."incident_status" AS ENUM('open', 'mitigated', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."item_state" AS ENUM('open', 'done', 'not_applicable', 'blocked');--> statement-breakpoint
CREATE TYPE "public"."metric_direction" AS ENUM('lower_is_better', 'higher_is_better');--> statement-breakpoint
CREATE TYPE "public"."metric_source_kind" AS ENUM('push', 'prometheus');--> statement-breakpoint
CREATE TYPE "public"."migration_kind" AS ENUM('schema', 'code', 'backfill', 'cleanup');--> statement-breakpoint
CREATE TYPE "public"."migration_step_status" AS ENUM('pending', 'running', 'validated', 'done', 'failed', 'reverted');--> statement-breakpoint
CREATE TYPE "public"."phase_status" AS ENUM('pending', 'active', 'passed', 'failed', 'rolled_back');--> statement-breakpoint
CREATE TYPE "public"."plan_status" AS ENUM('draft', 'scheduled', 'in_progress', 'paused', 'completed', 'rolled_back', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."plan_strategy" AS ENUM('canary', 'blue_green', 'rolling', 'flag_based');--> statement-breakpoint
CREATE TYPE "public"."project_role" AS ENUM('viewer', 'engineer', 'release_manager', 'approver');--> statement-breakpoint
CREATE TYPE "public"."risk_level" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."risk_status" AS ENUM('open', 'mitigated', 'accepted', 'closed');--> statement-breakpoint
CREATE TYPE "public"."segment_kind" AS ENUM('user_list', 'attribute_rule');--> statement-breakpoint
CREATE TYPE "public"."segment_operator" AS ENUM('in', 'not_in', 'equals', 'not_equals');--> statement-breakpoint
CREATE TYPE "public"."trigger_action" AS ENUM('automatic_rollback', 'alert_only');--> statement-breakpoint
CREATE TYPE "public"."trigger_mode" AS ENUM('absolute', 'relative_to_baseline', 'degradation_pct');--> statement-breakpoint
CREATE TYPE "public"."validation_window" AS ENUM('immediate', 'short_term', 'long_term');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "project_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_project_id_user_id_role_pk" PRIMARY KEY("project_id","user_id","role")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_slug_unique" UNIQUE("slug"),
	CONSTRAINT "projects_slug_shape" CHECK ("projects"."slug" ~ '^[a-z0-9][a-z0-9-]{0,62}$')
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "users_email_shape" CHECK ("users"."email" like '%_@_%')
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"gate_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "project_role" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"voided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"phase_id" uuid NOT NULL,
	"kind" "decision_kind" NOT NULL,
	"rationale" text NOT NULL,
	"actor_kind" "actor_kind" NOT NULL,
	"decider_id" uuid,
	"plan_version" integer NOT NULL,
	"override_reason" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "decisions_rationale_present" CHECK (length(trim("decisions"."rationale")) > 0),
	CONSTRAINT "decisions_user_has_decider" CHECK ("decisions"."actor_kind" <> 'user' or "decisions"."decider_id" is not null),
	CONSTRAINT "decisions_override_only_go" CHECK ("decisions"."override_reason" is null or "decisions"."kind" = 'go')
);
--> statement-breakpoint
CREATE TABLE "gates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phase_id" uuid NOT NULL,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"approver_roles" "project_role"[] DEFAULT '{approver}'::project_role[] NOT NULL,
	"require_success_criteria" boolean DEFAULT true NOT NULL,
	CONSTRAINT "gates_phase_id_unique" UNIQUE("phase_id"),
	CONSTRAINT "gates_required_approvals_range" CHECK ("gates"."required_approvals" >= 0 and "gates"."required_approvals" <= 20)
);
--> statement-breakpoint
CREATE TABLE "phases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"audience" text DEFAULT '' NOT NULL,
	"traffic_percent" double precision NOT NULL,
	"planned_start_at" timestamp with time zone,
	"planned_end_at" timestamp with time zone,
	"actual_start_at" timestamp with time zone,
	"actual_end_at" timestamp with time zone,
	"status" "phase_status" DEFAULT 'pending' NOT NULL,
	"min_duration_minutes" integer DEFAULT 0 NOT NULL,
	"auto_advance" boolean DEFAULT false NOT NULL,
	"goal" text DEFAULT '' NOT NULL,
	CONSTRAINT "phases_plan_position_uq" UNIQUE("plan_id","position"),
	CONSTRAINT "phases_traffic_range" CHECK ("phases"."traffic_percent" >= 0 and "phases"."traffic_percent" <= 100),
	CONSTRAINT "phases_position_nonneg" CHECK ("phases"."position" >= 0),
	CONSTRAINT "phases_min_duration_nonneg" CHECK ("phases"."min_duration_minutes" >= 0),
	CONSTRAINT "phases_planned_ordered" CHECK ("phases"."planned_start_at" is null or "phases"."planned_end_at" is null or "phases"."planned_start_at" <= "phases"."planned_end_at")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"release_version" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"strategy" "plan_strategy" NOT NULL,
	"downtime" "downtime_mode" DEFAULT 'zero' NOT NULL,
	"maintenance_window_start" timestamp with time zone,
	"maintenance_window_end" timestamp with time zone,
	"decide_target_sec" integer DEFAULT 300 NOT NULL,
	"execute_target_sec" integer DEFAULT 120 NOT NULL,
	"verify_target_sec" integer DEFAULT 180 NOT NULL,
	"total_target_sec" integer DEFAULT 600 NOT NULL,
	"owner_id" uuid,
	"target_start_at" timestamp with time zone,
	"target_end_at" timestamp with time zone,
	"status" "plan_status" DEFAULT 'draft' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"notes" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_version_positive" CHECK ("plans"."version" >= 1),
	CONSTRAINT "plans_targets_positive" CHECK ("plans"."decide_target_sec" > 0 and "plans"."execute_target_sec" > 0 and "plans"."verify_target_sec" > 0 and "plans"."total_target_sec" > 0),
	CONSTRAINT "plans_target_dates_ordered" CHECK ("plans"."target_start_at" is null or "plans"."target_end_at" is null or "plans"."target_start_at" <= "plans"."target_end_at"),
	CONSTRAINT "plans_window_when_maintenance" CHECK ("plans"."downtime" = 'zero' or ("plans"."maintenance_window_start" is not null and "plans"."maintenance_window_end" is not null))
);
--> statement-breakpoint
CREATE TABLE "checklist_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checklist_id" uuid NOT NULL,
	"key" text NOT NULL,
	"text" text NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"assignee_role" "project_role",
	"assignee_user_id" uuid,
	"state" "item_state" DEFAULT 'open' NOT NULL,
	"reason" text,
	"evidence_url" text,
	"evidence_note" text,
	"position" integer DEFAULT 0 NOT NULL,
	"updated_by_id" uuid,
	"updated_by_label" text,
	"updated_at" timestamp with time zone,
	CONSTRAINT "checklist_items_key_uq" UNIQUE("checklist_id","key"),
	CONSTRAINT "checklist_items_key_shape" CHECK ("checklist_items"."key" ~ '^[a-z0-9][a-z0-9._-]{0,79}$'),
	CONSTRAINT "checklist_items_reason_when_needed" CHECK ("checklist_items"."state" not in ('not_applicable', 'blocked') or length(trim(coalesce("checklist_items"."reason", ''))) > 0)
);
--> statement-breakpoint
CREATE TABLE "checklists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"phase_id" uuid,
	"kind" "checklist_kind" NOT NULL,
	"title" text NOT NULL,
	"window" "validation_window",
	"required_signoff_roles" "project_role"[] DEFAULT '{}'::project_role[] NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checklists_window_only_post_deploy" CHECK (("checklists"."kind" = 'post_deployment') = ("checklists"."window" is not null)),
	CONSTRAINT "checklists_go_no_go_has_phase" CHECK ("checklists"."kind" <> 'go_no_go' or "checklists"."phase_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "sign_offs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checklist_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "project_role" NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"voided_at" timestamp with time zone,
	"voided_by_item_id" uuid,
	"void_reason" text
);
--> statement-breakpoint
CREATE TABLE "metric_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"direction" "metric_direction" NOT NULL,
	"target" double precision,
	"alert_threshold" double precision,
	"critical_threshold" double precision,
	"source_kind" "metric_source_kind" DEFAULT 'push' NOT NULL,
	"source_id" uuid,
	"promql" text,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "metrics_plan_key_uq" UNIQUE("plan_id","key"),
	CONSTRAINT "metrics_key_shape" CHECK ("metrics"."key" ~ '^[a-z][a-z0-9_.]{0,63}$'),
	CONSTRAINT "metrics_prometheus_has_query" CHECK ("metrics"."source_kind" = 'push' or "metrics"."promql" is not null),
	CONSTRAINT "metrics_thresholds_ordered" CHECK ("metrics"."alert_threshold" is null or "metrics"."critical_threshold" is null or
        ("metrics"."direction" = 'lower_is_better' and "metrics"."alert_threshold" <= "metrics"."critical_threshold") or
        ("metrics"."direction" = 'higher_is_better' and "metrics"."alert_threshold" >= "metrics"."critical_threshold"))
);
--> statement-breakpoint
CREATE TABLE "rollback_triggers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"phase_id" uuid,
	"metric_id" uuid,
	"description" text NOT NULL,
	"mode" "trigger_mode" DEFAULT 'absolute' NOT NULL,
	"comparison" "comparison" DEFAULT 'gt' NOT NULL,
	"value" double precision NOT NULL,
	"duration_minutes" integer DEFAULT 0 NOT NULL,
	"action" "trigger_action" DEFAULT 'alert_only' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_fired_at" timestamp with time zone,
	CONSTRAINT "rollback_triggers_duration_nonneg" CHECK ("rollback_triggers"."duration_minutes" >= 0),
	CONSTRAINT "rollback_triggers_auto_needs_metric" CHECK ("rollback_triggers"."action" = 'alert_only' or "rollback_triggers"."metric_id" is not null)
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"metric_id" uuid NOT NULL,
	"cohort" "cohort" DEFAULT 'canary' NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "samples_metric_id_cohort_ts_pk" PRIMARY KEY("metric_id","cohort","ts"),
	CONSTRAINT "samples_value_finite" CHECK ("samples"."value" <> 'NaN'::float8 and "samples"."value" <> 'Infinity'::float8 and "samples"."value" <> '-Infinity'::float8)
);
--> statement-breakpoint
CREATE TABLE "success_criteria" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phase_id" uuid NOT NULL,
	"metric_id" uuid NOT NULL,
	"comparison" "comparison" NOT NULL,
	"value" double precision NOT NULL,
	"sustained_minutes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "success_criteria_sustained_nonneg" CHECK ("success_criteria"."sustained_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"phase_id" uuid,
	"trigger_id" uuid,
	"decision_id" uuid,
	"origin" "incident_origin" NOT NULL,
	"status" "incident_status" DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"executed_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"postmortem" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_times_ordered" CHECK (("incidents"."decided_at" is null or "incidents"."decided_at" >= "incidents"."detected_at")
        and ("incidents"."executed_at" is null or ("incidents"."decided_at" is not null and "incidents"."executed_at" >= "incidents"."decided_at"))
        and ("incidents"."verified_at" is null or ("incidents"."executed_at" is not null and "incidents"."verified_at" >= "incidents"."executed_at")))
);
--> statement-breakpoint
CREATE TABLE "flag_segment_rules" (
	"flag_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"variant" text NOT NULL,
	CONSTRAINT "flag_segment_rules_flag_id_segment_id_pk" PRIMARY KEY("flag_id","segment_id"),
	CONSTRAINT "flag_segment_rules_order_uq" UNIQUE("flag_id","position")
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"key" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"type" "flag_type" NOT NULL,
	"variants" jsonb NOT NULL,
	"default_variant" text NOT NULL,
	"rollout_variant" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"plan_id" uuid,
	"manual_rollout_percent" double precision,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flags_project_key_uq" UNIQUE("project_id","key"),
	CONSTRAINT "flags_key_shape" CHECK ("flags"."key" ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
	CONSTRAINT "flags_manual_rollout_range" CHECK ("flags"."manual_rollout_percent" is null or ("flags"."manual_rollout_percent" >= 0 and "flags"."manual_rollout_percent" <= 100)),
	CONSTRAINT "flags_variants_object" CHECK (jsonb_typeof("flags"."variants") = 'object'),
	CONSTRAINT "flags_default_variant_known" CHECK ("flags"."variants" ? "flags"."default_variant"),
	CONSTRAINT "flags_rollout_variant_known" CHECK ("flags"."variants" ? "flags"."rollout_variant")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"kind" "segment_kind" NOT NULL,
	"user_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"attribute" text,
	"operator" "segment_operator",
	"values" text[] DEFAULT '{}'::text[] NOT NULL,
	CONSTRAINT "segments_project_key_uq" UNIQUE("project_id","key"),
	CONSTRAINT "segments_rule_complete" CHECK ("segments"."kind" = 'user_list' or ("segments"."attribute" is not null and "segments"."operator" is not null))
);
--> statement-breakpoint
CREATE TABLE "comms_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"event" text NOT NULL,
	"timing" text DEFAULT '' NOT NULL,
	"channel" text NOT NULL,
	"audience" text NOT NULL,
	"template" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation_levels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"level" integer NOT NULL,
	"who" text NOT NULL,
	"after_minutes" integer NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	CONSTRAINT "escalation_levels_plan_level_uq" UNIQUE("plan_id","level"),
	CONSTRAINT "escalation_levels_after_nonneg" CHECK ("escalation_levels"."after_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "migration_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" "migration_kind" NOT NULL,
	"action" text NOT NULL,
	"reversible" boolean DEFAULT true NOT NULL,
	"expected_duration_minutes" integer DEFAULT 0 NOT NULL,
	"risk" "risk_level" DEFAULT 'low' NOT NULL,
	"validation" text DEFAULT '' NOT NULL,
	"status" "migration_step_status" DEFAULT 'pending' NOT NULL,
	"validated_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "migration_steps_order_uq" UNIQUE("plan_id","position"),
	CONSTRAINT "migration_steps_duration_nonneg" CHECK ("migration_steps"."expected_duration_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "risks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"description" text NOT NULL,
	"likelihood" "risk_level" NOT NULL,
	"impact" "risk_level" NOT NULL,
	"mitigation" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"owner_label" text DEFAULT '' NOT NULL,
	"status" "risk_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid,
	"plan_id" uuid,
	"actor_kind" "actor_kind" NOT NULL,
	"actor_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_gate_id_gates_id_fk" FOREIGN KEY ("gate_id") REFERENCES "public"."gates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_decider_id_users_id_fk" FOREIGN KEY ("decider_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gates" ADD CONSTRAINT "gates_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phases" ADD CONSTRAINT "phases_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_checklist_id_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklists" ADD CONSTRAINT "checklists_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklists" ADD CONSTRAINT "checklists_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_offs" ADD CONSTRAINT "sign_offs_checklist_id_checklists_id_fk" FOREIGN KEY ("checklist_id") REFERENCES "public"."checklists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_offs" ADD CONSTRAINT "sign_offs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_offs" ADD CONSTRAINT "sign_offs_voided_by_item_id_checklist_items_id_fk" FOREIGN KEY ("voided_by_item_id") REFERENCES "public"."checklist_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_sources" ADD CONSTRAINT "metric_sources_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_source_id_metric_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."metric_sources"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD CONSTRAINT "rollback_triggers_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD CONSTRAINT "rollback_triggers_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD CONSTRAINT "rollback_triggers_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_criteria" ADD CONSTRAINT "success_criteria_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_criteria" ADD CONSTRAINT "success_criteria_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_trigger_id_rollback_triggers_id_fk" FOREIGN KEY ("trigger_id") REFERENCES "public"."rollback_triggers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_segment_rules" ADD CONSTRAINT "flag_segment_rules_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_segment_rules" ADD CONSTRAINT "flag_segment_rules_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comms_entries" ADD CONSTRAINT "comms_entries_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_levels" ADD CONSTRAINT "escalation_levels_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "migration_steps" ADD CONSTRAINT "migration_steps_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risks" ADD CONSTRAINT "risks_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_project_idx" ON "api_tokens" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_live_per_user_idx" ON "approvals" USING btree ("gate_id","user_id") WHERE "approvals"."voided_at" is null;--> statement-breakpoint
CREATE INDEX "decisions_plan_idx" ON "decisions" USING btree ("plan_id","decided_at");--> statement-breakpoint
CREATE UNIQUE INDEX "phases_one_active_idx" ON "phases" USING btree ("plan_id") WHERE "phases"."status" = 'active';--> statement-breakpoint
CREATE INDEX "plans_project_idx" ON "plans" USING btree ("project_id","status");--> statement-breakpoint
CREATE INDEX "checklists_plan_idx" ON "checklists" USING btree ("plan_id","phase_id");--> statement-breakpoint
CREATE INDEX "sign_offs_checklist_idx" ON "sign_offs" USING btree ("checklist_id");--> statement-breakpoint
CREATE INDEX "rollback_triggers_plan_idx" ON "rollback_triggers" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "success_criteria_phase_idx" ON "success_criteria" USING btree ("phase_id");--> statement-breakpoint
CREATE INDEX "incidents_plan_idx" ON "incidents" USING btree ("plan_id","detected_at");--> statement-breakpoint
CREATE INDEX "audit_events_plan_idx" ON "audit_events" USING btree ("plan_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_project_idx" ON "audit_events" USING btree ("project_id","created_at");