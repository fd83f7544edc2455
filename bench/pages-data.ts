// The two databases bench:pages measures, built through the services (plans and their starts) and
// set-based SQL (people, samples, the audit trail's filler).
import { and, eq, inArray, sql } from "drizzle-orm";
import { type DbHandle, rowsOf } from "../db/client";
import { memberships, metrics, plans, projects, users } from "../db/schema";
import type { ProjectRole } from "../db/schema/enums";
import { hashPassword } from "../lib/auth/password";
import { loadUserActor } from "../lib/auth/user-actor";
import type { TemplateKey } from "../lib/domain/templates";
import { transitionPlan } from "../lib/services/decisions";
import { createPlan } from "../lib/services/plans";
import { rebuildRollups } from "../lib/services/rollups";

export const PASSWORD = "bench-pages-password-2026";
export const EMAIL = "release.manager@bench.local";

export interface Size {
  name: "small" | "large";
  projects: number;
  plans: number;
  running: number;
  people: number;
  auditRows: number;
}

export function sizes(scale = 1): Size[] {
  return [
    { name: "small", projects: 2, plans: 10, running: 1, people: 20, auditRows: 1_000 },
    {
      name: "large",
      projects: 20,
      plans: Math.round(1_000 * scale),
      running: Math.max(1, Math.round(100 * scale)),
      people: 200,
      auditRows: Math.round(100_000 * scale),
    },
  ];
}

const templates: TemplateKey[] = ["canary", "staged", "blue_green", "backend_migration"];
const roles: ProjectRole[] = ["release_manager", "engineer", "approver", "viewer"];

export interface Built {
  projectSlug: string;
  runningPlanId: string;
}

/** Fills a migrated database to `size` through the services (plans, starts) and set-based SQL (people, samples, audit filler). */
export async function build(handle: DbHandle, size: Size): Promise<Built> {
  const { db } = handle;
  const started = Date.now();
  const projectRows = await db
    .insert(projects)
    .values(
      Array.from({ length: size.projects }, (_, i) => ({ slug: `${size.name}-${i + 1}`, name: `Project ${i + 1}` })),
    )
    .returning({ id: projects.id, slug: projects.slug });
  const [me] = await db
    .insert(users)
    .values({ email: EMAIL, name: "Rilis Manajer", passwordHash: await hashPassword(PASSWORD) })
    .returning({ id: users.id });
  await db.insert(memberships).values(
    projectRows.flatMap((p) =>
      (["release_manager", "engineer", "approver"] as const).map((role) => ({
        projectId: p.id,
        userId: me!.id,
        role,
      })),
    ),
  );
  const people = await db
    .insert(users)
    .values(
      Array.from({ length: size.people }, (_, i) => ({
        email: `person-${i + 1}@bench.local`,
        name: `Person ${i + 1}`,
      })),
    )
    .returning({ id: users.id });
  await db.insert(memberships).values(
    people.map((p, i) => ({
      projectId: projectRows[i % projectRows.length]!.id,
      userId: p.id,
      role: roles[i % roles.length]!,
    })),
  );
  const actor = (await loadUserActor(db, me!.id))!;
  const ctx = { db, actor, requestId: null };

  const running: string[] = [];
  for (let i = 0; i < size.plans; i++) {
    const project = projectRows[i % projectRows.length]!;
    const { planId } = await createPlan(ctx, {
      projectId: project.id,
      template: templates[i % templates.length],
      name: `Release ${i + 1}`,
      releaseVersion: `2.${i}.0`,
    });
    if (i < size.running) {
      await transitionPlan(ctx, { planId, version: 1, action: "start" });
      running.push(planId);
    }
    if ((i + 1) % 250 === 0)
      console.log(
        `bench:pages: ${size.name}: ${i + 1} of ${size.plans} plans (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
  }

  // The running plans started 30 days ago, so their pages chart the whole month.
  await db.execute(
    sql`update plans set started_at = now() - interval '30 days' where id in (select (jsonb_array_elements_text(${JSON.stringify(running)}::jsonb))::uuid)`,
  );
  await db.execute(
    sql`update phases set actual_start_at = now() - interval '30 days' where status = 'active' and plan_id in (select (jsonb_array_elements_text(${JSON.stringify(running)}::jsonb))::uuid)`,
  );

  // Four KPIs of every running plan, a canary sample a minute for the last 30 days, near target.
  const kpis = await db
    .select({ id: metrics.id, planId: metrics.planId, target: metrics.target, direction: metrics.direction })
    .from(metrics)
    .where(inArray(metrics.planId, running))
    .orderBy(metrics.planId, metrics.position);
  const watched = running.flatMap((planId) => kpis.filter((k) => k.planId === planId).slice(0, 4));
  for (const k of watched) {
    await db.execute(sql`
      insert into samples (metric_id, cohort, ts, value)
      select ${k.id}::uuid, 'canary', g.ts,
        ${k.direction === "higher_is_better" ? sql`least(100, ${k.target ?? 99}::float8 + 0.05 * random())` : sql`${k.target ?? 1}::float8 * (0.6 + 0.2 * random())`}
      from generate_series(date_trunc('minute', now()) - interval '30 days', date_trunc('minute', now()), interval '1 minute') as g(ts)`);
  }
  for (let i = 0; i < watched.length; i += 40) {
    await db.transaction((tx) =>
      rebuildRollups(
        tx,
        watched.slice(i, i + 40).map((k) => k.id),
      ),
    );
  }
  console.log(
    `bench:pages: ${size.name}: ${watched.length} KPIs × 30 days of minute samples (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );

  // The audit trail up to its size: ticks and sign-offs spread over the projects and their plans.
  const existing = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from audit_events`))[0]?.n ?? 0;
  const filler = Math.max(0, size.auditRows - Number(existing));
  const planRows = await db.select({ id: plans.id, projectId: plans.projectId }).from(plans);
  const chunk = 10_000;
  for (let from = 0; from < filler; from += chunk) {
    const rows = Math.min(chunk, filler - from);
    await db.execute(sql`
      insert into audit_events (project_id, plan_id, actor_kind, actor_id, actor_label, action, entity_type, entity_id, after)
      select p.project_id, p.id, 'user', ${me!.id}, 'Rilis Manajer', 'checklist.item_ticked', 'checklist_item', gen_random_uuid()::text,
        jsonb_build_object('state', 'done', 'n', ${from}::int + g)
      from generate_series(1, ${rows}::int) as g
      join jsonb_to_recordset(${JSON.stringify(planRows.map((p, i) => ({ i, id: p.id, project_id: p.projectId })))}::jsonb) as p(i int, id uuid, project_id uuid)
        on p.i = g % ${planRows.length}::int`);
  }
  await db.execute(sql`analyze`);
  console.log(`bench:pages: ${size.name}: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const [first] = await db.select({ slug: projects.slug }).from(projects).where(eq(projects.id, projectRows[0]!.id));
  return { projectSlug: first!.slug, runningPlanId: running[0]! };
}

/** What build() returned, read back from a database it filled earlier. */
export async function builtBefore(handle: DbHandle, size: Size): Promise<Built> {
  const [plan] = await handle.db
    .select({ id: plans.id })
    .from(plans)
    .innerJoin(projects, eq(projects.id, plans.projectId))
    .where(and(eq(projects.slug, `${size.name}-1`), eq(plans.name, "Release 1")));
  if (!plan) throw new Error(`the kept ${size.name} database was not filled by bench:pages; drop it and run again`);
  return { projectSlug: `${size.name}-1`, runningPlanId: plan.id };
}
