import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { configFromEnv } from "@/db/client";
import { MIN_AUTH_SECRET_LENGTH, setting, usesEmbeddedDatabase } from "@/lib/config";
import { AppError } from "@/lib/errors";

// The secret that signs session cookies. It never lives in the database: whoever holds a backup
// could otherwise mint an administrator's session. AUTH_SECRET in production; the embedded
// evaluation database (and development) generate one into a file of their own beside the data.

export const SECRET_FILE = "auth-secret";

const cached = new Map<string, string>();

export function resolveAuthSecret(env: NodeJS.ProcessEnv = process.env): string {
  // A short one is refused by the setting's schema, naming AUTH_SECRET.
  const configured = setting("AUTH_SECRET", env);
  if (configured) return configured;
  if (env.NODE_ENV === "production" && !usesEmbeddedDatabase(env)) {
    throw new AppError(
      "config:database",
      "set AUTH_SECRET (openssl rand -base64 32): it signs sessions, and every instance must share it",
    );
  }
  const dir = configFromEnv(env).pgliteDir ?? ".data/pglite";
  if (dir.startsWith("memory://")) return cachedOr("memory://", () => randomBytes(32).toString("base64url"));
  const file = path.join(usesEmbeddedDatabase(env) ? dir : path.dirname(dir), SECRET_FILE);
  return cachedOr(file, () => secretFromFile(file));
}

function cachedOr(key: string, make: () => string): string {
  let secret = cached.get(key);
  if (!secret) {
    secret = make();
    cached.set(key, secret);
  }
  return secret;
}

/** A secret kept in a file readable by this user only, made on first use. */
function secretFromFile(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < MIN_AUTH_SECRET_LENGTH)
    throw new AppError(
      "config:database",
      `${file} holds no usable secret; delete it to have a new one made (everyone signs in again)`,
    );
  return secret;
}
