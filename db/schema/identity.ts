import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns";
import { projectRole } from "./enums";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    // Set by the identity layer; null for users who only sign in through OIDC.
    passwordHash: text("password_hash"),
    isAdmin: boolean("is_admin").notNull().default(false),
    createdAt: createdAt(),
    disabledAt: ts("disabled_at"),
    // Sessions carry the epoch they were issued in; raising it ends every session of this person.
    sessionEpoch: integer("session_epoch").notNull().default(0),
  },
  (t) => [
    uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`),
    check("users_email_shape", sql`${t.email} like '%_@_%'`),
  ],
);

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    // Four-eyes: the plan owner and whoever records the go do not count as approvers of a gate,
    // and a go needs approvals from at least this many distinct people.
    fourEyes: boolean("four_eyes").notNull().default(false),
    minDistinctApprovers: integer("min_distinct_approvers").notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    check("projects_slug_shape", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check("projects_min_distinct_approvers_range", sql`${t.minDistinctApprovers} between 1 and 5`),
  ],
);

// A user may hold several roles in one project: one row per (project, user, role).
export const memberships = pgTable(
  "memberships",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: projectRole("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId, t.role] }), index("memberships_user_idx").on(t.userId)],
);

// Tokens are stored as a hash only; the clear value is shown once when created.
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    scopes: text("scopes").array().notNull(),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_tokens_project_idx").on(t.projectId)],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Project = typeof projects.$inferSelect;
export type NewProject = typeof projects.$inferInsert;
export type Membership = typeof memberships.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
