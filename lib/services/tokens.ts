import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens } from "@/db/schema";
import { assertUserCan } from "@/lib/auth/actor";
import { generateApiToken } from "@/lib/auth/api-token";
import { AppError } from "@/lib/errors";
import { createTokenSchema, revokeTokenSchema } from "@/lib/validation/admin";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import type { ServiceContext } from "./context";
import { notifyOnCommit } from "./events";

function requireUser(ctx: ServiceContext) {
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", "Only people manage API tokens");
  return ctx.actor;
}

/** Creates a token and returns its clear value: the only time anyone sees it. */
export async function createApiToken(ctx: ServiceContext, input: unknown) {
  const actor = requireUser(ctx);
  const data = parseInput(createTokenSchema, input);
  assertUserCan(actor, "token:manage", data.projectId);
  const { token, prefix, hash } = generateApiToken();
  const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        projectId: data.projectId,
        name: data.name,
        prefix,
        tokenHash: hash,
        scopes: [...new Set(data.scopes)],
        createdById: actor.userId,
        expiresAt,
      })
      .returning();
    await writeAudit(
      tx,
      actor,
      {
        action: "token.created",
        entityType: "api_token",
        entityId: created!.id,
        projectId: data.projectId,
        after: { name: data.name, prefix, scopes: created!.scopes, expiresAt },
      },
      ctx.requestId,
    );
    return created!;
  });
  return { id: row.id, name: row.name, prefix, scopes: row.scopes, expiresAt, token };
}

export async function revokeApiToken(ctx: ServiceContext, input: unknown) {
  const actor = requireUser(ctx);
  const { tokenId } = parseInput(revokeTokenSchema, input);
  return ctx.db.transaction(async (tx) => {
    const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, tokenId)).for("update");
    if (!token) throw new AppError("not_found:entity", "No such token");
    assertUserCan(actor, "token:manage", token.projectId);
    if (token.revokedAt) return { id: token.id, revokedAt: token.revokedAt };
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning();
    await writeAudit(
      tx,
      actor,
      {
        action: "token.revoked",
        entityType: "api_token",
        entityId: token.id,
        projectId: token.projectId,
        before: { revokedAt: null },
        after: { revokedAt: revoked!.revokedAt },
      },
      ctx.requestId,
    );
    // Evaluators cache token lookups: they drop this one when they hear of it.
    await notifyOnCommit(tx, { type: "token.revoked", projectId: token.projectId, tokenId: token.id });
    return { id: token.id, revokedAt: revoked!.revokedAt };
  });
}

/** Records a token's last use, to the minute, as announced by an edge that may not write. */
export async function recordTokenUse(db: Database, tokenId: string, at: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, at))));
}
