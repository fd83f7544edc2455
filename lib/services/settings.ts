import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { count, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { Tx } from "./context";
import { appSettings, users } from "@/db/schema";

// Instance-wide values kept in PostgreSQL so every app process agrees on them.

const SETUP_KEY = "setup_token_sha256";
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

export async function hasUsers(db: Database | Tx): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) > 0;
}

/**
 * On an empty database, issues a new one-time setup token (printed to the console by the caller)
 * and keeps only its hash. Each start issues a new one; the last printed is the valid one.
 */
export async function issueSetupToken(db: Database): Promise<string | null> {
  if (await hasUsers(db)) return null;
  const token = randomBytes(18).toString("base64url");
  await db
    .insert(appSettings)
    .values({ key: SETUP_KEY, value: sha256(token) })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: sha256(token), updatedAt: sql`now()` } });
  return token;
}

export async function setupTokenMatches(db: Database | Tx, presented: string): Promise<boolean> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, SETUP_KEY));
  if (!row) return false;
  const a = Buffer.from(row.value, "hex");
  const b = Buffer.from(sha256(presented), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function clearSetupToken(db: Database | Tx): Promise<void> {
  await db.delete(appSettings).where(eq(appSettings.key, SETUP_KEY));
}
