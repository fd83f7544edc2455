CREATE TYPE "public"."plan_kind" AS ENUM('rollout', 'rollback_runbook');--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "kind" "plan_kind" DEFAULT 'rollout' NOT NULL;