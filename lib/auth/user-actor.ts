import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, users } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import type { UserActor } from "./actor";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in person with their roles per project, or null when unknown, disabled, or when the
 * session was issued before their sessions were ended (`epoch` older than the person's).
 * Without an epoch (commands, tests) the session check is skipped.
 */
export async function loadUserActor(db: Database, userId: string, epoch?: number): Promise<UserActor | null> {
  if (!UUID.test(userId)) return null;
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || user.disabledAt) return null;
  if (epoch !== undefined && epoch !== user.sessionEpoch) return null;
  const rows = await db
    .select({ projectId: memberships.projectId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  const roles = new Map<string, ProjectRole[]>();
  for (const r of rows) roles.set(r.projectId, [...(roles.get(r.projectId) ?? []), r.role]);
  return { kind: "user", userId: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, roles };
}
