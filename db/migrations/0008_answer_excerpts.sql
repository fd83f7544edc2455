ALTER TABLE "metric_sources" ADD COLUMN "last_response_excerpt" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_response_excerpt" text;