import "server-only";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { decisions, incidents, phases, plans, projects } from "@/db/schema";
import type { DecisionKind, PhaseStatus } from "@/db/schema/enums";
import { groupBy } from "@/lib/domain/group-by";
import type { RoadmapMarker, RoadmapPhase, RoadmapPlan } from "@/lib/domain/roadmap";
import { loadPortfolio } from "./portfolio";

type Instant = string | Date | null;
const instant = (v: Instant) => (v === null ? null : new Date(v));

/** The plans' scope as SQL: the projects a person may read, or (null) every project. */
const inProjects = (column: string, projectIds: string[] | null) =>
  projectIds === null
    ? sql`true`
    : sql`${sql.raw(column)} in (select (jsonb_array_elements_text(${JSON.stringify(projectIds)}::jsonb))::uuid)`;

/**
 * Every plan of the projects a person may read (null: every project) with what the roadmap draws:
 * its phases, planned and actual, its decisions and incidents as marks, and its next milestone as
 * the portfolio judges it. A few set-based reads, whatever the number of plans.
 */
export async function loadRoadmap(
  db: Database,
  now: Date = new Date(),
  projectIds: string[] | null = null,
): Promise<RoadmapPlan[]> {
  if (projectIds !== null && projectIds.length === 0) return [];
  const [rows, projectRows, phaseRows, decisionRows, incidentRows] = await Promise.all([
    loadPortfolio(db, now, projectIds),
    db.execute(sql`select id, slug from ${projects} j where ${inProjects("j.id", projectIds)}`),
    db.execute(sql`
      select f.id, f.plan_id, f.name, f.status, f.traffic_percent, f.planned_start_at, f.planned_end_at,
        f.actual_start_at, f.actual_end_at
      from ${phases} f join ${plans} p on p.id = f.plan_id
      where ${inProjects("p.project_id", projectIds)}
      order by f.plan_id, f.position`),
    db.execute(sql`
      select d.id, d.plan_id, d.kind, d.rationale, d.override_reason, d.decided_at
      from ${decisions} d join ${plans} p on p.id = d.plan_id
      where ${inProjects("p.project_id", projectIds)}`),
    db.execute(sql`
      select i.id, i.plan_id, i.title, i.detected_at
      from ${incidents} i join ${plans} p on p.id = i.plan_id
      where ${inProjects("p.project_id", projectIds)}`),
  ]);
  const projectIdOf = new Map(rowsOf<{ id: string; slug: string }>(projectRows).map((r) => [r.slug, r.id]));
  const phasesByPlan = groupBy(
    rowsOf<{
      id: string;
      plan_id: string;
      name: string;
      status: PhaseStatus;
      traffic_percent: number | string;
      planned_start_at: Instant;
      planned_end_at: Instant;
      actual_start_at: Instant;
      actual_end_at: Instant;
    }>(phaseRows).map((r) => ({
      planId: r.plan_id,
      phase: {
        id: r.id,
        name: r.name,
        status: r.status,
        trafficPercent: Number(r.traffic_percent),
        plannedStartAt: instant(r.planned_start_at),
        plannedEndAt: instant(r.planned_end_at),
        actualStartAt: instant(r.actual_start_at),
        actualEndAt: instant(r.actual_end_at),
      } satisfies RoadmapPhase,
    })),
    (r) => r.planId,
  );
  const markers: { planId: string; marker: RoadmapMarker }[] = [
    ...rowsOf<{
      id: string;
      plan_id: string;
      kind: DecisionKind;
      rationale: string;
      override_reason: string | null;
      decided_at: string | Date;
    }>(decisionRows).map((d) => ({
      planId: d.plan_id,
      marker: {
        id: d.id,
        at: new Date(d.decided_at),
        kind: d.override_reason ? ("override" as const) : d.kind,
        label: d.override_reason ? `${d.rationale} — override: ${d.override_reason}` : d.rationale,
      },
    })),
    ...rowsOf<{ id: string; plan_id: string; title: string; detected_at: string | Date }>(incidentRows).map((i) => ({
      planId: i.plan_id,
      marker: { id: i.id, at: new Date(i.detected_at), kind: "incident" as const, label: i.title },
    })),
  ];
  const markersByPlan = groupBy(markers, (m) => m.planId);
  return rows.map((r) => ({
    id: r.planId,
    name: r.name,
    releaseVersion: r.releaseVersion,
    status: r.status,
    project: { id: projectIdOf.get(r.project.slug) ?? "", slug: r.project.slug, name: r.project.name },
    milestone: r.milestone,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    phases: (phasesByPlan.get(r.planId) ?? []).map((p) => p.phase),
    markers: (markersByPlan.get(r.planId) ?? []).map((m) => m.marker).sort((a, b) => a.at.getTime() - b.at.getTime()),
  }));
}
