import "server-only";
import { and, count, desc, eq, inArray, isNotNull, ne, type SQLWrapper, sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { checklistItems, checklists, incidents, metrics, phases, plans, projects, users } from "@/db/schema";
import type { PhaseStatus, PlanStatus, PlanStrategy } from "@/db/schema/enums";
import { groupBy } from "@/lib/domain/group-by";
import { classifyReading, type Health, worstHealth } from "@/lib/domain/health";
import { type Milestone, nextMilestone } from "@/lib/domain/milestones";
import { currentTraffic } from "@/lib/domain/rollout";
import { loadGateStates } from "@/lib/reads/gate";
import { recentCanaryValues } from "./metrics";

export interface PortfolioRow {
  planId: string;
  name: string;
  releaseVersion: string;
  status: PlanStatus;
  strategy: PlanStrategy;
  project: { slug: string; name: string };
  owner: string | null;
  phase: { name: string; position: number; count: number } | null;
  trafficPercent: number;
  health: Health;
  milestone: Milestone | null;
  /** Incidents not yet resolved (open or mitigated). */
  openIncidents: number;
  /**
   * What stands in the way, in words: unresolved incidents, then (once withGateBlockers has run
   * over the rows shown) the active gate's unmet conditions.
   */
  blockers: string[];
  startedAt: Date | null;
  endedAt: Date | null;
  updatedAt: Date;
}

const statusOrder: Record<PlanStatus, number> = {
  in_progress: 0,
  paused: 1,
  scheduled: 2,
  draft: 3,
  rolled_back: 4,
  completed: 5,
  cancelled: 6,
};

const planColumns = {
  id: plans.id,
  name: plans.name,
  releaseVersion: plans.releaseVersion,
  status: plans.status,
  strategy: plans.strategy,
  targetStartAt: plans.targetStartAt,
  startedAt: plans.startedAt,
  endedAt: plans.endedAt,
  updatedAt: plans.updatedAt,
  projectSlug: projects.slug,
  projectName: projects.name,
  owner: users.name,
};
const selectPlans = (db: Database) =>
  db
    .select(planColumns)
    .from(plans)
    .innerJoin(projects, eq(projects.id, plans.projectId))
    .leftJoin(users, eq(users.id, plans.ownerId))
    .$dynamic();
type PlanRow = Awaited<ReturnType<typeof selectPlans>>[number];

// The portfolio's two long reads (a row per plan, a row per phase) are plain SQL mapped here:
// at a thousand plans, the query builder's per-cell result mapping cost more than the queries.
type Instant = string | Date | null;
const instant = (v: Instant) => (v === null ? null : new Date(v));
interface RawPlan {
  id: string;
  name: string;
  release_version: string;
  status: PlanStatus;
  strategy: PlanStrategy;
  target_start_at: Instant;
  started_at: Instant;
  ended_at: Instant;
  updated_at: string | Date;
  project_slug: string;
  project_name: string;
  owner: string | null;
}
const planRowOf = (r: RawPlan): PlanRow => ({
  id: r.id,
  name: r.name,
  releaseVersion: r.release_version,
  status: r.status,
  strategy: r.strategy,
  targetStartAt: instant(r.target_start_at),
  startedAt: instant(r.started_at),
  endedAt: instant(r.ended_at),
  updatedAt: new Date(r.updated_at),
  projectSlug: r.project_slug,
  projectName: r.project_name,
  owner: r.owner,
});
interface RawPhase {
  id: string;
  plan_id: string;
  name: string;
  position: number;
  status: PhaseStatus;
  traffic_percent: number | string;
  planned_start_at: Instant;
  planned_end_at: Instant;
  actual_start_at: Instant;
}

// Every plan with what an executive asks first: where it is, how much traffic, healthy or not, what's next.
/** `projectIds` limits the portfolio to the projects a person may read; null means every project. */
export async function loadPortfolio(
  db: Database,
  now: Date = new Date(),
  projectIds: string[] | null = null,
): Promise<PortfolioRow[]> {
  if (projectIds !== null && projectIds.length === 0) return [];
  const scope = projectIds === null ? undefined : inArray(plans.projectId, projectIds);
  const planRows = rowsOf<RawPlan>(
    await db.execute(sql`
      select p.id, p.name, p.release_version, p.status, p.strategy, p.target_start_at, p.started_at, p.ended_at, p.updated_at,
        j.slug as project_slug, j.name as project_name, u.name as owner
      from ${plans} p join ${projects} j on j.id = p.project_id left join ${users} u on u.id = p.owner_id
      ${projectIds === null ? sql`` : sql`where p.project_id in (select (jsonb_array_elements_text(${JSON.stringify(projectIds)}::jsonb))::uuid)`}
      order by p.updated_at desc`),
  ).map(planRowOf);
  // The plans' own rows are read through the same condition, not with a thousand ids bound as
  // parameters (planning a thousand-element IN list costs more than running the query).
  const rows = await describePlans(db, planRows, now, db.select({ id: plans.id }).from(plans).where(scope));
  return rows;
}

/**
 * One page of a project's plans, newest first, for the API: `after` is the last plan of the
 * previous page. The order (created, then id) never changes, so paging never skips or repeats
 * a plan. Null when `after` is not a plan of the project.
 */
export async function loadPortfolioPage(
  db: Database,
  projectId: string,
  page: { limit: number; after: string | null },
  now: Date = new Date(),
): Promise<{ rows: PortfolioRow[]; more: boolean } | null> {
  let after: { createdAt: Date; id: string } | null = null;
  if (page.after) {
    const [anchor] = await db
      .select({ createdAt: plans.createdAt, id: plans.id })
      .from(plans)
      .where(and(eq(plans.id, page.after), eq(plans.projectId, projectId)));
    if (!anchor) return null;
    after = anchor;
  }
  const planRows = await selectPlans(db)
    .where(
      and(
        eq(plans.projectId, projectId),
        after
          ? sql`(${plans.createdAt}, ${plans.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(plans.createdAt), desc(plans.id))
    .limit(page.limit + 1);
  const rows = await withGateBlockers(db, await describePlans(db, planRows.slice(0, page.limit), now), now);
  return { rows, more: planRows.length > page.limit };
}

/**
 * The rows with their active gate's unmet conditions among the blockers, the gate evaluated as a
 * go decision would be. Only for the rows shown: at a thousand plans, the gates of every running
 * plan are most of the portfolio's reading.
 */
export async function withGateBlockers(db: Database, rows: PortfolioRow[], now: Date): Promise<PortfolioRow[]> {
  const running = rows.filter((r) => r.status === "in_progress" || r.status === "paused").map((r) => r.planId);
  if (running.length === 0) return rows;
  const active = await db
    .select({ id: phases.id, planId: phases.planId, actualStartAt: phases.actualStartAt })
    .from(phases)
    .where(and(inArray(phases.planId, running), eq(phases.status, "active")));
  const gates = await loadGateStates(db, active, now);
  const unmet = new Map(active.map((p) => [p.planId, gates.get(p.id)!.verdict.unmet] as const));
  return rows.map((r) =>
    unmet.get(r.planId)?.length ? { ...r, blockers: [...r.blockers, ...unmet.get(r.planId)!] } : r,
  );
}

/** `ids`: the plans' ids, or a query selecting them (for many plans). */
async function describePlans(
  db: Database,
  planRows: PlanRow[],
  now: Date,
  ids: string[] | SQLWrapper = planRows.map((p) => p.id),
): Promise<PortfolioRow[]> {
  if (planRows.length === 0) return [];

  const [phaseRows, metricRows, recent, openIncidentRows, outstandingRows] = await Promise.all([
    // Only the columns the rows need: a thousand plans have thousands of phases and KPIs.
    db
      .execute(
        sql`select id, plan_id, name, position, status, traffic_percent, planned_start_at, planned_end_at, actual_start_at
          from ${phases} where ${inArray(phases.planId, ids)} order by plan_id, position`,
      )
      .then((result) =>
        rowsOf<RawPhase>(result).map((r) => ({
          id: r.id,
          planId: r.plan_id,
          name: r.name,
          position: Number(r.position),
          status: r.status,
          trafficPercent: Number(r.traffic_percent),
          plannedStartAt: instant(r.planned_start_at),
          plannedEndAt: instant(r.planned_end_at),
          actualStartAt: instant(r.actual_start_at),
        })),
      ),
    db
      .select({
        id: metrics.id,
        planId: metrics.planId,
        direction: metrics.direction,
        target: metrics.target,
        alertThreshold: metrics.alertThreshold,
        criticalThreshold: metrics.criticalThreshold,
      })
      .from(metrics)
      // A KPI without samples reads as unknown, which never makes a plan's health worse.
      .where(and(inArray(metrics.planId, ids), isNotNull(metrics.lastSampleAt))),
    recentCanaryValues(db, ids),
    db
      .select({ planId: incidents.planId, title: incidents.title, status: incidents.status })
      .from(incidents)
      .where(and(inArray(incidents.planId, ids), ne(incidents.status, "resolved")))
      .orderBy(desc(incidents.detectedAt)),
    // Required go/no-go items still open, per active phase: what its gate is waiting on.
    db
      .select({ phaseId: checklists.phaseId, n: count() })
      .from(checklistItems)
      .innerJoin(checklists, eq(checklists.id, checklistItems.checklistId))
      .innerJoin(phases, and(eq(phases.id, checklists.phaseId), eq(phases.status, "active")))
      .where(
        and(
          inArray(checklists.planId, ids),
          eq(checklists.kind, "go_no_go"),
          eq(checklistItems.required, true),
          inArray(checklistItems.state, ["open", "blocked"]),
        ),
      )
      .groupBy(checklists.phaseId),
  ]);

  const outstandingByPhase = new Map(outstandingRows.map((r) => [r.phaseId, Number(r.n)]));
  const incidentsByPlan = groupBy(openIncidentRows, (r) => r.planId);

  // Grouped once: with a thousand plans, filtering every list per plan is a million comparisons.
  const phasesByPlan = groupBy(phaseRows, (p) => p.planId);
  const metricsByPlan = groupBy(metricRows, (m) => m.planId);
  const rows = planRows.map((plan): PortfolioRow => {
    const planPhases = phasesByPlan.get(plan.id) ?? [];
    const health = worstHealth((metricsByPlan.get(plan.id) ?? []).map((m) => classifyReading(m, recent.get(m.id))));
    const active = planPhases.find((p) => p.status === "active");
    const shown =
      active ??
      (plan.status === "completed" ? planPhases.at(-1) : undefined) ??
      planPhases.find((p) => p.status === "rolled_back" || p.status === "failed");
    return {
      planId: plan.id,
      name: plan.name,
      releaseVersion: plan.releaseVersion,
      status: plan.status,
      strategy: plan.strategy,
      project: { slug: plan.projectSlug, name: plan.projectName },
      owner: plan.owner,
      phase: shown ? { name: shown.name, position: shown.position + 1, count: planPhases.length } : null,
      trafficPercent: currentTraffic(plan.status, planPhases),
      health,
      milestone: nextMilestone({
        planStatus: plan.status,
        targetStartAt: plan.targetStartAt,
        phases: planPhases,
        health,
        gateOutstanding: active ? (outstandingByPhase.get(active.id) ?? 0) : 0,
        now,
      }),
      openIncidents: incidentsByPlan.get(plan.id)?.length ?? 0,
      blockers: [
        ...(incidentsByPlan.get(plan.id) ?? []).map(
          (i) => `${i.status === "open" ? "Open" : "Mitigated, not resolved"} incident: ${i.title}`,
        ),
      ],
      startedAt: plan.startedAt,
      endedAt: plan.endedAt,
      updatedAt: plan.updatedAt,
    };
  });
  return rows.sort(
    (a, b) => statusOrder[a.status] - statusOrder[b.status] || b.updatedAt.getTime() - a.updatedAt.getTime(),
  );
}
