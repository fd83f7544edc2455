import type { PlanKind } from "@/db/schema/enums";
import { and, eq, gt, sql } from "drizzle-orm";
import type { z } from "zod";
import {
  checklistItems,
  checklists,
  commsEntries,
  escalationLevels,
  gates,
  metrics,
  migrationSteps,
  phases,
  plans,
  risks,
  rollbackTriggers,
  successCriteria,
} from "@/db/schema";
import { isPhaseEditable, TERMINAL } from "@/lib/domain/lifecycle";
import { buildTemplate, type DraftChecklist, type PlanDraft } from "@/lib/domain/templates";
import { AppError } from "@/lib/errors";
import {
  addPhaseSchema,
  createPlanSchema,
  movePhaseSchema,
  phaseAutoAdvanceSchema,
  type phaseFieldsSchema,
  removePhaseSchema,
  updatePhaseSchema,
  updatePlanSchema,
} from "@/lib/validation/plans";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import { claimPlanVersion } from "./plan-state";
import { loadPhases, loadPlanForWrite, type PlanRow } from "@/lib/reads/plan-state";

const DAY_MS = 86_400_000;

async function insertChecklist(tx: Tx, planId: string, phaseId: string | null, list: DraftChecklist, position: number) {
  const [row] = await tx
    .insert(checklists)
    .values({
      planId,
      phaseId,
      kind: list.kind,
      title: list.title,
      window: list.window ?? null,
      requiredSignoffRoles: list.signoffRoles,
      position,
    })
    .returning({ id: checklists.id });
  if (list.items.length) {
    await tx.insert(checklistItems).values(
      list.items.map((item, i) => ({
        checklistId: row!.id,
        key: item.key,
        text: item.text,
        required: item.required ?? true,
        assigneeRole: item.assigneeRole ?? null,
        position: i,
        ...(item.done ? { state: "done" as const, updatedByLabel: "Markdown import", updatedAt: new Date() } : {}),
      })),
    );
  }
}

/** Writes a plan draft (template or import) under an existing plan row. */
export async function insertPlanDraft(tx: Tx, planId: string, draft: PlanDraft, start: Date) {
  const metricIds = new Map<string, string>();
  for (const [position, m] of draft.metrics.entries()) {
    const [row] = await tx
      .insert(metrics)
      .values({
        planId,
        key: m.key,
        label: m.label,
        unit: m.unit,
        direction: m.direction,
        target: m.target,
        alertThreshold: m.alert,
        criticalThreshold: m.critical,
        position,
      })
      .returning({ id: metrics.id });
    metricIds.set(m.key, row!.id);
  }
  let position = 0;
  for (const list of draft.checklists) await insertChecklist(tx, planId, null, list, position++);
  let at = start.getTime();
  for (const [index, p] of draft.phases.entries()) {
    const plannedStartAt = new Date(at);
    at += p.durationDays * DAY_MS;
    const [phase] = await tx
      .insert(phases)
      .values({
        planId,
        position: index,
        name: p.name,
        audience: p.audience,
        trafficPercent: p.trafficPercent,
        goal: p.goal,
        plannedStartAt,
        plannedEndAt: new Date(at),
        minDurationMinutes: p.minDurationMinutes,
      })
      .returning({ id: phases.id });
    await tx.insert(gates).values({ phaseId: phase!.id, requiredApprovals: p.requiredApprovals });
    for (const list of p.checklists) await insertChecklist(tx, planId, phase!.id, list, position++);
    for (const c of p.criteria) {
      const metricId = metricIds.get(c.metric);
      if (metricId)
        await tx.insert(successCriteria).values({
          phaseId: phase!.id,
          metricId,
          comparison: c.comparison,
          value: c.value,
          sustainedMinutes: c.sustainedMinutes,
          kind: c.kind ?? "threshold",
          judge: c.judge ?? null,
        });
    }
  }
  for (const t of draft.triggers) {
    await tx.insert(rollbackTriggers).values({
      planId,
      metricId: t.metric ? (metricIds.get(t.metric) ?? null) : null,
      description: t.description,
      mode: t.mode,
      comparison: t.comparison,
      value: t.value,
      durationMinutes: t.durationMinutes,
      action: t.metric && metricIds.has(t.metric) ? t.action : "alert_only",
      judge: t.judge ?? null,
    });
  }
  if (draft.comms.length)
    await tx.insert(commsEntries).values(draft.comms.map((c, i) => ({ planId, position: i, ...c })));
  if (draft.risks.length) await tx.insert(risks).values(draft.risks.map((r) => ({ planId, ...r })));
  if (draft.escalation.length)
    await tx.insert(escalationLevels).values(draft.escalation.map((e) => ({ planId, ...e })));
  if (draft.migrationSteps.length)
    await tx.insert(migrationSteps).values(draft.migrationSteps.map((m, i) => ({ planId, position: i, ...m })));
  return { targetEndAt: new Date(at) };
}

export interface PlanHeader {
  projectId: string;
  name: string;
  releaseVersion: string;
  summary: string;
  notes?: string;
  targetStartAt?: Date | null | undefined;
  kind?: PlanKind;
}

/**
 * Creates a plan and everything of its draft (a template's or an import's) in one transaction,
 * with its audit event. The caller has authorised and validated.
 */
export async function createPlanFromDraft(
  ctx: ServiceContext,
  header: PlanHeader,
  draft: PlanDraft,
  auditAfter: Record<string, unknown>,
) {
  const start = header.targetStartAt ?? new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);
  return ctx.db.transaction(async (tx) => {
    const [plan] = await tx
      .insert(plans)
      .values({
        projectId: header.projectId,
        name: header.name,
        releaseVersion: header.releaseVersion,
        summary: header.summary || draft.summary,
        strategy: draft.strategy,
        kind: header.kind ?? "rollout",
        notes: header.notes ?? "",
        ownerId: ctx.actor.kind === "user" ? ctx.actor.userId : null,
        targetStartAt: start,
      })
      .returning();
    const { targetEndAt } = await insertPlanDraft(tx, plan!.id, draft, start);
    await tx.update(plans).set({ targetEndAt }).where(eq(plans.id, plan!.id));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "plan.created",
        entityType: "plan",
        entityId: plan!.id,
        projectId: header.projectId,
        planId: plan!.id,
        after: {
          name: header.name,
          releaseVersion: header.releaseVersion,
          ...auditAfter,
          phases: draft.phases.map((p) => `${p.name} ${p.trafficPercent}%`),
        },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "plan.created", projectId: header.projectId, planId: plan!.id });
    return { planId: plan!.id, version: plan!.version };
  });
}

export async function createPlan(ctx: ServiceContext, input: unknown) {
  const data = parseInput(createPlanSchema, input);
  authorize(ctx.actor, data.projectId, { action: "plan:create", scope: "plans:write" });
  return createPlanFromDraft(ctx, data, buildTemplate(data.template), { template: data.template });
}

function assertEditable(status: string) {
  if ((TERMINAL as readonly string[]).includes(status))
    throw new AppError("conflict:state", `The plan is ${status.replace("_", " ")}: it is history and cannot be edited`);
}

interface EditScope {
  tx: Tx;
  plan: PlanRow;
  claimed: PlanRow;
}

interface EditOutcome<T> {
  result: T;
  audit: { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown };
  /** Phase changes of a running plan must keep traffic rising. */
  checkTraffic?: boolean;
}

/**
 * The one path of every plan edit: load, authorise, claim the version the editor saw, refuse
 * history; then the change itself; then the traffic rule, the audit event and the notification,
 * all in one transaction.
 */
export async function editPlan<T extends object>(
  ctx: ServiceContext,
  planId: string,
  version: number,
  change: (scope: EditScope) => Promise<EditOutcome<T>>,
): Promise<T & { version: number }> {
  return ctx.db.transaction(async (tx) => {
    const plan = await loadPlanForWrite(tx, planId);
    // People only: a pipeline's plans:write token imports and creates plans, but may not loosen a
    // running plan's criteria or switch off its rollback triggers.
    authorize(ctx.actor, plan.projectId, { action: "plan:edit" });
    const claimed = await claimPlanVersion(tx, plan.id, version);
    assertEditable(claimed.status);
    const outcome = await change({ tx, plan, claimed });
    // A rollback runbook's steps move no traffic: the rule is a rollout's.
    if (outcome.checkTraffic && plan.kind === "rollout") await assertTrafficRises(tx, plan.id, claimed.status);
    await writeAudit(tx, ctx.actor, { ...outcome.audit, projectId: plan.projectId, planId: plan.id }, ctx.requestId);
    await notifyOnCommit(tx, { type: outcome.audit.action, projectId: plan.projectId, planId: plan.id });
    return { ...outcome.result, version: claimed.version };
  });
}

export async function updatePlan(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updatePlanSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const patch: Partial<typeof plans.$inferInsert> = {};
    if (data.name !== undefined) patch.name = data.name;
    if (data.releaseVersion !== undefined) patch.releaseVersion = data.releaseVersion;
    if (data.summary !== undefined) patch.summary = data.summary;
    if (data.targetStartAt !== undefined) patch.targetStartAt = data.targetStartAt;
    if (data.targetEndAt !== undefined) patch.targetEndAt = data.targetEndAt;
    const start = patch.targetStartAt === undefined ? plan.targetStartAt : patch.targetStartAt;
    const end = patch.targetEndAt === undefined ? plan.targetEndAt : patch.targetEndAt;
    if (start && end && start > end)
      throw new AppError("bad_request:validation", "The target end is before the target start", {
        targetEndAt: ["Must be after the target start"],
      });
    const [after] = await tx.update(plans).set(patch).where(eq(plans.id, plan.id)).returning();
    const pick = (p: PlanRow) => ({
      name: p.name,
      releaseVersion: p.releaseVersion,
      summary: p.summary,
      targetStartAt: p.targetStartAt,
      targetEndAt: p.targetEndAt,
    });
    return {
      result: {},
      audit: { action: "plan.updated", entityType: "plan", entityId: plan.id, before: pick(plan), after: pick(after!) },
    };
  });
}

/**
 * While a plan runs, traffic must not fall from the active phase onward (a go never lowers it);
 * and a running plan keeps a phase after its active one unless the active one is the last.
 */
async function assertTrafficRises(tx: Tx, planId: string, status: string) {
  if (status !== "in_progress" && status !== "paused") return;
  const list = await loadPhases(tx, planId);
  const active = list.findIndex((p) => p.status === "active");
  for (let i = Math.max(0, active) + 1; i < list.length; i++) {
    if (list[i]!.trafficPercent < list[i - 1]!.trafficPercent) {
      throw new AppError(
        "conflict:state",
        `${list[i]!.name} (${list[i]!.trafficPercent}%) would come after ${list[i - 1]!.name} (${list[i - 1]!.trafficPercent}%): traffic cannot fall during a running rollout`,
      );
    }
  }
}

function checkDates(start: Date | null | undefined, end: Date | null | undefined) {
  if (start && end && start > end)
    throw new AppError("bad_request:validation", "The planned end is before the planned start", {
      plannedEndAt: ["Must be after the planned start"],
    });
}

/** A phase form's fields as the phase row stores them; the approvals it asks for live on its gate. */
function phaseColumns(data: z.infer<typeof phaseFieldsSchema>) {
  return {
    name: data.name,
    audience: data.audience,
    trafficPercent: data.trafficPercent,
    plannedStartAt: data.plannedStartAt ?? null,
    plannedEndAt: data.plannedEndAt ?? null,
    minDurationMinutes: data.minDurationMinutes,
    autoAdvance: data.autoAdvance,
  };
}

export async function addPhase(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addPhaseSchema, input);
  checkDates(data.plannedStartAt, data.plannedEndAt);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const list = await loadPhases(tx, plan.id);
    const position = (list.at(-1)?.position ?? -1) + 1;
    const [phase] = await tx
      .insert(phases)
      .values({ planId: plan.id, position, ...phaseColumns(data) })
      .returning();
    await tx.insert(gates).values({ phaseId: phase!.id, requiredApprovals: data.requiredApprovals });
    return {
      result: { phaseId: phase!.id },
      checkTraffic: true,
      audit: {
        action: "phase.added",
        entityType: "phase",
        entityId: phase!.id,
        after: { name: data.name, trafficPercent: data.trafficPercent, position, autoAdvance: data.autoAdvance },
      },
    };
  });
}

async function loadEditablePhase(tx: Tx, planId: string, phaseId: string) {
  const [phase] = await tx
    .select()
    .from(phases)
    .where(and(eq(phases.id, phaseId), eq(phases.planId, planId)));
  if (!phase) throw new AppError("not_found:entity", "No such phase in this plan");
  if (!isPhaseEditable(phase.status))
    throw new AppError(
      "conflict:state",
      `${phase.name} is ${phase.status.replace("_", " ")}: only future phases can change`,
    );
  return phase;
}

export async function updatePhase(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updatePhaseSchema, input);
  checkDates(data.plannedStartAt, data.plannedEndAt);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const phase = await loadEditablePhase(tx, plan.id, data.phaseId);
    const [after] = await tx.update(phases).set(phaseColumns(data)).where(eq(phases.id, phase.id)).returning();
    await tx.update(gates).set({ requiredApprovals: data.requiredApprovals }).where(eq(gates.phaseId, phase.id));
    const pick = (p: typeof phase) => ({
      name: p.name,
      audience: p.audience,
      trafficPercent: p.trafficPercent,
      plannedStartAt: p.plannedStartAt,
      plannedEndAt: p.plannedEndAt,
      minDurationMinutes: p.minDurationMinutes,
      autoAdvance: p.autoAdvance,
    });
    return {
      result: {},
      checkTraffic: true,
      audit: {
        action: "phase.updated",
        entityType: "phase",
        entityId: phase.id,
        before: pick(phase),
        after: { ...pick(after!), requiredApprovals: data.requiredApprovals },
      },
    };
  });
}

/**
 * Switches advancing by itself on or off for a phase that is not history yet, the active one
 * included: a release manager may hand a running phase to the guard, or take it back.
 */
export async function setPhaseAutoAdvance(ctx: ServiceContext, input: unknown) {
  const data = parseInput(phaseAutoAdvanceSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const [phase] = await tx
      .select()
      .from(phases)
      .where(and(eq(phases.id, data.phaseId), eq(phases.planId, plan.id)));
    if (!phase) throw new AppError("not_found:entity", "No such phase in this plan");
    if (phase.status !== "pending" && phase.status !== "active")
      throw new AppError(
        "conflict:state",
        `${phase.name} is ${phase.status.replace("_", " ")}: it has nothing left to advance`,
      );
    await tx.update(phases).set({ autoAdvance: data.autoAdvance }).where(eq(phases.id, phase.id));
    return {
      result: { autoAdvance: data.autoAdvance },
      audit: {
        action: "phase.auto_advance_set",
        entityType: "phase",
        entityId: phase.id,
        before: { name: phase.name, autoAdvance: phase.autoAdvance },
        after: { name: phase.name, autoAdvance: data.autoAdvance },
      },
    };
  });
}

export async function removePhase(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removePhaseSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const phase = await loadEditablePhase(tx, plan.id, data.phaseId);
    const list = await loadPhases(tx, plan.id);
    if (list.length === 1) throw new AppError("conflict:state", "A plan keeps at least one phase");
    await tx.delete(phases).where(eq(phases.id, phase.id));
    // Close the gap: later phases move up one place (through a free range, as positions are unique).
    await tx
      .update(phases)
      .set({ position: sql`${phases.position} + 100000` })
      .where(and(eq(phases.planId, plan.id), gt(phases.position, phase.position)));
    await tx
      .update(phases)
      .set({ position: sql`${phases.position} - 100001` })
      .where(and(eq(phases.planId, plan.id), gt(phases.position, 100000)));
    return {
      result: {},
      checkTraffic: true,
      audit: {
        action: "phase.removed",
        entityType: "phase",
        entityId: phase.id,
        before: { name: phase.name, trafficPercent: phase.trafficPercent, position: phase.position },
      },
    };
  });
}

export async function movePhase(ctx: ServiceContext, input: unknown) {
  const data = parseInput(movePhaseSchema, input);
  return editPlan(ctx, data.planId, data.version, async ({ tx, plan }) => {
    const phase = await loadEditablePhase(tx, plan.id, data.phaseId);
    const list = await loadPhases(tx, plan.id);
    const index = list.findIndex((p) => p.id === phase.id);
    const other = list[data.direction === "up" ? index - 1 : index + 1];
    if (!other)
      throw new AppError("conflict:state", `${phase.name} is already ${data.direction === "up" ? "first" : "last"}`);
    if (!isPhaseEditable(other.status))
      throw new AppError("conflict:state", `${phase.name} cannot move before ${other.name}, which has already started`);
    await tx.update(phases).set({ position: 999_999 }).where(eq(phases.id, phase.id));
    await tx.update(phases).set({ position: phase.position }).where(eq(phases.id, other.id));
    await tx.update(phases).set({ position: other.position }).where(eq(phases.id, phase.id));
    return {
      result: {},
      checkTraffic: true,
      audit: {
        action: "phase.moved",
        entityType: "phase",
        entityId: phase.id,
        before: { position: phase.position },
        after: { position: other.position },
      },
    };
  });
}
