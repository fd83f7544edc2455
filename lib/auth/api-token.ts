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
