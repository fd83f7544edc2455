import { and, eq, exists, type SQL, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiTokens, memberships, users } from "@/db/schema";
import { hashApiToken, type TokenStanding } from "./api-token";

// One read per token check: the token's row with its creator's standing (disabled? still a
// release manager of the project, or an admin?).

export type CheckedToken = typeof apiTokens.$inferSelect & TokenStanding;

export function loadTokenForCheck(db: Database, presented: string): Promise<CheckedToken | null> {
  return loadToken(db, eq(apiTokens.tokenHash, hashApiToken(presented)));
}

/** The same read by the token's id (an OFREP event stream names its token by id). */
export function loadTokenById(db: Database, id: string): Promise<CheckedToken | null> {
  return loadToken(db, eq(apiTokens.id, id));
}

async function loadToken(db: Database, where: SQL): Promise<CheckedToken | null> {
  const [row] = await db
    .select({
      token: apiTokens,
      creatorName: users.name,
      creatorDisabled: sql<boolean>`${users.disabledAt} is not null`,
      creatorMayManage: sql<boolean>`coalesce(${users.isAdmin}, false) or ${exists(
        db
          .select({ one: sql`1` })
          .from(memberships)
          .where(
            and(
              eq(memberships.projectId, apiTokens.projectId),
              eq(memberships.userId, apiTokens.createdById),
              eq(memberships.role, "release_manager"),
            ),
          ),
      )}`,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdById))
    .where(where);
  if (!row) return null;
  const creator =
    row.token.createdById && row.creatorName !== null
      ? {
          name: row.creatorName,
          disabled: Boolean(row.creatorDisabled),
          mayManageTokens: Boolean(row.creatorMayManage),
        }
      : null;
  return { ...row.token, creator };
}
