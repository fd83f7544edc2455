import "server-only";
import { asc, count, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { memberships, plans, projects, users } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import { readableProjectIds, type UserActor, userCan } from "@/lib/auth/actor";

export async function projectBySlug(db: Database, slug: string) {
  const [project] = await db.select().from(projects).where(eq(projects.slug, slug));
  return project ?? null;
}

/** Projects with their plan counts; `ids` null means all. */
export async function listProjects(db: Database, ids: string[] | null) {
  if (ids !== null && ids.length === 0) return [];
  const rows = await db
    .select({
      id: projects.id,
      slug: projects.slug,
      name: projects.name,
      description: projects.description,
      plans: count(plans.id),
    })
    .from(projects)
    .leftJoin(plans, eq(plans.projectId, projects.id))
    .where(ids === null ? undefined : inArray(projects.id, ids))
    .groupBy(projects.id)
    .orderBy(asc(projects.name));
  return rows.map((r) => ({ ...r, plans: Number(r.plans) }));
}

export async function projectMembers(db: Database, projectId: string) {
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      disabledAt: users.disabledAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(users.name));
  const byUser = new Map<
    string,
    { userId: string; name: string; email: string; disabled: boolean; roles: ProjectRole[] }
  >();
  for (const r of rows) {
    const entry = byUser.get(r.userId) ?? {
      userId: r.userId,
      name: r.name,
      email: r.email,
      disabled: Boolean(r.disabledAt),
      roles: [],
    };
    entry.roles.push(r.role);
    byUser.set(r.userId, entry);
  }
  return [...byUser.values()];
}

export async function projectPlans(db: Database, projectId: string) {
  return db
    .select({ id: plans.id, name: plans.name, releaseVersion: plans.releaseVersion })
    .from(plans)
    .where(eq(plans.projectId, projectId))
    .orderBy(asc(plans.name));
}

export async function listUsers(db: Database) {
  return db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .orderBy(asc(users.name));
}

/** The projects a person may create plans in (new plan and Markdown import pages). */
export async function creatableProjects(db: Database, user: UserActor) {
  return (await listProjects(db, readableProjectIds(user))).filter((p) => userCan(user, "plan:create", p.id));
}
