import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { flagType, segmentKind, segmentOperator } from "./enums";
import { projects } from "./identity";
import { plans } from "./plans";

export type FlagValue = boolean | string | number | { [key: string]: unknown } | unknown[];

export const flags = pgTable(
  "flags",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    description: text("description").notNull().default(""),
    type: flagType("type").notNull(),
    variants: jsonb("variants").$type<Record<string, FlagValue>>().notNull(),
    // Served to everyone outside the rollout, and to everyone when the flag is off.
    defaultVariant: text("default_variant").notNull(),
    // Served to those inside the rollout percentage.
    rolloutVariant: text("rollout_variant").notNull(),
    // The kill switch: false serves the default variant to everyone at once.
    enabled: boolean("enabled").notNull().default(true),
    // Bound to a plan: the rollout % follows its active phase. Unbound: set by hand.
    planId: uuid("plan_id").references(() => plans.id, { onDelete: "set null" }),
    manualRolloutPercent: doublePrecision("manual_rollout_percent"),
    version: integer("version").notNull().default(1),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("flags_project_key_uq").on(t.projectId, t.key),
    check("flags_key_shape", sql`${t.key} ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'`),
    check(
      "flags_manual_rollout_range",
      sql`${t.manualRolloutPercent} is null or (${t.manualRolloutPercent} >= 0 and ${t.manualRolloutPercent} <= 100)`,
    ),
    check("flags_variants_object", sql`jsonb_typeof(${t.variants}) = 'object'`),
    check("flags_default_variant_known", sql`${t.variants} ? ${t.defaultVariant}`),
    check("flags_rollout_variant_known", sql`${t.variants} ? ${t.rolloutVariant}`),
  ],
);

// User lists (internal team, beta users) and attribute rules (region in {Jakarta, Surabaya}).
export const segments = pgTable(
  "segments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: text("name").notNull(),
    kind: segmentKind("kind").notNull(),
    userKeys: text("user_keys")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    attribute: text("attribute"),
    operator: segmentOperator("operator"),
    values: text("values")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [
    unique("segments_project_key_uq").on(t.projectId, t.key),
    check(
      "segments_rule_complete",
      sql`${t.kind} = 'user_list' or (${t.attribute} is not null and ${t.operator} is not null)`,
    ),
  ],
);

// Segments of a flag, evaluated in position order: the first match serves its variant.
export const flagSegmentRules = pgTable(
  "flag_segment_rules",
  {
    flagId: uuid("flag_id")
      .notNull()
      .references(() => flags.id, { onDelete: "cascade" }),
    segmentId: uuid("segment_id")
      .notNull()
      .references(() => segments.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    variant: text("variant").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.flagId, t.segmentId] }),
    unique("flag_segment_rules_order_uq").on(t.flagId, t.position),
  ],
);

export type Flag = typeof flags.$inferSelect;
export type Segment = typeof segments.$inferSelect;
export type FlagSegmentRule = typeof flagSegmentRules.$inferSelect;
