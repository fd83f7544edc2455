import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { TokenActor } from "./actor";
import { looksLikeApiToken, tokenFromHeaders, tokenRefusal } from "./api-token";
import { loadTokenForCheck } from "./token-lookup";
import { TOKEN_SCOPES, type TokenScope } from "./permissions";

const LAST_USED_PRECISION_MS = 60_000;

/**
 * The token actor behind a request's `Authorization: Bearer` (or `X-API-Key`) header.
 * Revoked and expired tokens, and those whose creator was disabled or lost the right to make
 * them, fail at once: every request reads the token row and its creator.
 */
export async function authenticateToken(db: Database, headers: Headers, now: Date = new Date()): Promise<TokenActor> {
  const presented = tokenFromHeaders(headers);
  if (!presented) throw new AppError("unauthorized:auth", "Send an API token as `Authorization: Bearer <token>`");
  const token = looksLikeApiToken(presented) ? await loadTokenForCheck(db, presented) : null;
  if (!token) throw new AppError("unauthorized:auth", "The API token is not valid");
  const refusal = tokenRefusal(token, now);
  if (refusal) throw new AppError("unauthorized:auth", refusal);
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
