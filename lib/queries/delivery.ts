import "server-only";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { incidents, phases, plans, projects } from "@/db/schema";
import type { PlanKind, PlanStatus } from "@/db/schema/enums";
import type { DeliveryHistory, DeliveryPeriod } from "@/lib/domain/delivery-metrics";

type Instant = string | Date | null;
const instant = (v: Instant) => (v === null ? null : new Date(v));

/** The plans' scope as SQL: the projects a person may read, or (null) every project. */
const inProjects = (projectIds: string[] | null) =>
  projectIds === null
    ? sql`true`
    : sql`p.project_id in (select (jsonb_array_elements_text(${JSON.stringify(projectIds)}::jsonb))::uuid)`;

export interface DeliveryProject {
  id: string;
  slug: string;
  name: string;
}

/**
 * The release history the delivery metrics are computed from, for the projects a person may read
 * (null: every project): the rollouts that ended in the period, each with when traffic first
 * reached 100%, and the incidents detected in it with their plan's rollback targets. Two
 * set-based reads; the first 100% phase is found by the database, not per plan.
 */
export async function loadDeliveryHistory(
  db: Database,
  period: Pick<DeliveryPeriod, "from" | "to">,
  projectIds: string[] | null = null,
): Promise<DeliveryHistory> {
  if (projectIds !== null && projectIds.length === 0) return { plans: [], incidents: [] };
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const [planRows, incidentRows] = await Promise.all([
    db.execute(sql`
      select p.id, p.project_id, p.kind, p.status, p.started_at, p.ended_at,
        (select min(f.actual_start_at) from ${phases} f
          where f.plan_id = p.id and f.traffic_percent >= 100 and f.actual_start_at is not null) as reached_100_at
      from ${plans} p
      where ${inProjects(projectIds)}
        and p.ended_at >= ${from}::timestamptz and p.ended_at < ${to}::timestamptz`),
    db.execute(sql`
      select i.id, i.plan_id, p.project_id, i.detected_at, i.decided_at, i.executed_at, i.verified_at,
        p.decide_target_sec, p.execute_target_sec, p.verify_target_sec, p.total_target_sec
      from ${incidents} i join ${plans} p on p.id = i.plan_id
      where ${inProjects(projectIds)}
        and i.detected_at >= ${from}::timestamptz and i.detected_at < ${to}::timestamptz`),
  ]);
  return {
    plans: rowsOf<{
      id: string;
      project_id: string;
      kind: PlanKind;
      status: PlanStatus;
      started_at: Instant;
      ended_at: Instant;
      reached_100_at: Instant;
    }>(planRows).map((r) => ({
      id: r.id,
      projectId: r.project_id,
      kind: r.kind,
      status: r.status,
      startedAt: instant(r.started_at),
      endedAt: instant(r.ended_at),
      reached100At: instant(r.reached_100_at),
    })),
    incidents: rowsOf<{
      id: string;
      plan_id: string;
      project_id: string;
      detected_at: string | Date;
      decided_at: Instant;
      executed_at: Instant;
      verified_at: Instant;
      decide_target_sec: number | string;
      execute_target_sec: number | string;
      verify_target_sec: number | string;
      total_target_sec: number | string;
    }>(incidentRows).map((r) => ({
      id: r.id,
      planId: r.plan_id,
      projectId: r.project_id,
      detectedAt: new Date(r.detected_at),
      decidedAt: instant(r.decided_at),
      executedAt: instant(r.executed_at),
      verifiedAt: instant(r.verified_at),
      targets: {
        decideTargetSec: Number(r.decide_target_sec),
        executeTargetSec: Number(r.execute_target_sec),
        verifyTargetSec: Number(r.verify_target_sec),
        totalTargetSec: Number(r.total_target_sec),
      },
    })),
  };
}

/** The projects a person may read (null: every project), by name, for the page's filter. */
export async function loadDeliveryProjects(db: Database, projectIds: string[] | null): Promise<DeliveryProject[]> {
  if (projectIds !== null && projectIds.length === 0) return [];
  const scope =
    projectIds === null
      ? sql`true`
      : sql`j.id in (select (jsonb_array_elements_text(${JSON.stringify(projectIds)}::jsonb))::uuid)`;
  return rowsOf<DeliveryProject>(
    await db.execute(sql`select j.id, j.slug, j.name from ${projects} j where ${scope} order by j.name`),
  );
}
