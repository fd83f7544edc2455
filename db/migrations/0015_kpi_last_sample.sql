ALTER TABLE "metrics" ADD COLUMN "last_sample_at" timestamp with time zone;--> statement-breakpoint
UPDATE "metrics" m SET "last_sample_at" = (SELECT max(s."ts") FROM "samples" s WHERE s."metric_id" = m."id" AND s."cohort" = 'canary');
