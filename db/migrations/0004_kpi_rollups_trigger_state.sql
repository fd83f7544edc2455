CREATE TYPE "public"."trigger_state" AS ENUM('unknown', 'ok', 'breached', 'stale', 'no_data');--> statement-breakpoint
CREATE TABLE "sample_rollups" (
	"metric_id" uuid NOT NULL,
	"cohort" "cohort" NOT NULL,
	"bucket_seconds" integer NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"n" integer NOT NULL,
	"total" double precision NOT NULL,
	"lo" double precision NOT NULL,
	"hi" double precision NOT NULL,
	CONSTRAINT "sample_rollups_metric_id_cohort_bucket_seconds_bucket_start_pk" PRIMARY KEY("metric_id","cohort","bucket_seconds","bucket_start"),
	CONSTRAINT "sample_rollups_level" CHECK ("sample_rollups"."bucket_seconds" in (60, 3600)),
	CONSTRAINT "sample_rollups_count_positive" CHECK ("sample_rollups"."n" > 0)
);
--> statement-breakpoint
ALTER TABLE "metric_sources" ADD COLUMN "enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_sources" ADD COLUMN "poll_interval_seconds" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_sources" ADD COLUMN "last_polled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metric_sources" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD COLUMN "state" "trigger_state" DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD COLUMN "state_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD COLUMN "state_reason" text;--> statement-breakpoint
ALTER TABLE "rollback_triggers" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sample_rollups" ADD CONSTRAINT "sample_rollups_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_sources" ADD CONSTRAINT "metric_sources_project_name_uq" UNIQUE("project_id","name");--> statement-breakpoint
ALTER TABLE "metric_sources" ADD CONSTRAINT "metric_sources_interval_range" CHECK ("metric_sources"."poll_interval_seconds" between 5 and 3600);--> statement-breakpoint
-- Samples stored before rollups existed get theirs now.
INSERT INTO "sample_rollups" ("metric_id", "cohort", "bucket_seconds", "bucket_start", "n", "total", "lo", "hi")
SELECT s."metric_id", s."cohort", l.secs, date_bin(make_interval(secs => l.secs), s."ts", timestamptz '2000-01-01 00:00:00+00'),
       count(*), sum(s."value"), min(s."value"), max(s."value")
FROM "samples" s CROSS JOIN (VALUES (60), (3600)) AS l(secs)
GROUP BY 1, 2, 3, 4;
