import { and, asc, eq, gte, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import {
  auditEvents,
  checklistItems,
  decisions,
  checklists,
  incidents,
  metrics,
  phases,
  plans,
  projects,
  samples,
  users,
} from "@/db/schema";
import {
  DIGEST_WINDOW_DAYS,
  type DigestBlocked,
  type DigestFacts,
  type DigestOpenItem,
  type DigestPlan,
  MOVE_ACTIONS,
  moveOf,
} from "@/lib/domain/digest";
import { groupBy } from "@/lib/domain/group-by";
import { classifyReading, worstHealth } from "@/lib/domain/health";
import { nextMilestone } from "@/lib/domain/milestones";
import { currentTraffic } from "@/lib/domain/rollout";
import { loadGateStates } from "./gate";

// What the weekly digest says, read for a set of projects (null: every project) with a fixed
// number of queries however many plans they hold. The page and the scheduled send both read here.

const OPEN_STATUSES = ["draft", "scheduled", "in_progress", "paused"] as const;
const DAY_MS = 86_400_000;

export async function loadDigestFacts(
  db: Database | Tx,
  projectIds: readonly string[] | null,
  now: Date,
): Promise<DigestFacts> {
  if (projectIds !== null && projectIds.length === 0) return { plans: [], moves: [], blocked: [], incidents: [] };
  const since = new Date(now.getTime() - DIGEST_WINDOW_DAYS * DAY_MS);
  // When a move happened: the decision's own time, or the plan's start, which an import of
  // history may set in the past; the audit row's time otherwise.
  const movedAt =
    sql<Date>`coalesce(${decisions.decidedAt}, case when ${auditEvents.action} = 'plan.start' then ${plans.startedAt} end, ${auditEvents.createdAt})`.mapWith(
      auditEvents.createdAt,
    );
  const inScope = projectIds === null ? undefined : inArray(plans.projectId, [...projectIds]);
  const openPlanIds = db
    .select({ id: plans.id })
    .from(plans)
    .where(and(inScope, inArray(plans.status, [...OPEN_STATUSES])));

  const refColumns = {
    id: plans.id,
    name: plans.name,
    releaseVersion: plans.releaseVersion,
    slug: projects.slug,
    projectName: projects.name,
  };
  const refOf = (r: { id: string; name: string; releaseVersion: string; slug: string; projectName: string }) => ({
    id: r.id,
    name: r.name,
    releaseVersion: r.releaseVersion,
    project: { slug: r.slug, name: r.projectName },
  });

  const [planRows, phaseRows, metricRows, itemRows, moveRows, incidentRows] = await Promise.all([
    db
      .select({ ...refColumns, status: plans.status, targetStartAt: plans.targetStartAt })
      .from(plans)
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .where(inArray(plans.id, openPlanIds)),
    db
      .select({
        id: phases.id,
        planId: phases.planId,
        name: phases.name,
        status: phases.status,
        trafficPercent: phases.trafficPercent,
        plannedStartAt: phases.plannedStartAt,
        plannedEndAt: phases.plannedEndAt,
        actualStartAt: phases.actualStartAt,
      })
      .from(phases)
      .where(inArray(phases.planId, openPlanIds))
      .orderBy(asc(phases.planId), asc(phases.position)),
    db
      .select({
        planId: metrics.planId,
        direction: metrics.direction,
        target: metrics.target,
        alertThreshold: metrics.alertThreshold,
        criticalThreshold: metrics.criticalThreshold,
        // The canary's mean over its last 15 minutes of samples, as the portfolio reads health.
        recent: sql<string | number | null>`(
          select avg(s.value) from ${samples} s
          where s.metric_id = ${metrics.id} and s.cohort = 'canary'
            and s.ts > ${metrics.lastSampleAt} - interval '15 minutes' and s.ts <= ${metrics.lastSampleAt})`,
      })
      .from(metrics)
      .where(and(inArray(metrics.planId, openPlanIds), isNotNull(metrics.lastSampleAt))),
    // Required go/no-go items not done in each running plan's active phase, with whom they wait on.
    db
      .select({
        phaseId: checklists.phaseId,
        list: checklists.title,
        text: checklistItems.text,
        state: checklistItems.state,
        reason: checklistItems.reason,
        assigneeRole: checklistItems.assigneeRole,
        assigneeName: users.name,
      })
      .from(checklistItems)
      .innerJoin(checklists, eq(checklists.id, checklistItems.checklistId))
      .innerJoin(phases, and(eq(phases.id, checklists.phaseId), eq(phases.status, "active")))
      .leftJoin(users, eq(users.id, checklistItems.assigneeUserId))
      .where(
        and(
          inArray(checklists.planId, openPlanIds),
          eq(checklists.kind, "go_no_go"),
          eq(checklistItems.required, true),
          inArray(checklistItems.state, ["open", "blocked"]),
        ),
      )
      .orderBy(asc(checklists.position), asc(checklistItems.position)),
    db
      .select({
        ...refColumns,
        action: auditEvents.action,
        before: auditEvents.before,
        after: auditEvents.after,
        at: movedAt,
        actor: auditEvents.actorLabel,
      })
      .from(auditEvents)
      .innerJoin(plans, eq(plans.id, auditEvents.planId))
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .leftJoin(
        decisions,
        and(eq(auditEvents.entityType, "decision"), eq(sql`${decisions.id}::text`, auditEvents.entityId)),
      )
      .where(
        and(
          projectIds === null ? undefined : inArray(auditEvents.projectId, [...projectIds]),
          inArray(auditEvents.action, [...MOVE_ACTIONS]),
          sql`${movedAt} >= ${since.toISOString()}::timestamptz`,
        ),
      )
      .orderBy(asc(auditEvents.id)),
    db
      .select({
        ...refColumns,
        title: incidents.title,
        status: incidents.status,
        detectedAt: incidents.detectedAt,
        decidedAt: incidents.decidedAt,
        executedAt: incidents.executedAt,
        verifiedAt: incidents.verifiedAt,
        decideTargetSec: plans.decideTargetSec,
        executeTargetSec: plans.executeTargetSec,
        verifyTargetSec: plans.verifyTargetSec,
        totalTargetSec: plans.totalTargetSec,
      })
      .from(incidents)
      .innerJoin(plans, eq(plans.id, incidents.planId))
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .where(and(inScope, or(ne(incidents.status, "resolved"), gte(incidents.detectedAt, since))))
      .orderBy(asc(incidents.detectedAt)),
  ]);

  const phasesByPlan = groupBy(phaseRows, (p) => p.planId);
  const metricsByPlan = groupBy(metricRows, (m) => m.planId);
  // Go/no-go lists always belong to a phase (checklists_go_no_go_has_phase).
  const itemsByPhase = groupBy(itemRows, (i) => i.phaseId ?? "");
  const running = planRows.filter((p) => p.status === "in_progress" || p.status === "paused");
  const active = running.flatMap((p) => {
    const phase = phasesByPlan.get(p.id)?.find((ph) => ph.status === "active");
    return phase ? [{ plan: p, phase }] : [];
  });
  const gates = await loadGateStates(
    db,
    active.map((a) => a.phase),
    now,
  );

  const digestPlans = planRows.map((p): DigestPlan => {
    const planPhases = (phasesByPlan.get(p.id) ?? []).map((ph) => ({
      ...ph,
      trafficPercent: Number(ph.trafficPercent),
    }));
    const health = worstHealth(
      (metricsByPlan.get(p.id) ?? []).map((m) => classifyReading(m, m.recent === null ? null : Number(m.recent))),
    );
    const activePhase = planPhases.find((ph) => ph.status === "active");
    return {
      plan: refOf(p),
      status: p.status,
      phase: activePhase?.name ?? null,
      trafficPercent: currentTraffic(p.status, planPhases),
      milestone: nextMilestone({
        planStatus: p.status,
        targetStartAt: p.targetStartAt,
        phases: planPhases,
        health,
        gateOutstanding: activePhase ? (itemsByPhase.get(activePhase.id)?.length ?? 0) : 0,
        now,
      }),
    };
  });

  const blocked = active.flatMap(({ plan, phase }): DigestBlocked[] => {
    const verdict = gates.get(phase.id)?.verdict;
    const openItems = (itemsByPhase.get(phase.id) ?? []).map((i): DigestOpenItem => ({
      list: i.list,
      text: i.text,
      state: i.state === "blocked" ? "blocked" : "open",
      reason: i.reason,
      assigneeRole: i.assigneeRole,
      assigneeName: i.assigneeName,
    }));
    // Required items are listed one by one with whom they wait on; the gate's other conditions
    // (approvals, sign-offs, success criteria) as the gate words them.
    const conditions = (verdict?.conditions ?? [])
      .filter((c) => c.kind !== "checklist" || / sign-off missing from /.test(c.text))
      .map((c) => c.text);
    if (conditions.length === 0 && openItems.length === 0) return [];
    return [{ plan: refOf(plan), phase: phase.name, conditions, openItems }];
  });

  return {
    plans: digestPlans,
    moves: moveRows.flatMap((r) => {
      const move = moveOf(r.action, r.before, r.after);
      return move ? [{ ...move, plan: refOf(r), at: r.at, actor: r.actor }] : [];
    }),
    blocked,
    incidents: incidentRows.map((r) => ({
      plan: refOf(r),
      title: r.title,
      status: r.status,
      instants: {
        detectedAt: r.detectedAt,
        decidedAt: r.decidedAt,
        executedAt: r.executedAt,
        verifiedAt: r.verifiedAt,
      },
      targets: {
        decideTargetSec: r.decideTargetSec,
        executeTargetSec: r.executeTargetSec,
        verifyTargetSec: r.verifyTargetSec,
        totalTargetSec: r.totalTargetSec,
      },
    })),
  };
}
