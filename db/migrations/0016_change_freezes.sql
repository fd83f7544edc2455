CREATE TYPE "public"."freeze_kind" AS ENUM('one_off', 'recurring');--> statement-breakpoint
CREATE TABLE "change_freezes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"name" text NOT NULL,
	"kind" "freeze_kind" NOT NULL,
	"time_zone" text NOT NULL,
	"starts_at" text,
	"ends_at" text,
	"rrule" text,
	"rule_from" text,
	"duration_minutes" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	"removed_by" uuid,
	CONSTRAINT "change_freezes_rule_fields" CHECK (("change_freezes"."kind" = 'one_off' and "change_freezes"."starts_at" is not null and "change_freezes"."ends_at" is not null)
        or ("change_freezes"."kind" = 'recurring' and "change_freezes"."rrule" is not null and "change_freezes"."rule_from" is not null and "change_freezes"."duration_minutes" > 0))
);
--> statement-breakpoint
CREATE TABLE "freeze_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"release_manager_id" uuid,
	"release_manager_reason" text,
	"release_manager_signed_at" timestamp with time zone,
	"admin_id" uuid,
	"admin_reason" text,
	"admin_signed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"decision_id" uuid,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "freeze_overrides_two_people" CHECK ("freeze_overrides"."release_manager_id" is null or "freeze_overrides"."admin_id" is null or "freeze_overrides"."release_manager_id" <> "freeze_overrides"."admin_id"),
	CONSTRAINT "freeze_overrides_signed" CHECK ("freeze_overrides"."release_manager_id" is not null or "freeze_overrides"."admin_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "four_eyes" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "min_distinct_approvers" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "change_freezes" ADD CONSTRAINT "change_freezes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_freezes" ADD CONSTRAINT "change_freezes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "change_freezes" ADD CONSTRAINT "change_freezes_removed_by_users_id_fk" FOREIGN KEY ("removed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "freeze_overrides" ADD CONSTRAINT "freeze_overrides_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "freeze_overrides" ADD CONSTRAINT "freeze_overrides_release_manager_id_users_id_fk" FOREIGN KEY ("release_manager_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "freeze_overrides" ADD CONSTRAINT "freeze_overrides_admin_id_users_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "freeze_overrides" ADD CONSTRAINT "freeze_overrides_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_freezes_project_idx" ON "change_freezes" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "freeze_overrides_plan_idx" ON "freeze_overrides" USING btree ("plan_id","created_at");--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_min_distinct_approvers_range" CHECK ("projects"."min_distinct_approvers" between 1 and 5);