import { eq } from "drizzle-orm";
import postgres, { type Sql } from "postgres";
import { type DbHandle, openDatabase } from "@/db/client";
import { projects, users } from "@/db/schema";
import type { TokenScope } from "@/lib/auth/permissions";
import { loadUserActor } from "@/lib/auth/user-actor";
import type { ServiceContext } from "@/lib/services/context";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { createApiToken } from "@/lib/services/tokens";
import { makeProject, makeUser } from "../../tests/support/people";

// The world a multi-process test sets up for itself through the same services the app uses,
// as a release manager of one project, plus a plain postgres.js client to count rows with.

export interface World {
  handle: DbHandle;
  /** For counting rows straight from PostgreSQL. */
  sql: Sql;
  ctx: ServiceContext;
  projectId: string;
  close(): Promise<void>;
}

async function open(url: string): Promise<{ handle: DbHandle; sql: Sql }> {
  const handle = await openDatabase({ databaseUrl: url, maxConnections: 4 });
  return { handle, sql: postgres(url, { max: 4, onnotice: () => {} }) };
}

function world(handle: DbHandle, sql: Sql, ctx: ServiceContext, projectId: string): World {
  return {
    handle,
    sql,
    ctx,
    projectId,
    async close() {
      await sql.end({ timeout: 5 });
      await handle.close();
    },
  };
}

/** A database holding the demo: act as the demo person `email` in the project `slug`. */
export async function demoWorld(url: string, email: string, slug: string): Promise<World> {
  const { handle, sql } = await open(url);
  const [person] = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const [project] = await handle.db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug));
  if (!person || !project) throw new Error(`the demo has no ${email} or no project ${slug}`);
  const actor = await loadUserActor(handle.db, person.id);
  if (!actor) throw new Error(`${email} cannot act`);
  return world(handle, sql, { db: handle.db, actor, requestId: null }, project.id);
}

/** An empty (migrated) database: a new project with a release manager to act as. */
export async function freshWorld(url: string): Promise<World> {
  const { handle, sql } = await open(url);
  const project = await makeProject(handle.db);
  const actor = await makeUser(handle.db, { projectId: project.id, roles: ["release_manager"] });
  return world(handle, sql, { db: handle.db, actor, requestId: null }, project.id);
}

export async function issueToken(w: World, name: string, scopes: TokenScope[]): Promise<string> {
  return (await createApiToken(w.ctx, { projectId: w.projectId, name, scopes })).token;
}

/**
 * A canary plan (5 → 25 → 75 → 100%, with the template's "Error rate > 5% for 5 min" automatic
 * trigger), started. `startedMinutesAgo` moves the first phase's start back, so a pipeline may
 * push samples from that far back (earlier ones would be history of no phase).
 */
export async function startCanary(w: World, name: string, { startedMinutesAgo = 0 } = {}): Promise<string> {
  const { planId, version } = await createPlan(w.ctx, {
    projectId: w.projectId,
    template: "canary",
    name,
    releaseVersion: "1.0.0",
  });
  await transitionPlan(w.ctx, { planId, version, action: "start" });
  if (startedMinutesAgo > 0) {
    await w.sql`update phases set actual_start_at = now() - make_interval(mins => ${startedMinutesAgo}) where plan_id = ${planId} and status = 'active'`;
  }
  return planId;
}

export async function planVersion(w: World, planId: string): Promise<number> {
  const [row] = await w.sql<{ version: number }[]>`select version from plans where id = ${planId}`;
  if (!row) throw new Error(`no plan ${planId}`);
  return row.version;
}
