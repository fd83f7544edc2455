import { createHash, randomBytes } from "node:crypto";

// API tokens: "pgt_" + 32 random bytes (base64url). Only the SHA-256 of the whole token is stored;
// with 256 bits of entropy a fast hash is enough, and lookups stay a single indexed read.

const PREFIX = "pgt_";

export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, prefix: token.slice(0, PREFIX.length + 6), hash: hashApiToken(token) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function looksLikeApiToken(value: string): boolean {
  return /^pgt_[A-Za-z0-9_-]{43}$/.test(value);
}

/** The token from `Authorization: Bearer …` or `X-API-Key`, or null. */
export function tokenFromHeaders(headers: Pick<Headers, "get">): string | null {
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  return headers.get("x-api-key")?.trim() || null;
}

/** A token as checked on every request: its own state, and its creator's. */
export interface TokenStanding {
  revokedAt: Date | null;
  expiresAt: Date | null;
  /** Null for tokens made on the command line (`npm run token`), which belong to the operator. */
  creator: { name: string; disabled: boolean; mayManageTokens: boolean } | null;
}

/**
 * Why a token no longer works, in words for the pipeline's log, or null while it does. A token
 * lives no longer than its creator's right to make it: disabling the person, or taking away
 * their release-manager role in the project, stops their tokens at once.
 */
export function tokenRefusal(token: TokenStanding, now: Date): string | null {
  if (token.revokedAt) return "The API token was revoked";
  if (token.expiresAt && token.expiresAt <= now) return "The API token has expired";
  if (token.creator?.disabled)
    return `The API token stopped working: ${token.creator.name}, who made it, was disabled. A release manager can make a new one`;
  if (token.creator && !token.creator.mayManageTokens) {
    return `The API token stopped working: ${token.creator.name}, who made it, no longer manages this project's tokens. A release manager can make a new one`;
  }
  return null;
}
