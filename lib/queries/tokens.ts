import "server-only";
import { desc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens, memberships, users } from "@/db/schema";
import { type Actor, assertUserCan } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";

/** A project's API tokens, with who made each and whether that person still may: for people who manage tokens. */
export async function listApiTokens(db: Database, actor: Actor, projectId: string) {
  if (actor.kind !== "user") throw new AppError("forbidden:permission", "Only people list API tokens");
  assertUserCan(actor, "token:manage", projectId);
  const rows = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      createdBy: users.name,
      createdById: apiTokens.createdById,
      creatorDisabled: sql<boolean>`${users.disabledAt} is not null`,
      creatorMayManage: sql<boolean>`coalesce(${users.isAdmin}, false) or exists (select 1 from ${memberships} where ${memberships.projectId} = ${apiTokens.projectId} and ${memberships.userId} = ${apiTokens.createdById} and ${memberships.role} = 'release_manager')`,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdById))
    .where(eq(apiTokens.projectId, projectId))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(({ createdById, creatorDisabled, creatorMayManage, ...row }) => ({
    ...row,
    // Why a token stopped with its creator, as the list says it (null: it works, or it was revoked or expired).
    creatorStatus:
      createdById === null || row.createdBy === null
        ? null
        : creatorDisabled
          ? ("disabled" as const)
          : creatorMayManage
            ? ("active" as const)
            : ("no_longer_manages" as const),
  }));
}
