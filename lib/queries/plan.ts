import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db/client";
import {
  checklistItems,
  checklists,
  commsEntries,
  decisions,
  escalationLevels,
  incidents,
  metrics,
  migrationSteps,
  phases,
  plans,
  risks,
} from "@/db/schema";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { classifyReading, type PhaseHealth, phaseHealth, worstHealth } from "@/lib/domain/health";
import { gateBlockers, gateList } from "@/lib/domain/gate-summary";
import { nextMilestone } from "@/lib/domain/milestones";
import { chartRange, currentTraffic, focusPhaseIndex } from "@/lib/domain/rollout";
import { freezeSentence, upcomingFreezeWarning } from "@/lib/domain/freeze";
import { freezeStateOf } from "@/lib/reads/freezes";
import { loadGateState } from "@/lib/reads/gate";
import { canaryPanel } from "./canary";
import { openOverrideOf } from "./freezes";
import { incidentActivity } from "./incidents";
import { type MetricSeries, metricSeries } from "@/lib/reads/series";
import { phaseReadings, recentCanaryValues } from "./metrics";

export const planIdSchema = z.uuid();

/** The project a plan belongs to (for a permission check), or null when there is no such plan. */
export async function planProjectId(db: Database, planId: string): Promise<string | null> {
  if (!planIdSchema.safeParse(planId).success) return null;
  const [plan] = await db.select({ projectId: plans.projectId }).from(plans).where(eq(plans.id, planId));
  return plan?.projectId ?? null;
}

/** What a plan page's title needs: not the whole view, which the page itself loads. */
export async function planTitle(
  db: Database,
  planId: string,
): Promise<{ name: string; releaseVersion: string; projectId: string } | null> {
  if (!planIdSchema.safeParse(planId).success) return null;
  const [plan] = await db
    .select({ name: plans.name, releaseVersion: plans.releaseVersion, projectId: plans.projectId })
    .from(plans)
    .where(eq(plans.id, planId));
  return plan ?? null;
}

/** The plan with everything it holds, without the computed view (charts, health, gate): for the editor. */
export async function loadPlanRecord(db: Database, planId: string) {
  if (!planIdSchema.safeParse(planId).success) return null;
  return (await fetchPlan(db, planId)) ?? null;
}

async function fetchPlan(db: Database, planId: string) {
  return db.query.plans.findFirst({
    where: eq(plans.id, planId),
    with: {
      project: true,
      owner: { columns: { id: true, name: true } },
      phases: {
        orderBy: asc(phases.position),
        with: {
          gate: { with: { approvals: { with: { user: { columns: { name: true } } } } } },
          successCriteria: true,
        },
      },
      checklists: {
        orderBy: asc(checklists.position),
        with: {
          items: { orderBy: asc(checklistItems.position) },
          signOffs: { with: { user: { columns: { name: true } } } },
        },
      },
      metrics: { orderBy: asc(metrics.position) },
      decisions: { orderBy: desc(decisions.decidedAt), with: { decider: { columns: { name: true } } } },
      incidents: { orderBy: desc(incidents.detectedAt) },
      rollbackTriggers: true,
      migrationSteps: { orderBy: asc(migrationSteps.position) },
      risks: { orderBy: asc(risks.createdAt), with: { owner: { columns: { name: true } } } },
      escalationLevels: { orderBy: asc(escalationLevels.level) },
      commsEntries: { orderBy: [asc(commsEntries.position), asc(commsEntries.id)] },
    },
  });
}

export type PlanRecord = NonNullable<Awaited<ReturnType<typeof fetchPlan>>>;
export type PlanChecklist = PlanRecord["checklists"][number] & { progress: ReturnType<typeof checklistProgress> };

/**
 * What a plan's page says about it now, without its charts and history: health, the phase in
 * focus, its gate and what blocks it, the checklists' progress and the next milestone. The page
 * starts from it, and an open page re-reads it (as the gate) when checklists are ticked, approvals
 * given or samples arrive.
 */
async function summarise(db: Database, plan: PlanRecord, now: Date) {
  const recent = await recentCanaryValues(db, [plan.id]);
  const metricViews = plan.metrics.map((m) => {
    const value = recent.get(m.id) ?? null;
    return { ...m, recent: value, health: classifyReading(m, value) };
  });
  const health = worstHealth(metricViews.map((m) => m.health));

  const withProgress: PlanChecklist[] = plan.checklists.map((c) => ({ ...c, progress: checklistProgress(c.items) }));
  const focusIndex = focusPhaseIndex(plan.status, plan.phases);
  const focus = plan.phases[focusIndex] ?? null;
  const gateLists = focus ? withProgress.filter((c) => c.phaseId === focus.id && c.kind === "go_no_go") : [];
  const gateOutstanding = gateLists.reduce((n, c) => n + c.progress.requiredOutstanding, 0);
  // The same gate evaluation a go decision runs, so the page lists exactly what would refuse it.
  const gate = focus && focus.status === "active" ? await loadGateState(db, focus, now) : null;
  const frozen = await freezeStateOf(db, plan.projectId, now);
  const freeze = frozen.active
    ? {
        names: [...new Set(frozen.active.chain.map((w) => w.freeze.name))],
        until: frozen.active.until,
        untilAtLeast: frozen.active.untilAtLeast,
        sentence: freezeSentence(frozen.active, now),
      }
    : null;
  const nextFreeze = frozen.upcoming
    ? {
        name: frozen.upcoming.freeze.name,
        startsAt: frozen.upcoming.startsAt,
        endsAt: frozen.upcoming.endsAt,
        sentence: upcomingFreezeWarning(frozen.upcoming, now),
      }
    : null;
  return {
    /** When it was read, in epoch milliseconds. */
    readAt: now.getTime(),
    plan,
    health,
    metricViews,
    trafficPercent: currentTraffic(plan.status, plan.phases),
    focusIndex,
    gateLists,
    gateOutstanding,
    gate,
    /** The change freeze holding the plan now: a go needs an emergency override. */
    freeze,
    /** The next freeze window to start within a day. */
    nextFreeze,
    focusBlockers: [...(freeze ? [freeze.sentence] : []), ...focusBlockers(focus, gate, gateLists)],
    checklists: withProgress,
    milestone: nextMilestone({
      planStatus: plan.status,
      targetStartAt: plan.targetStartAt,
      phases: plan.phases,
      health,
      gateOutstanding,
      now,
    }),
  };
}

/**
 * What blocks the phase in focus, in words: the active gate's evaluation; for a phase still to
 * come, its approvals, checklists and sign-offs (its criteria cannot be judged before it runs).
 */
function focusBlockers(
  focus: PlanRecord["phases"][number] | null,
  gate: Awaited<ReturnType<typeof loadGateState>> | null,
  gateLists: PlanChecklist[],
): string[] {
  if (gate) return gate.verdict.unmet;
  const focusGate = focus?.gate;
  if (!focusGate || focus.status !== "pending") return [];
  return gateBlockers({
    requiredApprovals: focusGate.requiredApprovals,
    approverRoles: focusGate.approverRoles,
    liveApprovals: focusGate.approvals.filter((a) => !a.voidedAt).length,
    lists: gateLists.map((l) =>
      gateList(
        l,
        l.items,
        l.signOffs.filter((s) => !s.voidedAt).map((s) => s.role),
      ),
    ),
  });
}

export type PlanSummary = Awaited<ReturnType<typeof summarise>>;

/** A plan's summary (see `summarise`), or null when there is no such plan. */
export async function loadPlanSummary(db: Database, planId: string, now: Date = new Date()) {
  if (!planIdSchema.safeParse(planId).success) return null;
  const plan = await fetchPlan(db, planId);
  return plan ? summarise(db, plan, now) : null;
}

/** How healthy each phase that has run was, by phase id, for the timeline. */
export async function phaseHealthOf(db: Database, plan: PlanRecord, now: Date): Promise<Map<string, PhaseHealth>> {
  const readings = await phaseReadings(db, plan.id, now);
  return new Map(
    plan.phases.filter((p) => p.actualStartAt).map((p) => [p.id, phaseHealth(plan.metrics, readings.get(p.id) ?? [])]),
  );
}

/** Everything the plan page shows, or null when there is no such plan. */
export async function loadPlanView(db: Database, planId: string, now: Date = new Date()) {
  if (!planIdSchema.safeParse(planId).success) return null;
  const plan = await fetchPlan(db, planId);
  if (!plan) return null;
  const { metricViews, ...summary } = await summarise(db, plan, now);
  const { from: chartFrom, to: chartTo } = chartRange(
    { ...plan, firstPhaseStartedAt: plan.phases[0]?.actualStartAt ?? null },
    now,
  );
  const series = await Promise.all(metricViews.map((m) => metricSeries(db, m.id, chartFrom, chartTo)));
  const incidentEdits = await incidentActivity(
    db,
    plan.id,
    plan.incidents.map((i) => i.id),
  );
  return {
    ...summary,
    metrics: metricViews.map((m, i) => ({ ...m, series: series[i]! })),
    chartRange: { from: chartFrom, to: chartTo },
    phaseHealth: await phaseHealthOf(db, plan, now),
    incidentEdits,
    canary: await canaryPanel(db, plan, now),
    /** The emergency override waiting for its go, while a freeze holds the plan. */
    freezeOverride: summary.freeze ? await openOverrideOf(db, plan.id, now) : null,
  };
}

export type PlanView = NonNullable<Awaited<ReturnType<typeof loadPlanView>>>;

/** One KPI's chart and latest reading, as an open plan page redraws it after a batch of samples. */
export interface KpiReading {
  /** When it was read, in epoch milliseconds: the newer of two readings wins. */
  readAt: number;
  health: ReturnType<typeof classifyReading>;
  /** The canary mean over the 15 minutes before its latest sample. */
  recent: number | null;
  /** The chart's span, in epoch milliseconds. */
  from: number;
  to: number;
  series: MetricSeries;
}

/** A KPI's reading for its plan's page, or null when the plan has no such KPI. */
export async function loadKpiReading(
  db: Database,
  planId: string,
  metricKey: string,
  now: Date = new Date(),
): Promise<KpiReading | null> {
  if (!planIdSchema.safeParse(planId).success) return null;
  const [row] = await db
    .select({
      status: plans.status,
      startedAt: plans.startedAt,
      endedAt: plans.endedAt,
      metricId: metrics.id,
      direction: metrics.direction,
      alertThreshold: metrics.alertThreshold,
      criticalThreshold: metrics.criticalThreshold,
    })
    .from(metrics)
    .innerJoin(plans, eq(plans.id, metrics.planId))
    .where(and(eq(metrics.planId, planId), eq(metrics.key, metricKey)));
  if (!row) return null;
  const [first] = await db
    .select({ at: phases.actualStartAt })
    .from(phases)
    .where(eq(phases.planId, planId))
    .orderBy(asc(phases.position))
    .limit(1);
  const range = chartRange({ ...row, firstPhaseStartedAt: first?.at ?? null }, now);
  const [recent, series] = await Promise.all([
    recentCanaryValues(db, [planId]),
    metricSeries(db, row.metricId, range.from, range.to),
  ]);
  const value = recent.get(row.metricId) ?? null;
  return {
    readAt: now.getTime(),
    health: classifyReading(row, value),
    recent: value,
    from: range.from.getTime(),
    to: range.to.getTime(),
    series,
  };
}
