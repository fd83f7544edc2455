import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "./columns";

// Sign-in attempts, counted in PostgreSQL so a limit holds across every app instance.
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("login_attempts_email_idx").on(sql`lower(${t.email})`, t.createdAt),
    index("login_attempts_ip_idx").on(t.ip, t.createdAt),
  ],
);

// Instance-wide secrets and one-time values shared by every app process (e.g. the session
// signing secret when AUTH_SECRET is not configured, the first-admin setup token's hash).
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export type LoginAttempt = typeof loginAttempts.$inferSelect;
