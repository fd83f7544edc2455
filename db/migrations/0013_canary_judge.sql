CREATE TYPE "public"."criterion_kind" AS ENUM('threshold', 'canary_not_worse');--> statement-breakpoint
ALTER TYPE "public"."trigger_mode" ADD VALUE 'canary_worse';--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "denominator_promql" text;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD COLUMN "judge" jsonb;--> statement-breakpoint
ALTER TABLE "sample_rollups" ADD COLUMN "numerator_total" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sample_rollups" ADD COLUMN "denominator_total" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "samples" ADD COLUMN "numerator" double precision;--> statement-breakpoint
ALTER TABLE "samples" ADD COLUMN "denominator" double precision;--> statement-breakpoint
ALTER TABLE "success_criteria" ADD COLUMN "kind" "criterion_kind" DEFAULT 'threshold' NOT NULL;--> statement-breakpoint
ALTER TABLE "success_criteria" ADD COLUMN "judge" jsonb;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "judgement" jsonb;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_counts_whole" CHECK (("samples"."numerator" is null) = ("samples"."denominator" is null) and ("samples"."denominator" is null or ("samples"."denominator" > 0 and "samples"."numerator" >= 0 and "samples"."numerator" <= "samples"."denominator")));