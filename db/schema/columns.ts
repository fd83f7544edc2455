import { timestamp } from "drizzle-orm/pg-core";

// Column shapes every table shares. Instants are always stored with their time zone.

/** A timestamptz column. */
export const ts = (name: string) => timestamp(name, { withTimezone: true });

/** `created_at`: when the row was made, set by the database. */
export const createdAt = () => ts("created_at").notNull().defaultNow();
