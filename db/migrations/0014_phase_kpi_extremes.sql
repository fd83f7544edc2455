CREATE TABLE "phase_kpi_extremes" (
	"phase_id" uuid NOT NULL,
	"metric_id" uuid NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"through" timestamp with time zone NOT NULL,
	"hi" double precision,
	"lo" double precision,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "phase_kpi_extremes_phase_id_metric_id_pk" PRIMARY KEY("phase_id","metric_id")
);
--> statement-breakpoint
ALTER TABLE "phase_kpi_extremes" ADD CONSTRAINT "phase_kpi_extremes_phase_id_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phase_kpi_extremes" ADD CONSTRAINT "phase_kpi_extremes_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phase_kpi_extremes_metric_idx" ON "phase_kpi_extremes" USING btree ("metric_id","through");