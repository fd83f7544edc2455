import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { projects } from "./identity";

// When the weekly status digest is sent, and through which webhooks: one schedule per project,
// and one for the portfolio (no project). `last_sent_for` is the ISO week of the latest send:
// an instance claims a week by moving it there, so however many instances check, each week is
// sent once.
export const digestSchedules = pgTable(
  "digest_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Null: the portfolio's digest.
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    // ISO weekday, 1 = Monday.
    weekday: integer("weekday").notNull(),
    hour: integer("hour").notNull(),
    timeZone: text("time_zone").notNull(),
    // The webhooks the digest goes to; one deleted since is skipped.
    webhookIds: uuid("webhook_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    enabled: boolean("enabled").notNull().default(true),
    lastSentFor: text("last_sent_for"),
    lastSentAt: ts("last_sent_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("digest_schedules_scope_uq").on(t.projectId).nullsNotDistinct(),
    check("digest_schedules_weekday", sql`${t.weekday} between 1 and 7`),
    check("digest_schedules_hour", sql`${t.hour} between 0 and 23`),
  ],
);

export type DigestSchedule = typeof digestSchedules.$inferSelect;
