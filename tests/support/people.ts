import type { Database } from "@/db/client";
import { memberships, projects, users } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import type { UserActor } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { loadUserActor } from "@/lib/auth/user-actor";

let counter = 0;

export async function makeProject(db: Database, slug = `p${++counter}-${Date.now().toString(36)}`) {
  const [project] = await db
    .insert(projects)
    .values({ slug, name: `Project ${slug}` })
    .returning();
  return project!;
}

/** A person holding `roles` in `projectId` (or an admin), returned as the actor services receive. */
export async function makeUser(
  db: Database,
  opts: { projectId?: string; roles?: ProjectRole[]; isAdmin?: boolean; password?: string; email?: string } = {},
): Promise<UserActor> {
  const n = ++counter;
  const [user] = await db
    .insert(users)
    .values({
      email: opts.email ?? `person${n}-${Date.now().toString(36)}@example.test`,
      name: `Person ${n}`,
      isAdmin: opts.isAdmin ?? false,
      passwordHash: opts.password ? await hashPassword(opts.password) : null,
    })
    .returning();
  for (const role of opts.roles ?? [])
    await db.insert(memberships).values({ projectId: opts.projectId!, userId: user!.id, role });
  return (await loadUserActor(db, user!.id))!;
}
