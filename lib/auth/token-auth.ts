import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { TokenActor } from "./actor";
import { hashApiToken, tokenFromHeaders } from "./api-token";
import { TOKEN_SCOPES, type TokenScope } from "./permissions";

const LAST_USED_PRECISION_MS = 60_000;

/**
 * The token actor behind a request's `Authorization: Bearer` (or `X-API-Key`) header.
 * Revoked and expired tokens fail at once: every request reads the token row.
 */
export async function authenticateToken(db: Database, headers: Headers, now: Date = new Date()): Promise<TokenActor> {
  const presented = tokenFromHeaders(headers);
  if (!presented) throw new AppError("unauthorized:auth", "Send an API token as `Authorization: Bearer <token>`");
  const [token] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(presented)));
  if (!token) throw new AppError("unauthorized:auth", "The API token is not valid");
  if (token.revokedAt) throw new AppError("unauthorized:auth", "The API token was revoked");
  if (token.expiresAt && token.expiresAt <= now) throw new AppError("unauthorized:auth", "The API token has expired");
  // Last-used time to the minute: one write a minute per token at most, not one per request.
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, token.id));
  }
  return {
    kind: "token",
    tokenId: token.id,
    tokenName: token.name,
    projectId: token.projectId,
    scopes: token.scopes.filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s)),
  };
}
