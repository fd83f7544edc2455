import { asc, eq, isNull } from "drizzle-orm";
import {
  apiTokens,
  approvals,
  changeFreezes,
  checklistItems,
  commsEntries,
  decisions,
  escalationLevels,
  flagSegmentRules,
  flags,
  gates,
  incidents,
  memberships,
  metricSources,
  metrics,
  migrationSteps,
  phases,
  plans,
  projects,
  risks,
  rollbackTriggers,
  samples,
  segments,
  signOffs,
  successCriteria,
  users,
  digestSchedules,
  webhookDeliveries,
  webhooks,
} from "@/db/schema";
import type { UserActor } from "@/lib/auth/actor";
import { notesFingerprint } from "@/lib/domain/incident-notes";
import { parsePlanMarkdown } from "@/lib/domain/plan-markdown";
import { changeOwnPassword, endUserSessions } from "@/lib/services/account";
import {
  addMembership,
  createProject,
  createUser,
  removeMembership,
  setUserFlags,
  setUserPassword,
} from "@/lib/services/admin";
import {
  addChecklistItem,
  editChecklistItem,
  moveChecklistItem,
  updateChecklistItemByKey,
} from "@/lib/services/checklist-items";
import { signChecklist, updateChecklistItem } from "@/lib/services/checklists";
import { addCommsEntry, moveCommsEntry, removeCommsEntry, updateCommsEntry } from "@/lib/services/comms";
import type { ServiceContext } from "@/lib/services/context";
import { approveGate, recordDecision, transitionPlan } from "@/lib/services/decisions";
import { createFreeze, removeFreeze } from "@/lib/services/freezes";
import { setProjectGovernance } from "@/lib/services/project-settings";
import { addEscalationLevel, removeEscalationLevel, updateEscalationLevel } from "@/lib/services/escalation";
import {
  createFlag,
  createSegment,
  deleteFlag,
  deleteSegment,
  setFlagEnabled,
  setFlagRules,
  updateFlag,
  updateSegment,
} from "@/lib/services/flags";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";
import {
  addCriterion,
  addMetric,
  addTrigger,
  moveMetric,
  removeCriterion,
  removeMetric,
  removeTrigger,
  setTriggerEnabled,
  updateCriterion,
  updateMetric,
  updateTrigger,
} from "@/lib/services/kpis";
import { createMetricSource, deleteMetricSource, updateMetricSource } from "@/lib/services/metric-sources";
import { ingestSamples } from "@/lib/services/metrics";
import {
  addMigrationStep,
  moveMigrationStep,
  removeMigrationStep,
  transitionMigrationStep,
  updateMigrationStep,
} from "@/lib/services/migration-steps";
import { importPlan } from "@/lib/services/plan-import";
import {
  addPhase,
  createPlan,
  movePhase,
  removePhase,
  setPhaseAutoAdvance,
  updatePhase,
  updatePlan,
} from "@/lib/services/plans";
import { addRisk, removeRisk, setRiskStatus, updateRisk } from "@/lib/services/risks";
import { saveDigestSchedule } from "@/lib/services/digest";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";
import {
  createWebhook,
  deleteWebhook,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "@/lib/services/webhooks";
import {
  advance,
  blankPlan,
  bystander,
  checklist,
  comms,
  escalation,
  extraPhase,
  failedDelivery,
  flag,
  HOOK_URL,
  incident,
  kpis,
  metricSource,
  migration,
  ownerCtx,
  PASSWORD,
  type PlanFixture,
  risk,
  segment,
  unique,
  webhook,
  type World,
} from "./matrix-world";

// Every use-case of lib/services that a person or a token can ask for, as one call each: what the
// call needs (built fresh), the call, and what a refused call must leave exactly as it was.
// The expectations (who may) are not here: they are the hand-written table in role-matrix.test.ts.

export interface ServiceAction<F = unknown> {
  /** The row in the table: the service function, and after a space the variant of the call. */
  id: string;
  /** What one call needs. `self` is the caller when it is a person (only `perCaller` actions use it). */
  prepare(world: World, self: UserActor | null): Promise<F>;
  call(ctx: ServiceContext, fixture: F, world: World): Promise<unknown>;
  /** Everything a refused call must leave as it was (the audit trail is counted besides). */
  observe(world: World, fixture: F): Promise<unknown>;
  /** The fixture depends on the caller: never shared between cells. */
  perCaller?: boolean;
  /** Reads: when allowed, they write no audit event. */
  read?: boolean;
}

export const action = <F>(a: ServiceAction<F>) => a as ServiceAction<unknown>;

// ---- Observers ------------------------------------------------------------------------------

const planRow = (w: World, planId: string) => w.db.select().from(plans).where(eq(plans.id, planId));
const phasesOf = (w: World, planId: string) =>
  w.db.select().from(phases).where(eq(phases.planId, planId)).orderBy(asc(phases.position));
const gatesOf = (w: World, planId: string) =>
  w.db
    .select({ gate: gates })
    .from(gates)
    .innerJoin(phases, eq(phases.id, gates.phaseId))
    .where(eq(phases.planId, planId))
    .orderBy(asc(gates.id));
const metricsOf = (w: World, planId: string) =>
  w.db.select().from(metrics).where(eq(metrics.planId, planId)).orderBy(asc(metrics.id));
const criteriaOf = (w: World, phaseId: string) =>
  w.db.select().from(successCriteria).where(eq(successCriteria.phaseId, phaseId)).orderBy(asc(successCriteria.id));
const triggersOf = (w: World, planId: string) =>
  w.db.select().from(rollbackTriggers).where(eq(rollbackTriggers.planId, planId)).orderBy(asc(rollbackTriggers.id));

/** A plan, its phases and gates: the state of every lifecycle change and plan edit. */
const planState = async (w: World, p: PlanFixture) => ({
  plan: await planRow(w, p.planId),
  phases: await phasesOf(w, p.planId),
  gates: await gatesOf(w, p.planId),
});
const kpiState = async (w: World, p: PlanFixture) => ({
  plan: await planRow(w, p.planId),
  metrics: await metricsOf(w, p.planId),
  criteria: await criteriaOf(w, p.phaseId),
  triggers: await triggersOf(w, p.planId),
});
const decisionState = async (w: World, p: PlanFixture) => ({
  ...(await planState(w, p)),
  decisions: await w.db.select().from(decisions).where(eq(decisions.planId, p.planId)).orderBy(asc(decisions.id)),
  incidents: await w.db.select().from(incidents).where(eq(incidents.planId, p.planId)).orderBy(asc(incidents.id)),
  approvals: await w.db
    .select({ approval: approvals })
    .from(approvals)
    .innerJoin(gates, eq(gates.id, approvals.gateId))
    .where(eq(gates.phaseId, p.phaseId))
    .orderBy(asc(approvals.id)),
});
const checklistState = async (w: World, checklistId: string) => ({
  items: await w.db
    .select()
    .from(checklistItems)
    .where(eq(checklistItems.checklistId, checklistId))
    .orderBy(asc(checklistItems.id)),
  signOffs: await w.db.select().from(signOffs).where(eq(signOffs.checklistId, checklistId)).orderBy(asc(signOffs.id)),
});
const commsOf = (w: World, planId: string) =>
  w.db.select().from(commsEntries).where(eq(commsEntries.planId, planId)).orderBy(asc(commsEntries.id));
const risksOf = (w: World, planId: string) =>
  w.db.select().from(risks).where(eq(risks.planId, planId)).orderBy(asc(risks.id));
const levelsOf = (w: World, planId: string) =>
  w.db.select().from(escalationLevels).where(eq(escalationLevels.planId, planId)).orderBy(asc(escalationLevels.id));
const stepsOf = (w: World, planId: string) =>
  w.db.select().from(migrationSteps).where(eq(migrationSteps.planId, planId)).orderBy(asc(migrationSteps.id));
const incidentRow = (w: World, id: string) => w.db.select().from(incidents).where(eq(incidents.id, id));
const flagState = async (w: World, flagId: string) => ({
  flag: await w.db.select().from(flags).where(eq(flags.id, flagId)),
  rules: await w.db
    .select()
    .from(flagSegmentRules)
    .where(eq(flagSegmentRules.flagId, flagId))
    .orderBy(asc(flagSegmentRules.position)),
});
const segmentRow = (w: World, id: string) => w.db.select().from(segments).where(eq(segments.id, id));
export const sourceRow = (w: World, id: string) => w.db.select().from(metricSources).where(eq(metricSources.id, id));
export const webhookState = async (w: World, webhookId: string) => ({
  webhook: await w.db.select().from(webhooks).where(eq(webhooks.id, webhookId)),
  deliveries: await w.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(asc(webhookDeliveries.id)),
});
const userRow = (w: World, id: string) => w.db.select().from(users).where(eq(users.id, id));
const membershipsOf = (w: World, userId: string) =>
  w.db
    .select()
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.projectId), asc(memberships.role));
// Not last_used_at: reading a token for a request records its use, which is not a change.
const tokenRows = (w: World, where: ReturnType<typeof eq>) =>
  w.db
    .select({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(where)
    .orderBy(asc(apiTokens.id));

// ---- Shared plans ---------------------------------------------------------------------------
// Sub-entities that neither claim the plan version nor depend on its state hang off one plan per
// world; everything else gets a plan of its own.

const sharedPlans = new WeakMap<World, Map<string, Promise<PlanFixture>>>();
function sharedPlan(
  world: World,
  purpose: "checklists" | "comms" | "risks" | "incidents" | "samples",
): Promise<PlanFixture> {
  let byPurpose = sharedPlans.get(world);
  if (!byPurpose) sharedPlans.set(world, (byPurpose = new Map()));
  let plan = byPurpose.get(purpose);
  if (!plan) {
    // Samples need the plan's KPIs (error_rate among them).
    plan = blankPlan(world).then(async (p) => (purpose === "samples" ? (await kpis(world, p), p) : p));
    byPurpose.set(purpose, plan);
  }
  return plan;
}

let sampleClock = 0;
/** A sample a minute before the last one: each call stores a new one. */
const nextSample = () => ({
  metric: "error_rate",
  ts: new Date(Date.now() - 3_600_000 + ++sampleClock * 1000).toISOString(),
  value: 0.4,
  cohort: "canary",
});

const importDocument = (name: string) =>
  `# ${name}\n\n**Version:** 3.1.0\n\n## Pre-Deployment Checklist\n\n- [ ] All tests passing\n\n## Stage 1: Canary\n\n### Audience\n5% of traffic\n\n## Stage 2: GA\n\n### Audience\nAll users\n`;

// ---- The use-cases --------------------------------------------------------------------------

export const SERVICE_ACTIONS: ServiceAction[] = [
  // Plans and phases
  action({
    id: "createPlan",
    prepare: async () => ({ name: unique("New plan") }),
    call: (ctx, f, w) =>
      createPlan(ctx, { projectId: w.projectId, template: "blank", name: f.name, releaseVersion: "2.0.0" }),
    observe: (w, f) => w.db.select().from(plans).where(eq(plans.name, f.name)),
  }),
  action({
    id: "importPlan",
    prepare: async () => {
      const name = unique("Imported plan");
      return { name, preview: { ...parsePlanMarkdown(importDocument(name)), name } };
    },
    call: (ctx, f, w) => importPlan(ctx, { projectId: w.projectId, preview: f.preview }),
    observe: (w, f) => w.db.select().from(plans).where(eq(plans.name, f.name)),
  }),
  action({
    id: "updatePlan",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) =>
      updatePlan(ctx, { planId: p.planId, version: p.version, name: "Renamed plan", summary: "Changed" }),
    observe: planState,
  }),
  action({
    id: "addPhase",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) =>
      addPhase(ctx, { planId: p.planId, version: p.version, name: "Extra", audience: "Everyone", trafficPercent: 100 }),
    observe: planState,
  }),
  action({
    id: "updatePhase",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) =>
      updatePhase(ctx, {
        planId: p.planId,
        version: p.version,
        phaseId: p.phaseId,
        name: "Renamed phase",
        audience: "Half",
        trafficPercent: 50,
        requiredApprovals: 2,
      }),
    observe: planState,
  }),
  action({
    id: "setPhaseAutoAdvance",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) =>
      setPhaseAutoAdvance(ctx, { planId: p.planId, version: p.version, phaseId: p.phaseId, autoAdvance: true }),
    observe: planState,
  }),
  action<PlanFixture & { secondId: string }>({
    id: "removePhase",
    prepare: async (w) => {
      const p = await blankPlan(w);
      return { ...p, secondId: await extraPhase(w, p) };
    },
    call: (ctx, p) => removePhase(ctx, { planId: p.planId, version: p.version, phaseId: p.secondId }),
    observe: planState,
  }),
  action<PlanFixture & { secondId: string }>({
    id: "movePhase",
    prepare: async (w) => {
      const p = await blankPlan(w);
      return { ...p, secondId: await extraPhase(w, p) };
    },
    call: (ctx, p) => movePhase(ctx, { planId: p.planId, version: p.version, phaseId: p.secondId, direction: "up" }),
    observe: planState,
  }),

  // The lifecycle
  action({
    id: "transitionPlan schedule",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) => transitionPlan(ctx, { planId: p.planId, version: p.version, action: "schedule" }),
    observe: planState,
  }),
  action({
    id: "transitionPlan unschedule",
    prepare: async (w) => advance(w, await blankPlan(w), "schedule"),
    call: (ctx, p) => transitionPlan(ctx, { planId: p.planId, version: p.version, action: "unschedule" }),
    observe: planState,
  }),
  action({
    id: "transitionPlan start",
    prepare: (w) => blankPlan(w),
    call: (ctx, p) => transitionPlan(ctx, { planId: p.planId, version: p.version, action: "start" }),
    observe: planState,
  }),
  action({
    id: "transitionPlan pause",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    call: (ctx, p) => transitionPlan(ctx, { planId: p.planId, version: p.version, action: "pause" }),
    observe: planState,
  }),
  action({
    id: "transitionPlan resume",
    prepare: async (w) => advance(w, await blankPlan(w), "start", "pause"),
    call: (ctx, p) => transitionPlan(ctx, { planId: p.planId, version: p.version, action: "resume" }),
    observe: planState,
  }),
  action({
    id: "transitionPlan cancel",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    call: (ctx, p) =>
      transitionPlan(ctx, { planId: p.planId, version: p.version, action: "cancel", reason: "Superseded" }),
    observe: planState,
  }),

  // Decisions and approvals
  action({
    id: "recordDecision go",
    // No approvals needed and nothing else on the gate: it holds, and the go completes the plan.
    prepare: async (w) => advance(w, await blankPlan(w, { approvals: 0 }), "start"),
    call: (ctx, p) =>
      recordDecision(ctx, { planId: p.planId, version: p.version, kind: "go", rationale: "Gate holds" }),
    observe: decisionState,
  }),
  action({
    id: "recordDecision no_go",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    call: (ctx, p) =>
      recordDecision(ctx, { planId: p.planId, version: p.version, kind: "no_go", rationale: "Not yet" }),
    observe: decisionState,
  }),
  action({
    id: "recordDecision rollback",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    call: (ctx, p) =>
      recordDecision(ctx, { planId: p.planId, version: p.version, kind: "rollback", rationale: "Errors" }),
    observe: decisionState,
  }),
  action({
    id: "recordDecision go+override",
    // The only unmet condition is a success criterion without data: overridable, with a reason.
    prepare: async (w) => {
      const p = await blankPlan(w, { approvals: 0 });
      await kpis(w, p);
      return advance(w, p, "start");
    },
    call: (ctx, p) =>
      recordDecision(ctx, {
        planId: p.planId,
        version: p.version,
        kind: "go",
        rationale: "Go anyway",
        overrideReason: "The canary has no traffic at night; accepted",
      }),
    observe: decisionState,
  }),
  action({
    id: "approveGate",
    prepare: async (w) => advance(w, await blankPlan(w), "start"),
    call: (ctx, p) => approveGate(ctx, { planId: p.planId, version: p.version, comment: "Looks good" }),
    observe: decisionState,
  }),

  // KPIs, success criteria, rollback triggers (plan edits: they claim the plan version)
  ...kpiActions(),

  // Checklists
  action({
    id: "updateChecklistItem",
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists")),
    call: (ctx, c) =>
      updateChecklistItem(ctx, { itemId: c.alphaId, state: "done", evidenceUrl: "https://ci.example.test/run/1" }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),
  action({
    id: "updateChecklistItemByKey",
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists")),
    call: (ctx, c) =>
      updateChecklistItemByKey(ctx, c.checklistId, "alpha", { state: "blocked", reason: "Staging is down" }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),
  action({
    id: "addChecklistItem",
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists")),
    call: (ctx, c) =>
      addChecklistItem(ctx, { checklistId: c.checklistId, text: "Gamma check", assigneeRole: "engineer" }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),
  action({
    id: "editChecklistItem",
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists")),
    call: (ctx, c) =>
      editChecklistItem(ctx, {
        itemId: c.alphaId,
        text: "Alpha check, edited",
        required: true,
        assigneeRole: "release_manager",
      }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),
  action({
    id: "moveChecklistItem",
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists")),
    call: (ctx, c) => moveChecklistItem(ctx, { itemId: c.betaId, direction: "up" }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),
  action({
    id: "signChecklist",
    // Complete, and signed off by approver and release manager.
    prepare: async (w) => checklist(w, await sharedPlan(w, "checklists"), { done: true }),
    call: (ctx, c) => signChecklist(ctx, { checklistId: c.checklistId }),
    observe: (w, c) => checklistState(w, c.checklistId),
  }),

  // Communication plan
  action({
    id: "addCommsEntry",
    prepare: (w) => sharedPlan(w, "comms"),
    call: (ctx, p) =>
      addCommsEntry(ctx, {
        planId: p.planId,
        event: "GA announcement",
        timing: "GA + 1 day",
        channel: "Email",
        audience: "All staff",
        template: "{plan} is live",
      }),
    observe: (w, p) => commsOf(w, p.planId),
  }),
  action({
    id: "updateCommsEntry",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "comms")).planId,
      ...(await comms(w, await sharedPlan(w, "comms"))),
    }),
    call: (ctx, f) =>
      updateCommsEntry(ctx, {
        entryId: f.firstId,
        event: "Phase advanced",
        channel: "#general",
        audience: "Everyone",
        template: "{plan}: {phase}",
      }),
    observe: (w, f) => commsOf(w, f.planId),
  }),
  action({
    id: "removeCommsEntry",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "comms")).planId,
      ...(await comms(w, await sharedPlan(w, "comms"))),
    }),
    call: (ctx, f) => removeCommsEntry(ctx, { entryId: f.firstId }),
    observe: (w, f) => commsOf(w, f.planId),
  }),
  action({
    id: "moveCommsEntry",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "comms")).planId,
      ...(await comms(w, await sharedPlan(w, "comms"))),
    }),
    call: (ctx, f) => moveCommsEntry(ctx, { entryId: f.secondId, direction: "up" }),
    observe: (w, f) => commsOf(w, f.planId),
  }),

  // Risk register
  action({
    id: "addRisk",
    prepare: (w) => sharedPlan(w, "risks"),
    call: (ctx, p) =>
      addRisk(ctx, {
        planId: p.planId,
        description: "Support unprepared",
        likelihood: "low",
        impact: "medium",
        ownerLabel: "Support lead",
      }),
    observe: (w, p) => risksOf(w, p.planId),
  }),
  action({
    id: "updateRisk",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "risks")).planId,
      riskId: await risk(w, await sharedPlan(w, "risks")),
    }),
    call: (ctx, f) =>
      updateRisk(ctx, {
        planId: f.planId,
        riskId: f.riskId,
        description: "Regression in checkout, payments",
        likelihood: "high",
        impact: "high",
        mitigation: "Smoke tests",
      }),
    observe: (w, f) => risksOf(w, f.planId),
  }),
  action({
    id: "setRiskStatus",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "risks")).planId,
      riskId: await risk(w, await sharedPlan(w, "risks")),
    }),
    call: (ctx, f) => setRiskStatus(ctx, { planId: f.planId, riskId: f.riskId, status: "accepted" }),
    observe: (w, f) => risksOf(w, f.planId),
  }),
  action({
    id: "removeRisk",
    prepare: async (w) => ({
      planId: (await sharedPlan(w, "risks")).planId,
      riskId: await risk(w, await sharedPlan(w, "risks")),
    }),
    call: (ctx, f) => removeRisk(ctx, { planId: f.planId, riskId: f.riskId }),
    observe: (w, f) => risksOf(w, f.planId),
  }),

  // Escalation matrix (level numbers are unique per plan: a plan each)
  action({
    id: "addEscalationLevel",
    prepare: async (w) => {
      const p = await blankPlan(w);
      await escalation(w, p);
      return p;
    },
    call: (ctx, p) => addEscalationLevel(ctx, { planId: p.planId, level: 3, who: "CTO", afterMinutes: 60 }),
    observe: (w, p) => levelsOf(w, p.planId),
  }),
  action({
    id: "updateEscalationLevel",
    prepare: async (w) => {
      const p = await blankPlan(w);
      return { ...p, ...(await escalation(w, p)) };
    },
    call: (ctx, f) =>
      updateEscalationLevel(ctx, {
        planId: f.planId,
        levelId: f.secondId,
        level: 2,
        who: "Head of engineering",
        afterMinutes: 20,
        contact: "+62 21 555 0100",
      }),
    observe: (w, f) => levelsOf(w, f.planId),
  }),
  action({
    id: "removeEscalationLevel",
    prepare: async (w) => {
      const p = await blankPlan(w);
      return { ...p, ...(await escalation(w, p)) };
    },
    call: (ctx, f) => removeEscalationLevel(ctx, { planId: f.planId, levelId: f.secondId }),
    observe: (w, f) => levelsOf(w, f.planId),
  }),

  // Migration plan (order rules span the plan's steps: a plan each)
  ...migrationActions(),

  // Incidents
  action({
    id: "markVerified",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents")),
    call: (ctx, id) => markVerified(ctx, { incidentId: id }),
    observe: incidentRow,
  }),
  action({
    id: "resolveIncident",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents"), "mitigated"),
    call: (ctx, id) => resolveIncident(ctx, { incidentId: id }),
    observe: incidentRow,
  }),
  action({
    id: "reopenIncident",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents"), "resolved"),
    call: (ctx, id) => reopenIncident(ctx, { incidentId: id, reason: "Errors are back" }),
    observe: incidentRow,
  }),
  action({
    id: "updatePostmortem",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents")),
    call: (ctx, id) =>
      updatePostmortem(ctx, {
        incidentId: id,
        postmortem: "Root cause: a missing index.",
        baseFingerprint: notesFingerprint(""),
      }),
    observe: incidentRow,
  }),
  action({
    id: "editIncidentSummary",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents")),
    call: (ctx, id) =>
      editIncidentSummary(ctx, {
        incidentId: id,
        summary: "Checkout errors after the release",
        baseFingerprint: notesFingerprint("Errors after the release"),
      }),
    observe: incidentRow,
  }),
  action({
    id: "correctDetectionTime",
    prepare: async (w) => incident(w, await sharedPlan(w, "incidents")),
    call: (ctx, id) => correctDetectionTime(ctx, { incidentId: id, detectedAt: new Date(Date.now() - 2 * 3_600_000) }),
    observe: incidentRow,
  }),

  // KPI samples
  action({
    id: "ingestSamples",
    prepare: async (w) => ({ ...(await sharedPlan(w, "samples")), sample: nextSample() }),
    call: (ctx, f) => ingestSamples(ctx, f.planId, [f.sample]),
    observe: async (w, f) =>
      w.db
        .select({ s: samples })
        .from(samples)
        .innerJoin(metrics, eq(metrics.id, samples.metricId))
        .where(eq(metrics.planId, f.planId))
        .orderBy(asc(samples.ts)),
  }),

  // Prometheus metric sources
  action({
    id: "createMetricSource",
    prepare: async () => ({ name: unique("Prometheus") }),
    call: (ctx, f, w) =>
      createMetricSource(ctx, {
        projectId: w.projectId,
        name: f.name,
        baseUrl: "http://prometheus.matrix.invalid:9090",
        pollIntervalSeconds: 30,
      }),
    observe: (w, f) => w.db.select().from(metricSources).where(eq(metricSources.name, f.name)),
  }),
  action({
    id: "updateMetricSource",
    prepare: (w) => metricSource(w),
    call: (ctx, id) => updateMetricSource(ctx, { sourceId: id, pollIntervalSeconds: 60, enabled: false }),
    observe: sourceRow,
  }),
  action({
    id: "deleteMetricSource",
    prepare: (w) => metricSource(w),
    call: (ctx, id) => deleteMetricSource(ctx, { sourceId: id }),
    observe: sourceRow,
  }),

  // Feature flags and segments
  action({
    id: "createFlag",
    prepare: async () => ({ key: unique("checkout.flag") }),
    call: (ctx, f, w) =>
      createFlag(ctx, {
        projectId: w.projectId,
        key: f.key,
        type: "boolean",
        variants: { on: true, off: false },
        defaultVariant: "off",
        rolloutVariant: "on",
        manualRolloutPercent: 5,
      }),
    observe: (w, f) => w.db.select().from(flags).where(eq(flags.key, f.key)),
  }),
  action({
    id: "updateFlag",
    prepare: async (w) => (await flag(w)).id,
    call: (ctx, id) => updateFlag(ctx, { flagId: id, description: "Changed", manualRolloutPercent: 50 }),
    observe: flagState,
  }),
  action({
    id: "setFlagEnabled off",
    prepare: async (w) => (await flag(w)).id,
    call: (ctx, id) => setFlagEnabled(ctx, { flagId: id, enabled: false, reason: "Kill switch: errors" }),
    observe: flagState,
  }),
  action({
    id: "deleteFlag",
    prepare: async (w) => (await flag(w)).id,
    call: (ctx, id) => deleteFlag(ctx, { flagId: id }),
    observe: flagState,
  }),
  action({
    id: "setFlagRules",
    prepare: async (w) => ({ flagId: (await flag(w)).id, segmentId: (await segment(w)).id }),
    call: (ctx, f) => setFlagRules(ctx, { flagId: f.flagId, rules: [{ segmentId: f.segmentId, variant: "on" }] }),
    observe: (w, f) => flagState(w, f.flagId),
  }),
  action({
    id: "createSegment",
    prepare: async () => ({ key: unique("segment") }),
    call: (ctx, f, w) =>
      createSegment(ctx, {
        projectId: w.projectId,
        key: f.key,
        name: "Jakarta",
        kind: "attribute_rule",
        attribute: "region",
        operator: "in",
        values: ["Jakarta"],
      }),
    observe: (w, f) => w.db.select().from(segments).where(eq(segments.key, f.key)),
  }),
  action({
    id: "updateSegment",
    prepare: (w) => segment(w),
    call: (ctx, s) =>
      updateSegment(ctx, {
        segmentId: s.id,
        key: s.key,
        name: "Pilot users, wider",
        kind: "user_list",
        userKeys: ["user-1", "user-2"],
      }),
    observe: (w, s) => segmentRow(w, s.id),
  }),
  action({
    id: "deleteSegment",
    prepare: (w) => segment(w),
    call: (ctx, s) => deleteSegment(ctx, { segmentId: s.id }),
    observe: (w, s) => segmentRow(w, s.id),
  }),

  // Outgoing webhooks (nothing is really sent: the receiver's host does not resolve)
  action({
    id: "createWebhook",
    prepare: async () => ({ name: unique("Slack") }),
    call: (ctx, f, w) =>
      createWebhook(ctx, {
        projectId: w.projectId,
        name: f.name,
        url: HOOK_URL,
        events: ["decision.recorded", "rollback"],
      }),
    observe: (w, f) => w.db.select().from(webhooks).where(eq(webhooks.name, f.name)),
  }),
  action({
    id: "updateWebhook",
    prepare: (w) => webhook(w),
    call: (ctx, id) => updateWebhook(ctx, { webhookId: id, events: ["phase.advanced"], enabled: false }),
    observe: webhookState,
  }),
  action({
    id: "deleteWebhook",
    prepare: (w) => webhook(w),
    call: (ctx, id) => deleteWebhook(ctx, { webhookId: id }),
    observe: webhookState,
  }),
  action({
    id: "rotateWebhookSecret",
    prepare: (w) => webhook(w),
    call: (ctx, id) => rotateWebhookSecret(ctx, { webhookId: id }),
    observe: webhookState,
  }),
  action({
    id: "sendTestEvent",
    prepare: (w) => webhook(w),
    call: (ctx, id) => sendTestEvent(ctx, { webhookId: id }),
    observe: webhookState,
  }),
  action({
    id: "retryDelivery",
    prepare: async (w) => {
      const webhookId = await webhook(w);
      return { webhookId, deliveryId: await failedDelivery(w, webhookId) };
    },
    call: (ctx, f) => retryDelivery(ctx, { deliveryId: f.deliveryId }),
    observe: (w, f) => webhookState(w, f.webhookId),
  }),
  // The weekly digest's schedule: a project's by its release managers, the portfolio's by administrators.
  action({
    id: "saveDigestSchedule",
    prepare: async () => null,
    call: (ctx, _f, w) =>
      saveDigestSchedule(ctx, {
        projectId: w.projectId,
        weekday: 1,
        hour: 9,
        timeZone: "Europe/Berlin",
        webhookIds: [],
        enabled: true,
      }),
    observe: (w) => w.db.select().from(digestSchedules).where(eq(digestSchedules.projectId, w.projectId)),
  }),
  action({
    id: "saveDigestSchedule portfolio",
    prepare: async () => null,
    call: (ctx) =>
      saveDigestSchedule(ctx, {
        projectId: null,
        weekday: 5,
        hour: 16,
        timeZone: "UTC",
        webhookIds: [],
        enabled: true,
      }),
    observe: (w) => w.db.select().from(digestSchedules).where(isNull(digestSchedules.projectId)),
  }),

  // API tokens
  action({
    id: "createApiToken",
    prepare: async () => ({ name: unique("deploy token") }),
    call: (ctx, f, w) =>
      createApiToken(ctx, {
        projectId: w.projectId,
        name: f.name,
        scopes: ["plans:read", "decisions:write"],
        expiresInDays: 30,
      }),
    observe: (w, f) => tokenRows(w, eq(apiTokens.name, f.name)),
  }),
  action({
    id: "revokeApiToken",
    prepare: async (w) =>
      (
        await createApiToken(ownerCtx(w), {
          projectId: w.projectId,
          name: unique("doomed token"),
          scopes: ["plans:read"],
        })
      ).id,
    call: (ctx, id) => revokeApiToken(ctx, { tokenId: id }),
    observe: (w, id) => tokenRows(w, eq(apiTokens.id, id)),
  }),

  // Administration
  action({
    id: "createUser",
    prepare: async () => ({ email: `${unique("newcomer")}@example.test` }),
    call: (ctx, f) => createUser(ctx, { email: f.email, name: "Newcomer", password: "a-long-enough-password" }),
    observe: (w, f) => w.db.select().from(users).where(eq(users.email, f.email)),
  }),
  action({
    id: "setUserPassword",
    prepare: (w) => bystander(w),
    call: (ctx, u) => setUserPassword(ctx, { userId: u.id, password: "another-long-password" }),
    observe: (w, u) => userRow(w, u.id),
  }),
  action({
    id: "setUserFlags",
    prepare: (w) => bystander(w),
    call: (ctx, u) => setUserFlags(ctx, { userId: u.id, disabled: true, isAdmin: true }),
    observe: (w, u) => userRow(w, u.id),
  }),
  action({
    id: "createProject",
    prepare: async () => ({ slug: unique("launch").toLowerCase() }),
    call: (ctx, f) => createProject(ctx, { slug: f.slug, name: "Launch" }),
    observe: (w, f) => w.db.select().from(projects).where(eq(projects.slug, f.slug)),
  }),
  action({
    id: "addMembership",
    prepare: (w) => bystander(w),
    call: (ctx, u, w) => addMembership(ctx, { projectId: w.projectId, email: u.email, role: "release_manager" }),
    observe: (w, u) => membershipsOf(w, u.id),
  }),
  action({
    id: "removeMembership",
    prepare: async (w) => {
      const u = await bystander(w);
      await w.db.insert(memberships).values({ projectId: w.projectId, userId: u.id, role: "approver" });
      return u;
    },
    call: (ctx, u, w) => removeMembership(ctx, { projectId: w.projectId, userId: u.id, role: "approver" }),
    observe: (w, u) => membershipsOf(w, u.id),
  }),

  // Your account
  action({
    id: "endUserSessions self",
    perCaller: true,
    // A token has no self: it names a person instead.
    prepare: async (w, self) => self?.userId ?? (await bystander(w)).id,
    call: (ctx, userId) => endUserSessions(ctx, { userId }),
    observe: userRow,
  }),
  action({
    id: "endUserSessions other",
    prepare: async (w) => (await bystander(w)).id,
    call: (ctx, userId) => endUserSessions(ctx, { userId }),
    observe: userRow,
  }),
  action({
    id: "changeOwnPassword",
    perCaller: true,
    prepare: async (_w, self) => self?.userId ?? null,
    call: (ctx) =>
      changeOwnPassword(ctx, {
        currentPassword: PASSWORD,
        password: "matrix-password-2",
        confirm: "matrix-password-2",
      }),
    observe: async (w, userId) => (userId ? userRow(w, userId) : null),
  }),

  // Change freezes (a future window, so no other row is held by them) and the four-eyes setting
  // (a different number of approvers with four-eyes off, so no other row's gate changes).
  action({
    id: "createFreeze project",
    prepare: async () => ({ name: unique("Freeze") }),
    call: (ctx, f, w) =>
      createFreeze(ctx, { ...FUTURE_FREEZE, name: f.name, scope: "project", projectId: w.projectId }),
    observe: (w, f) => w.db.select().from(changeFreezes).where(eq(changeFreezes.name, f.name)),
  }),
  action({
    id: "createFreeze instance",
    prepare: async () => ({ name: unique("Freeze") }),
    call: (ctx, f) => createFreeze(ctx, { ...FUTURE_FREEZE, name: f.name, scope: "instance" }),
    observe: (w, f) => w.db.select().from(changeFreezes).where(eq(changeFreezes.name, f.name)),
  }),
  action({
    id: "removeFreeze project",
    prepare: (w) => storedFreeze(w, w.projectId),
    call: (ctx, id) => removeFreeze(ctx, { freezeId: id }),
    observe: (w, id) => w.db.select().from(changeFreezes).where(eq(changeFreezes.id, id)),
  }),
  action({
    id: "removeFreeze instance",
    prepare: (w) => storedFreeze(w, null),
    call: (ctx, id) => removeFreeze(ctx, { freezeId: id }),
    observe: (w, id) => w.db.select().from(changeFreezes).where(eq(changeFreezes.id, id)),
  }),
  action({
    id: "setProjectGovernance",
    prepare: async (w) => {
      await w.db.update(projects).set({ fourEyes: false, minDistinctApprovers: 1 }).where(eq(projects.id, w.projectId));
      return null;
    },
    call: (ctx, _f, w) =>
      setProjectGovernance(ctx, { projectId: w.projectId, fourEyes: false, minDistinctApprovers: 3 }),
    observe: (w) => w.db.select().from(projects).where(eq(projects.id, w.projectId)),
  }),
];

const FUTURE_FREEZE = {
  kind: "one_off",
  timeZone: "UTC",
  startsAt: `${new Date().getUTCFullYear() + 2}-12-24T00:00`,
  endsAt: `${new Date().getUTCFullYear() + 2}-12-27T00:00`,
} as const;

/** A freeze in the future, of the project or (null) the instance. */
async function storedFreeze(w: World, projectId: string | null): Promise<string> {
  const [row] = await w.db
    .insert(changeFreezes)
    .values({ ...FUTURE_FREEZE, projectId, name: unique("Freeze") })
    .returning({ id: changeFreezes.id });
  return row!.id;
}

// ---- KPIs and migration steps ---------------------------------------------------------------

function kpiActions(): ServiceAction[] {
  const prepare = async (w: World) => {
    const p = await blankPlan(w);
    return { ...p, ...(await kpis(w, p)) };
  };
  type K = Awaited<ReturnType<typeof prepare>>;
  const kpi = (id: string, call: (ctx: ServiceContext, k: K) => Promise<unknown>) =>
    action<K>({ id, prepare, call, observe: kpiState });
  const trigger = { mode: "absolute", comparison: "gt", value: 4, durationMinutes: 10, action: "alert_only" } as const;
  return [
    kpi("addMetric", (ctx, k) =>
      addMetric(ctx, { planId: k.planId, version: k.version, from: "catalogue", catalogueKey: "p95_latency" }),
    ),
    kpi("updateMetric", (ctx, k) =>
      updateMetric(ctx, {
        planId: k.planId,
        version: k.version,
        metricId: k.cpuId,
        label: "CPU",
        unit: "%",
        direction: "lower_is_better",
        target: 50,
        alertThreshold: 70,
        criticalThreshold: 85,
      }),
    ),
    kpi("removeMetric", (ctx, k) => removeMetric(ctx, { planId: k.planId, version: k.version, metricId: k.cpuId })),
    kpi("moveMetric", (ctx, k) =>
      moveMetric(ctx, { planId: k.planId, version: k.version, metricId: k.cpuId, direction: "up" }),
    ),
    kpi("addCriterion", (ctx, k) =>
      addCriterion(ctx, {
        planId: k.planId,
        version: k.version,
        phaseId: k.phaseId,
        metricId: k.cpuId,
        comparison: "lt",
        value: 80,
        sustainedMinutes: 30,
      }),
    ),
    kpi("updateCriterion", (ctx, k) =>
      updateCriterion(ctx, {
        planId: k.planId,
        version: k.version,
        criterionId: k.criterionId,
        metricId: k.errorRateId,
        comparison: "lte",
        value: 2,
        sustainedMinutes: 15,
      }),
    ),
    kpi("removeCriterion", (ctx, k) =>
      removeCriterion(ctx, { planId: k.planId, version: k.version, criterionId: k.criterionId }),
    ),
    kpi("addTrigger", (ctx, k) =>
      addTrigger(ctx, { planId: k.planId, version: k.version, metricId: k.cpuId, ...trigger }),
    ),
    kpi("updateTrigger", (ctx, k) =>
      updateTrigger(ctx, {
        planId: k.planId,
        version: k.version,
        triggerId: k.triggerId,
        metricId: k.errorRateId,
        ...trigger,
        description: "Error rate > 4% for 10 min",
      }),
    ),
    kpi("removeTrigger", (ctx, k) =>
      removeTrigger(ctx, { planId: k.planId, version: k.version, triggerId: k.triggerId }),
    ),
    kpi("setTriggerEnabled", (ctx, k) =>
      setTriggerEnabled(ctx, { planId: k.planId, version: k.version, triggerId: k.triggerId, enabled: false }),
    ),
  ];
}

function migrationActions(): ServiceAction[] {
  const prepare = async (w: World) => {
    const p = await blankPlan(w);
    return { ...p, ...(await migration(w, p)) };
  };
  type M = Awaited<ReturnType<typeof prepare>>;
  const step = (id: string, call: (ctx: ServiceContext, m: M) => Promise<unknown>) =>
    action<M>({ id, prepare, call, observe: (w, m) => stepsOf(w, m.planId) });
  return [
    step("addMigrationStep", (ctx, m) =>
      addMigrationStep(ctx, {
        planId: m.planId,
        kind: "backfill",
        action: "Backfill the new table",
        risk: "medium",
        expectedDurationMinutes: 30,
      }),
    ),
    step("updateMigrationStep", (ctx, m) =>
      updateMigrationStep(ctx, {
        planId: m.planId,
        stepId: m.codeId,
        kind: "code",
        action: "Write to both, read new",
        reversible: "true",
        risk: "medium",
      }),
    ),
    step("removeMigrationStep", (ctx, m) => removeMigrationStep(ctx, { planId: m.planId, stepId: m.codeId })),
    step("moveMigrationStep", (ctx, m) =>
      moveMigrationStep(ctx, { planId: m.planId, stepId: m.secondId, direction: "up" }),
    ),
    step("transitionMigrationStep start", (ctx, m) =>
      transitionMigrationStep(ctx, { planId: m.planId, stepId: m.firstId, transition: "start" }),
    ),
  ];
}
