import { and, eq, exists, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens, memberships, users } from "@/db/schema";
import { hashApiToken, type TokenStanding } from "./api-token";

// One read per token check: the token's row with its creator's standing (disabled? still a
// release manager of the project, or an admin?).

export type CheckedToken = typeof apiTokens.$inferSelect & TokenStanding;

export async function loadTokenForCheck(db: Database, presented: string): Promise<CheckedToken | null> {
  const [row] = await db
    .select({
      token: apiTokens,
      creatorName: users.name,
      creatorDisabled: sql<boolean>`${users.disabledAt} is not null`,
      creatorMayManage: sql<boolean>`coalesce(${users.isAdmin}, false) or ${exists(
        db
          .select({ one: sql`1` })
          .from(memberships)
          .where(and(eq(memberships.projectId, apiTokens.projectId), eq(memberships.userId, apiTokens.createdById), eq(memberships.role, "release_manager"))),
      )}`,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdById))
    .where(eq(apiTokens.tokenHash, hashApiToken(presented)));
  if (!row) return null;
  const creator = row.token.createdById && row.creatorName !== null ? { name: row.creatorName, disabled: Boolean(row.creatorDisabled), mayManageTokens: Boolean(row.creatorMayManage) } : null;
  return { ...row.token, creator };
}
