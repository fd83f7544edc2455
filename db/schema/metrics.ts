import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import {
  cohort,
  comparison,
  criterionKind,
  metricDirection,
  metricSourceKind,
  triggerAction,
  triggerMode,
  triggerState,
} from "./enums";
import { ts } from "./columns";
import { projects } from "./identity";
import { phases, plans } from "./plans";

// A Prometheus HTTP API a project's metrics can be polled from.
export const metricSources = pgTable(
  "metric_sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    // How often the source's queries run (query_range over the time since the last sample).
    pollIntervalSeconds: integer("poll_interval_seconds").notNull().default(15),
    lastPolledAt: ts("last_polled_at"),
    // The last poll's failure in words, cleared by the next success.
    lastError: text("last_error"),
    // The start of the last failing answer: a foreign body, shown to administrators only.
    lastResponseExcerpt: text("last_response_excerpt"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("metric_sources_project_name_uq").on(t.projectId, t.name),
    check("metric_sources_interval_range", sql`${t.pollIntervalSeconds} between 5 and 3600`),
  ],
);

export const metrics = pgTable(
  "metrics",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    unit: text("unit").notNull().default(""),
    direction: metricDirection("direction").notNull(),
    target: doublePrecision("target"),
    alertThreshold: doublePrecision("alert_threshold"),
    criticalThreshold: doublePrecision("critical_threshold"),
    sourceKind: metricSourceKind("source_kind").notNull().default("push"),
    sourceId: uuid("source_id").references(() => metricSources.id, { onDelete: "set null" }),
    promql: text("promql"),
    // A rate kept as counts: `promql` gives the numerator (errors) and this the denominator
    // (requests) per cohort, so the canary is judged on counts, not averaged percentages.
    denominatorPromql: text("denominator_promql"),
    position: integer("position").notNull().default(0),
    // The newest canary sample's instant, kept by ingest: the portfolio reads recent values only
    // of KPIs that have samples, without probing thousands that have none.
    lastSampleAt: ts("last_sample_at"),
  },
  (t) => [
    unique("metrics_plan_key_uq").on(t.planId, t.key),
    check("metrics_key_shape", sql`${t.key} ~ '^[a-z][a-z0-9_.]{0,63}$'`),
    check("metrics_prometheus_has_query", sql`${t.sourceKind} = 'push' or ${t.promql} is not null`),
    // Alert comes before critical in the direction things get worse.
    check(
      "metrics_thresholds_ordered",
      sql`${t.alertThreshold} is null or ${t.criticalThreshold} is null or
        (${t.direction} = 'lower_is_better' and ${t.alertThreshold} <= ${t.criticalThreshold}) or
        (${t.direction} = 'higher_is_better' and ${t.alertThreshold} >= ${t.criticalThreshold})`,
    ),
  ],
);

// One value per metric, cohort and instant: re-sending a sample overwrites instead of duplicating.
// The primary key is also the index every chart and trigger query reads by.
export const samples = pgTable(
  "samples",
  {
    metricId: uuid("metric_id")
      .notNull()
      .references(() => metrics.id, { onDelete: "cascade" }),
    cohort: cohort("cohort").notNull().default("canary"),
    ts: ts("ts").notNull(),
    value: doublePrecision("value").notNull(),
    // A rate pushed as counts (errors of requests in this minute): value is their ratio.
    numerator: doublePrecision("numerator"),
    denominator: doublePrecision("denominator"),
  },
  (t) => [
    primaryKey({ columns: [t.metricId, t.cohort, t.ts] }),
    check(
      "samples_value_finite",
      sql`${t.value} <> 'NaN'::float8 and ${t.value} <> 'Infinity'::float8 and ${t.value} <> '-Infinity'::float8`,
    ),
    check(
      "samples_counts_whole",
      sql`(${t.numerator} is null) = (${t.denominator} is null) and (${t.denominator} is null or (${t.denominator} > 0 and ${t.numerator} >= 0 and ${t.numerator} <= ${t.denominator}))`,
    ),
  ],
);

// Pre-aggregated samples per minute and per hour, kept current by ingest in the same transaction,
// so a chart over weeks reads a few hundred rows however many samples the range holds.
export const ROLLUP_LEVELS_SECONDS = [60, 3600] as const;

export const sampleRollups = pgTable(
  "sample_rollups",
  {
    metricId: uuid("metric_id")
      .notNull()
      .references(() => metrics.id, { onDelete: "cascade" }),
    cohort: cohort("cohort").notNull(),
    bucketSeconds: integer("bucket_seconds").notNull(),
    bucketStart: ts("bucket_start").notNull(),
    n: integer("n").notNull(),
    total: doublePrecision("total").notNull(),
    lo: doublePrecision("lo").notNull(),
    hi: doublePrecision("hi").notNull(),
    // Sums of the counts of samples pushed as counts (0 when none were).
    numeratorTotal: doublePrecision("numerator_total").notNull().default(0),
    denominatorTotal: doublePrecision("denominator_total").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.metricId, t.cohort, t.bucketSeconds, t.bucketStart] }),
    check("sample_rollups_level", sql`${t.bucketSeconds} in (60, 3600)`),
    check("sample_rollups_count_positive", sql`${t.n} > 0`),
  ],
);

// The worst 15-minute canary mean of a KPI over a phase, kept for the settled part of the phase
// (bins an hour or more old), so a plan page over weeks reads an hour of minutes, not all of
// them. A derived cache: ingest deletes a row when a sample lands before its `through`, and a
// reader recomputes it from the rollups when it is missing, stale (computed over an hour ago)
// or was computed from another phase start.
export const phaseKpiExtremes = pgTable(
  "phase_kpi_extremes",
  {
    phaseId: uuid("phase_id")
      .notNull()
      .references(() => phases.id, { onDelete: "cascade" }),
    metricId: uuid("metric_id")
      .notNull()
      .references(() => metrics.id, { onDelete: "cascade" }),
    // The phase start the row was computed from, and the end of the range it covers.
    fromAt: ts("from_at").notNull(),
    through: ts("through").notNull(),
    // The highest and lowest 15-minute mean in [from_at, through); null when it held no samples.
    hi: doublePrecision("hi"),
    lo: doublePrecision("lo"),
    // When the range was last read in full from the rollups (extensions keep this instant).
    computedAt: ts("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.phaseId, t.metricId] }),
    index("phase_kpi_extremes_metric_idx").on(t.metricId, t.through),
  ],
);

export const successCriteria = pgTable(
  "success_criteria",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    phaseId: uuid("phase_id")
      .notNull()
      .references(() => phases.id, { onDelete: "cascade" }),
    metricId: uuid("metric_id")
      .notNull()
      .references(() => metrics.id, { onDelete: "cascade" }),
    kind: criterionKind("kind").notNull().default("threshold"),
    comparison: comparison("comparison").notNull(),
    value: doublePrecision("value").notNull(),
    sustainedMinutes: integer("sustained_minutes").notNull().default(0),
    // The canary judge's settings (kind canary_not_worse): method, alpha, minimum sample, tolerance, smallest regression.
    judge: jsonb("judge"),
  },
  (t) => [
    index("success_criteria_phase_idx").on(t.phaseId),
    check("success_criteria_sustained_nonneg", sql`${t.sustainedMinutes} >= 0`),
  ],
);

// "error rate > 5% for 5 min" (absolute), "p95 > 2× baseline" (relative_to_baseline, value 2),
// "degradation > 50%" (degradation_pct, value 50, against baseline in the metric's bad direction).
export const rollbackTriggers = pgTable(
  "rollback_triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    planId: uuid("plan_id")
      .notNull()
      .references(() => plans.id, { onDelete: "cascade" }),
    // Null: applies to every phase of the plan.
    phaseId: uuid("phase_id").references(() => phases.id, { onDelete: "cascade" }),
    // Null: a condition people judge (e.g. "critical data loss"), never evaluated automatically.
    metricId: uuid("metric_id").references(() => metrics.id, { onDelete: "cascade" }),
    description: text("description").notNull(),
    mode: triggerMode("mode").notNull().default("absolute"),
    comparison: comparison("comparison").notNull().default("gt"),
    value: doublePrecision("value").notNull(),
    durationMinutes: integer("duration_minutes").notNull().default(0),
    action: triggerAction("action").notNull().default("alert_only"),
    // The canary judge's settings (mode canary_worse).
    judge: jsonb("judge"),
    enabled: boolean("enabled").notNull().default(true),
    lastFiredAt: ts("last_fired_at"),
    // The last evaluation (on ingest or by the timer): a change to breached or stale notifies once.
    state: triggerState("state").notNull().default("unknown"),
    stateSince: ts("state_since"),
    stateReason: text("state_reason"),
    checkedAt: ts("checked_at"),
  },
  (t) => [
    index("rollback_triggers_plan_idx").on(t.planId),
    check("rollback_triggers_duration_nonneg", sql`${t.durationMinutes} >= 0`),
    check("rollback_triggers_auto_needs_metric", sql`${t.action} = 'alert_only' or ${t.metricId} is not null`),
  ],
);

export type MetricSource = typeof metricSources.$inferSelect;
export type Metric = typeof metrics.$inferSelect;
export type Sample = typeof samples.$inferSelect;
export type SuccessCriterion = typeof successCriteria.$inferSelect;
export type SampleRollup = typeof sampleRollups.$inferSelect;
export type RollbackTrigger = typeof rollbackTriggers.$inferSelect;
export type PhaseKpiExtremes = typeof phaseKpiExtremes.$inferSelect;
