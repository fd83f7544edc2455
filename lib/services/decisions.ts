import { and, eq, isNull } from "drizzle-orm";
import { approvals, decisions, gates, incidents, phases, plans, rollbackTriggers } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import { rolesIn } from "@/lib/auth/actor";
import { applyCommand, type PlanCommandType, trafficOf } from "@/lib/domain/lifecycle";
import type { Judgement } from "@/lib/domain/judge";
import { AppError } from "@/lib/errors";
import { approveSchema, decisionSchema, transitionSchema } from "@/lib/validation/plans";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import { checkFreeze, spendOverride } from "./freeze-gate";
import { loadGateState } from "@/lib/reads/gate";
import { claimPlanVersion, touchBoundFlags } from "./plan-state";
import { loadPhases, loadPlanForWrite, type PhaseRow, type PlanRow } from "@/lib/reads/plan-state";
import { appMetrics } from "@/lib/observability/metrics";

// Go/no-go and the plan lifecycle. Each use-case: authorise → validate → claim the plan version →
// apply the state machine → write the change and its audit event in one transaction → notify.

type Applied = { plan: PlanRow; phases: PhaseRow[]; traffic: number };

/** Runs the state machine and writes its effects on plan and phases. */
async function applyToRows(
  tx: Tx,
  plan: PlanRow,
  list: PhaseRow[],
  type: PlanCommandType,
  now: Date,
): Promise<Applied> {
  const result = applyCommand({ status: plan.status, phases: list }, { type });
  if (!result.ok) throw new AppError("conflict:state", result.error);
  if (result.closed !== null) {
    const closed = list[result.closed]!;
    await tx
      .update(phases)
      .set({ status: result.state.phases[result.closed]!.status, actualEndAt: now })
      .where(eq(phases.id, closed.id));
  }
  if (result.activated !== null) {
    const opened = list[result.activated]!;
    await tx.update(phases).set({ status: "active", actualStartAt: now }).where(eq(phases.id, opened.id));
  }
  const terminal =
    result.state.status === "completed" || result.state.status === "rolled_back" || result.state.status === "cancelled";
  const [updated] = await tx
    .update(plans)
    .set({
      status: result.state.status,
      ...(type === "start" ? { startedAt: now } : {}),
      ...(terminal ? { endedAt: now } : {}),
    })
    .where(eq(plans.id, plan.id))
    .returning();
  return { plan: updated!, phases: await loadPhases(tx, plan.id), traffic: trafficOf(result.state) };
}

function snapshot(plan: PlanRow, list: PhaseRow[]) {
  const active = list.find((p) => p.status === "active");
  return {
    status: plan.status,
    phase: active?.name ?? null,
    traffic: trafficOf({ status: plan.status, phases: list }),
  };
}

export async function transitionPlan(ctx: ServiceContext, input: unknown) {
  const data = parseInput(transitionSchema, input);
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const plan = await loadPlanForWrite(tx, data.planId);
    authorize(ctx.actor, plan.projectId, { action: "plan:transition" });
    const claimed = await claimPlanVersion(tx, plan.id, data.version);
    const before = await loadPhases(tx, plan.id);
    const applied = await applyToRows(tx, claimed, before, data.action, now);
    if (data.action === "start" || data.action === "cancel") await touchBoundFlags(tx, plan.id);
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: `plan.${data.action}`,
        entityType: "plan",
        entityId: plan.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: snapshot(plan, before),
        after: { ...snapshot(applied.plan, applied.phases), ...(data.reason ? { reason: data.reason } : {}) },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: `plan.${data.action}`, projectId: plan.projectId, planId: plan.id });
    return { status: applied.plan.status, version: applied.plan.version, trafficPercent: applied.traffic };
  });
}

export async function approveGate(ctx: ServiceContext, input: unknown) {
  const data = parseInput(approveSchema, input);
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", "Approvals are given by people");
  const actor = ctx.actor;
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const plan = await loadPlanForWrite(tx, data.planId);
    authorize(actor, plan.projectId, { action: "gate:approve" });
    const claimed = await claimPlanVersion(tx, plan.id, data.version);
    if (claimed.status !== "in_progress" && claimed.status !== "paused")
      throw new AppError("conflict:state", "Only a running plan's gate can be approved");
    const list = await loadPhases(tx, plan.id);
    const active = list.find((p) => p.status === "active");
    if (!active) throw new AppError("conflict:state", "There is no active phase to approve");
    const gate = await loadGateState(tx, active, now);
    if (!gate.gateId) throw new AppError("conflict:state", "This phase has no gate to approve");
    const role = rolesIn(actor, plan.projectId).find((r): r is ProjectRole => gate.approverRoles.includes(r));
    if (!role)
      throw new AppError(
        "forbidden:permission",
        `This gate is approved by ${gate.approverRoles.join(" or ")}; you hold none of those roles here`,
      );
    if (gate.approvals.some((a) => a.userId === actor.userId))
      throw new AppError("conflict:state", "You have already approved this gate");
    const [row] = await tx
      .insert(approvals)
      .values({ gateId: gate.gateId, userId: actor.userId, role, comment: data.comment, createdAt: now })
      .returning();
    await writeAudit(
      tx,
      actor,
      {
        action: "gate.approved",
        entityType: "approval",
        entityId: row!.id,
        projectId: plan.projectId,
        planId: plan.id,
        after: {
          phase: active.name,
          role,
          comment: data.comment || undefined,
          approvals: gate.approvals.length + 1,
          required: gate.requiredApprovals,
        },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "gate.approved", projectId: plan.projectId, planId: plan.id });
    return { approvals: gate.approvals.length + 1, required: gate.requiredApprovals, version: claimed.version };
  });
}

/** What an automatic rollback adds to the incident it opens (system callers only). */
export interface TriggerContext {
  triggerId: string;
  title: string;
  detectedAt: Date;
  /** The canary judgement that fired it (canary_worse triggers), kept on the incident. */
  judgement?: Judgement | null;
}

/**
 * Records go / no-go / rollback on the active phase. Go advances only when the gate holds; a
 * release manager may override unmet success criteria with a written reason (audited, shown).
 * Exactly one of several concurrent decisions on the same plan version wins.
 */
export async function recordDecision(ctx: ServiceContext, input: unknown, trigger?: TriggerContext) {
  const data = parseInput(decisionSchema, input);
  const now = new Date();
  if (trigger && ctx.actor.kind !== "system")
    throw new AppError("forbidden:permission", "Only the system rolls back on a trigger");
  const result = await ctx.db.transaction(async (tx) => {
    const plan = await loadPlanForWrite(tx, data.planId);
    authorizeDecision(ctx, plan.projectId, data);
    const claimed = await claimPlanVersion(tx, plan.id, data.version);
    const before = await loadPhases(tx, plan.id);
    const active = activePhaseFor(data.kind, claimed.status, before);
    // A freeze never holds back a no-go or a rollback; a go needs a complete emergency override.
    const freezePass = data.kind === "go" ? await checkFreeze(tx, ctx.actor, plan, now) : null;
    const { overrideReason: criteriaOverride, unmet } =
      data.kind === "go" ? await checkGate(tx, ctx, active, data, now) : NO_OVERRIDE;
    const overrideReason = [freezePass?.text, criteriaOverride].filter(Boolean).join(" · ") || null;

    const applied = await applyToRows(tx, claimed, before, data.kind, now);
    const [decision] = await tx
      .insert(decisions)
      .values({
        planId: plan.id,
        phaseId: active.id,
        kind: data.kind,
        rationale: data.rationale,
        actorKind: ctx.actor.kind,
        deciderId: ctx.actor.kind === "user" ? ctx.actor.userId : null,
        planVersion: data.version,
        overrideReason,
        decidedAt: now,
      })
      .returning();
    if (freezePass) await spendOverride(tx, freezePass.overrideId, decision!.id, now);
    await spendApprovals(tx, active.id, now);
    const incidentId =
      data.kind === "rollback"
        ? await openRollbackIncident(tx, ctx, {
            plan,
            phase: active,
            decisionId: decision!.id,
            rationale: data.rationale,
            trigger,
            now,
          })
        : null;
    const flagsMoved = data.kind === "no_go" ? 0 : await touchBoundFlags(tx, plan.id);

    await writeAudit(
      tx,
      ctx.actor,
      {
        action: `decision.${data.kind}`,
        entityType: "decision",
        entityId: decision!.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: snapshot(plan, before),
        after: {
          ...snapshot(applied.plan, applied.phases),
          rationale: data.rationale,
          ...(overrideReason ? { overrideReason, overridden: unmet } : {}),
          ...(freezePass ? { freezeOverride: { id: freezePass.overrideId, ...freezePass.signers } } : {}),
          flagsMoved,
        },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, {
      type: `decision.${data.kind}`,
      projectId: plan.projectId,
      planId: plan.id,
      decisionId: decision!.id,
    });
    return {
      decisionId: decision!.id,
      kind: data.kind,
      status: applied.plan.status,
      version: applied.plan.version,
      trafficPercent: applied.traffic,
      activePhase: applied.phases.find((p) => p.status === "active")?.name ?? null,
      overridden: criteriaOverride ? unmet : [],
      incidentId,
    };
  });
  appMetrics().decisions.inc({ kind: data.kind, actor: ctx.actor.kind });
  return result;
}

type DecisionInput = ReturnType<typeof decisionSchema.parse>;

/** Deciding needs decision:record; overriding a go (people only) also decision:override. */
function authorizeDecision(ctx: ServiceContext, projectId: string, data: DecisionInput): void {
  authorize(ctx.actor, projectId, { action: "decision:record", scope: "decisions:write" });
  if (!data.overrideReason) return;
  if (data.kind !== "go")
    throw new AppError("bad_request:validation", "Only a go decision can override", {
      overrideReason: ["Only a go decision can override unmet criteria"],
    });
  if (ctx.actor.kind !== "user")
    throw new AppError("forbidden:permission", "Overrides are made by a release manager, not a token");
  authorize(ctx.actor, projectId, { action: "decision:override" });
}

/** The phase a decision is about; a plan without one is refused, saying why. */
function activePhaseFor(kind: DecisionInput["kind"], status: PlanRow["status"], phases: PhaseRow[]): PhaseRow {
  const active = phases.find((p) => p.status === "active");
  if (active) return active;
  throw new AppError(
    "conflict:state",
    applyCommand({ status, phases }, { type: kind }).ok
      ? "There is no active phase"
      : `Cannot decide on a plan that is ${status.replace("_", " ")}`,
  );
}

const NO_OVERRIDE = { overrideReason: null, unmet: [] as string[] };

/**
 * A go needs its gate to hold. Unmet success criteria alone may be overridden with the written
 * reason; approvals (four-eyes included), checklists and sign-offs never. Under four-eyes the
 * person recording the go is not one of its approvers.
 */
async function checkGate(
  tx: Tx,
  ctx: ServiceContext,
  active: PhaseRow,
  data: DecisionInput,
  now: Date,
): Promise<{ overrideReason: string | null; unmet: string[] }> {
  const decider = ctx.actor.kind === "user" ? { id: ctx.actor.userId, name: ctx.actor.name } : null;
  const { verdict } = await loadGateState(tx, active, now, { decider });
  if (verdict.holds) return { overrideReason: null, unmet: verdict.unmet };
  if (!data.overrideReason)
    throw new AppError("conflict:state", `The gate does not hold: ${verdict.unmet.join("; ")}`, {
      gate: verdict.unmet,
    });
  if (!verdict.overridable) {
    const open = verdict.conditions.filter((c) => c.kind !== "criterion").map((c) => c.text);
    throw new AppError(
      "conflict:state",
      `Only unmet success criteria can be overridden; still open: ${open.join("; ")}`,
      {
        gate: verdict.unmet,
      },
    );
  }
  return { overrideReason: data.overrideReason, unmet: verdict.unmet };
}

/** A go spends the approvals it used; a no-go or rollback withdraws them. */
async function spendApprovals(tx: Tx, phaseId: string, now: Date): Promise<void> {
  const [gate] = await tx.select({ id: gates.id }).from(gates).where(eq(gates.phaseId, phaseId));
  if (gate)
    await tx
      .update(approvals)
      .set({ voidedAt: now })
      .where(and(eq(approvals.gateId, gate.id), isNull(approvals.voidedAt)));
}

/** The incident a rollback opens, with its audit event; a trigger's rollback marks the trigger fired. */
async function openRollbackIncident(
  tx: Tx,
  ctx: ServiceContext,
  r: {
    plan: PlanRow;
    phase: PhaseRow;
    decisionId: string;
    rationale: string;
    trigger: TriggerContext | undefined;
    now: Date;
  },
): Promise<string> {
  const { plan, phase, trigger, now } = r;
  const [incident] = await tx
    .insert(incidents)
    .values({
      planId: plan.id,
      phaseId: phase.id,
      decisionId: r.decisionId,
      origin: ctx.actor.kind === "system" ? "automatic" : "manual",
      triggerId: trigger?.triggerId ?? null,
      title: trigger?.title ?? `Rollback from ${phase.name}`,
      summary: r.rationale,
      detectedAt: trigger?.detectedAt ?? now,
      judgement: trigger?.judgement ?? null,
      decidedAt: now,
      // Traffic (and flags bound to the plan) move in this same transaction, for a person's
      // rollback as for the system's: decided and executed at once.
      executedAt: now,
    })
    .returning();
  await writeAudit(
    tx,
    ctx.actor,
    {
      action: "incident.opened",
      entityType: "incident",
      entityId: incident!.id,
      projectId: plan.projectId,
      planId: plan.id,
      after: {
        origin: incident!.origin,
        phase: phase.name,
        ...(trigger ? { trigger: trigger.title } : {}),
        ...(trigger?.judgement ? { judgement: trigger.judgement.sentence } : {}),
      },
    },
    ctx.requestId,
  );
  if (trigger)
    await tx.update(rollbackTriggers).set({ lastFiredAt: now }).where(eq(rollbackTriggers.id, trigger.triggerId));
  return incident!.id;
}
