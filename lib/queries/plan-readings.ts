import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { checklistItems, checklists, phases } from "@/db/schema";
import type { ItemState, PhaseStatus, ProjectRole } from "@/db/schema/enums";
import { autoAdvanceVerdict } from "@/lib/domain/auto-advance";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { describeCriterion, describeRoles } from "@/lib/domain/gate-summary";
import type { Health, PhaseHealth } from "@/lib/domain/health";
import { TERMINAL } from "@/lib/domain/lifecycle";
import type { Milestone, MilestoneStatus } from "@/lib/domain/milestones";
import { dueStatus, windowTiming } from "@/lib/domain/validation-windows";
import {
  loadPlanRecord,
  loadPlanSummary,
  type PlanChecklist,
  type PlanRecord,
  type PlanSummary,
  phaseHealthOf,
  planIdSchema,
} from "./plan";

// The parts of a plan page that an open page re-reads by themselves when the live stream says they
// changed (lib/domain/live-changes.ts): the overview, one checklist, the timeline. Each is plain
// JSON (times in epoch milliseconds), built by the same function for the page's first render and
// for the route the page re-reads it from, so the two cannot differ.

/** When a reading was taken: the newer of two readings of the same part wins. */
interface Read {
  readAt: number;
}

// ---------------------------------------------------------------------------------------------
// The overview: the phase in focus, its gate, what blocks it, its criteria, the plan's health.

export interface OverviewReading extends Read {
  health: Health;
  /** Required go/no-go items still open in the focus phase's gate. */
  outstanding: number;
  planVersion: number;
  phase: {
    id: string;
    name: string;
    status: PhaseStatus;
    audience: string;
    trafficPercent: number;
    actualStartAt: number | null;
    plannedEndAt: number | null;
    autoAdvance: boolean;
    /** Its gate no longer applies: it passed, failed or rolled back. */
    finished: boolean;
  } | null;
  milestone: { label: string; status: MilestoneStatus; reason: string } | null;
  /** Whether the phase advances by itself and what it waits for; null when that cannot change. */
  autoAdvance: { advance: boolean; waiting: string | null; message: string } | null;
  gate: {
    nextPhase: string | null;
    approvals: { roles: string; live: number; required: number; names: string[] } | null;
    lists: { id: string; title: string; settled: number; total: number; ratio: number; blocked: number }[];
    blockers: string[];
    /** What is coming that will hold the gate: a change freeze starting within a day. */
    warnings: string[];
  };
  criteria: {
    id: string;
    text: string;
    canary: boolean;
    met: boolean | null;
    /** The reading behind the verdict, or the judge's sentence, in words. */
    detail: string;
  }[];
}

/** What the overview is read from: a plan's summary, or the page's whole view (which holds it). */
type OverviewSource = Omit<PlanSummary, "metricViews"> & { metrics: PlanSummary["metricViews"] };

export function overviewReadingOf(source: OverviewSource, now: Date): OverviewReading {
  const { plan } = source;
  const phase = plan.phases[source.focusIndex];
  const finished = phase ? phase.status !== "active" && phase.status !== "pending" : true;
  return {
    readAt: now.getTime(),
    health: source.health,
    outstanding: source.gateOutstanding,
    planVersion: plan.version,
    phase: phase
      ? {
          id: phase.id,
          name: phase.name,
          status: phase.status,
          audience: phase.audience,
          trafficPercent: phase.trafficPercent,
          actualStartAt: phase.actualStartAt?.getTime() ?? null,
          plannedEndAt: phase.plannedEndAt?.getTime() ?? null,
          autoAdvance: phase.autoAdvance,
          finished,
        }
      : null,
    milestone: milestoneOf(source.milestone),
    autoAdvance: phase && !finished && !TERMINAL.includes(plan.status) ? autoAdvanceOf(source, phase, now) : null,
    gate: {
      nextPhase: plan.phases[source.focusIndex + 1]?.name ?? null,
      approvals: phase?.gate ? approvalsOf(phase.gate) : null,
      lists: source.gateLists.map((l) => ({
        id: l.id,
        title: l.title,
        settled: l.progress.done + l.progress.notApplicable,
        total: l.progress.total,
        ratio: l.progress.ratio,
        blocked: l.progress.blocked,
      })),
      blockers: source.focusBlockers,
      warnings: source.nextFreeze ? [source.nextFreeze.sentence] : [],
    },
    criteria: phase ? criteriaOf(source, phase) : [],
  };
}

type FocusPhase = PlanRecord["phases"][number];

function milestoneOf(m: Milestone | null): OverviewReading["milestone"] {
  return m ? { label: m.label, status: m.status, reason: m.reason } : null;
}

function approvalsOf(gate: NonNullable<FocusPhase["gate"]>): NonNullable<OverviewReading["gate"]["approvals"]> {
  const live = gate.approvals.filter((a) => !a.voidedAt);
  return {
    roles: describeRoles(gate.approverRoles),
    live: live.length,
    required: gate.requiredApprovals,
    names: live.map((a) => a.user.name),
  };
}

function autoAdvanceOf(source: OverviewSource, phase: FocusPhase, now: Date): OverviewReading["autoAdvance"] {
  const verdict = autoAdvanceVerdict({
    planStatus: source.plan.status,
    phase,
    gate: source.gate?.verdict ?? null,
    breachedTriggers: source.plan.rollbackTriggers
      .filter((t) => t.enabled && t.state === "breached" && (!t.phaseId || t.phaseId === phase.id))
      .map((t) => t.description),
    freeze: source.freeze,
    now,
  });
  return verdict.advance
    ? { advance: true, waiting: null, message: "now: the gate holds, the next check records the go within seconds" }
    : {
        advance: false,
        waiting: verdict.waiting,
        message: verdict.waiting === "off" ? `Advances ${verdict.message}` : verdict.message,
      };
}

/** The phase's success criteria, each with the gate's verdict and the reading behind it. */
function criteriaOf(source: OverviewSource, phase: FocusPhase): OverviewReading["criteria"] {
  const metricById = new Map(source.metrics.map((m) => [m.id, m]));
  return phase.successCriteria.flatMap((c) => {
    const m = metricById.get(c.metricId);
    if (!m) return [];
    const judged = source.gate?.criteria.find((g) => g.id === c.id);
    const canary = c.kind === "canary_not_worse";
    const reading = m.recent === null ? "no data" : `${round(m.recent)}${m.unit === "%" ? "%" : ` ${m.unit}`}`;
    const detail = canary
      ? judged
        ? judged.met
          ? "The canary judge passes it"
          : (judged.reason ?? "The canary judge does not pass it yet")
        : "Judged by the canary judge"
      : `Now ${reading}${judged && !judged.met && judged.reason ? ` · ${judged.reason}` : ""}`;
    return [{ id: c.id, text: describeCriterion(m, c), canary, met: judged ? judged.met : null, detail }];
  });
}

function round(v: number) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

/** A plan's overview now, or null when there is no such plan. */
export async function loadOverviewReading(
  db: Database,
  planId: string,
  now: Date = new Date(),
): Promise<OverviewReading | null> {
  const summary = await loadPlanSummary(db, planId, now);
  return summary ? overviewReadingOf({ ...summary, metrics: summary.metricViews }, now) : null;
}

// ---------------------------------------------------------------------------------------------
// One checklist: its items, its progress, its sign-offs.

export interface ChecklistReading extends Read {
  id: string;
  title: string;
  kind: PlanChecklist["kind"];
  window: PlanChecklist["window"];
  /** The phase it belongs to; null for a whole-plan list. */
  phaseName: string | null;
  /** When a validation window's items are due. */
  dueAt: number | null;
  /** A go/no-go list of a phase that has passed, failed or rolled back: history, no controls. */
  history: boolean;
  progress: ReturnType<typeof checklistProgress>;
  items: {
    id: string;
    text: string;
    required: boolean;
    state: ItemState;
    reason: string | null;
    evidenceUrl: string | null;
    assigneeRole: ProjectRole | null;
    assigneeUserId: string | null;
    updatedAt: number | null;
    due: ReturnType<typeof dueStatus> | null;
  }[];
  requiredSignoffRoles: ProjectRole[];
  signOffs: {
    id: string;
    role: ProjectRole;
    userName: string;
    signedAt: number;
    voided: boolean;
    voidReason: string | null;
  }[];
}

type ChecklistRow = Omit<PlanChecklist, "progress">;
type ChecklistPhase = { name: string; status: PhaseStatus; actualStartAt: Date | null };

export function checklistReadingOf(list: ChecklistRow, phase: ChecklistPhase | null, now: Date): ChecklistReading {
  const startedAt = phase?.actualStartAt ?? null;
  return {
    readAt: now.getTime(),
    id: list.id,
    title: list.title,
    kind: list.kind,
    window: list.window,
    phaseName: phase?.name ?? null,
    dueAt: list.window && startedAt ? windowTiming(list.window, startedAt).dueAt.getTime() : null,
    history: list.kind === "go_no_go" && phase !== null && phase.status !== "pending" && phase.status !== "active",
    progress: checklistProgress(list.items),
    items: list.items.map((item) => ({
      id: item.id,
      text: item.text,
      required: item.required,
      state: item.state,
      reason: item.reason,
      evidenceUrl: item.evidenceUrl,
      assigneeRole: item.assigneeRole,
      assigneeUserId: item.assigneeUserId,
      updatedAt: item.updatedAt?.getTime() ?? null,
      due: list.window ? dueStatus(list.window, startedAt, item.state, now) : null,
    })),
    requiredSignoffRoles: list.requiredSignoffRoles,
    signOffs: list.signOffs.map((s) => ({
      id: s.id,
      role: s.role,
      userName: s.user.name,
      signedAt: s.signedAt.getTime(),
      voided: s.voidedAt !== null,
      voidReason: s.voidReason,
    })),
  };
}

/** Every checklist of a plan, as its page first shows them. */
export function checklistReadingsOf(plan: PlanRecord, now: Date): ChecklistReading[] {
  const phaseById = new Map(plan.phases.map((p) => [p.id, p]));
  return plan.checklists.map((c) => checklistReadingOf(c, c.phaseId ? (phaseById.get(c.phaseId) ?? null) : null, now));
}

/** One checklist of a plan now, or null when the plan has no such checklist. */
export async function loadChecklistReading(
  db: Database,
  planId: string,
  checklistId: string,
  now: Date = new Date(),
): Promise<ChecklistReading | null> {
  if (!planIdSchema.safeParse(planId).success || !planIdSchema.safeParse(checklistId).success) return null;
  const list = await db.query.checklists.findFirst({
    where: and(eq(checklists.id, checklistId), eq(checklists.planId, planId)),
    with: {
      items: { orderBy: asc(checklistItems.position) },
      signOffs: { with: { user: { columns: { name: true } } } },
    },
  });
  if (!list) return null;
  const [phase] = list.phaseId
    ? await db
        .select({ name: phases.name, status: phases.status, actualStartAt: phases.actualStartAt })
        .from(phases)
        .where(eq(phases.id, list.phaseId))
    : [];
  return checklistReadingOf(list, phase ?? null, now);
}

// ---------------------------------------------------------------------------------------------
// The timeline: phases planned against actual, decisions and incidents on it, phase health.

export interface TimelineReading extends Read {
  phases: {
    id: string;
    name: string;
    status: PhaseStatus;
    trafficPercent: number;
    plannedStartAt: number | null;
    plannedEndAt: number | null;
    actualStartAt: number | null;
    actualEndAt: number | null;
  }[];
  markers: {
    id: string;
    phaseId: string | null;
    at: number;
    kind: "go" | "no_go" | "rollback" | "override" | "incident";
    label: string;
  }[];
  /** Phase id → how healthy it was while it ran. */
  health: Record<string, PhaseHealth>;
  migration: {
    id: string;
    number: number;
    kind: string;
    action: string;
    status: PlanRecord["migrationSteps"][number]["status"];
    startedAt: number | null;
    validatedAt: number | null;
    completedAt: number | null;
    expectedDurationMinutes: number;
  }[];
}

const ms = (d: Date | null) => d?.getTime() ?? null;

export function timelineReadingOf(plan: PlanRecord, health: Map<string, PhaseHealth>, now: Date): TimelineReading {
  return {
    readAt: now.getTime(),
    phases: plan.phases.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      trafficPercent: p.trafficPercent,
      plannedStartAt: ms(p.plannedStartAt),
      plannedEndAt: ms(p.plannedEndAt),
      actualStartAt: ms(p.actualStartAt),
      actualEndAt: ms(p.actualEndAt),
    })),
    markers: [
      ...plan.decisions.map((d) => ({
        id: d.id,
        phaseId: d.phaseId,
        at: d.decidedAt.getTime(),
        kind: d.overrideReason ? ("override" as const) : d.kind,
        label: d.overrideReason ? `${d.rationale} — override: ${d.overrideReason}` : d.rationale,
      })),
      ...plan.incidents.map((i) => ({
        id: i.id,
        phaseId: i.phaseId,
        at: i.detectedAt.getTime(),
        kind: "incident" as const,
        label: i.title,
      })),
    ],
    health: Object.fromEntries(health),
    migration: plan.migrationSteps.map((s, i) => ({
      id: s.id,
      number: i + 1,
      kind: s.kind,
      action: s.action,
      status: s.status,
      startedAt: ms(s.startedAt),
      validatedAt: ms(s.validatedAt),
      completedAt: ms(s.completedAt),
      expectedDurationMinutes: s.expectedDurationMinutes,
    })),
  };
}

/** A plan's timeline now, or null when there is no such plan. */
export async function loadTimelineReading(
  db: Database,
  planId: string,
  now: Date = new Date(),
): Promise<TimelineReading | null> {
  const plan = await loadPlanRecord(db, planId);
  return plan ? timelineReadingOf(plan, await phaseHealthOf(db, plan, now), now) : null;
}
