import { randomUUID } from "node:crypto";
import { count } from "drizzle-orm";
import type { Database } from "@/db/client";
import {
  auditEvents,
  checklistItems,
  checklists,
  commsEntries,
  escalationLevels,
  flags,
  gates,
  incidents,
  metricSources,
  metrics,
  migrationSteps,
  phases,
  plans,
  risks,
  rollbackTriggers,
  segments,
  successCriteria,
  users,
  webhookDeliveries,
  webhooks,
} from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import type { TokenActor, UserActor } from "@/lib/auth/actor";
import type { TokenScope } from "@/lib/auth/permissions";
import { authenticateToken } from "@/lib/auth/token-auth";
import { AppError } from "@/lib/errors";
import type { ServiceContext } from "@/lib/services/context";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";
import { makeProject, makeUser } from "./people";

// The world every cell of the role matrix (tests/integration/role-matrix.test.ts) acts in: one
// project with a person in each role, a global admin, a person who holds every role in another
// project, one API token per scope, a token of the other project and a revoked one. Fixtures are
// built by the project's own release manager ("owner", never one of the principals under test) or
// written straight into the tables, so that each cell starts from a state of its own.

export const PEOPLE = ["viewer", "engineer", "approver", "release_manager", "admin", "other_member"] as const;
export type Person = (typeof PEOPLE)[number];

export const SCOPES = [
  "plans:read",
  "plans:write",
  "decisions:write",
  "checklists:write",
  "metrics:write",
  "flags:evaluate",
] as const satisfies readonly TokenScope[];

/** Who calls a service: a person, a token with one scope of this project, or a token of the other project (every scope). */
export const SERVICE_CALLERS = [...PEOPLE, ...SCOPES, "other_project"] as const;
export type ServiceCaller = (typeof SERVICE_CALLERS)[number];

/** Who calls /api/v1: the same tokens, a revoked token (every scope) and nobody (no Authorization header). */
export const API_CALLERS = [...SCOPES, "other_project", "revoked", "none"] as const;
export type ApiCaller = (typeof API_CALLERS)[number];

export const PASSWORD = "matrix-password-1";

export interface World {
  db: Database;
  projectId: string;
  otherProjectId: string;
  /** The project's release manager who builds fixtures; not a principal under test. */
  owner: UserActor;
  people: Record<Person, UserActor>;
  tokenActors: Record<(typeof SCOPES)[number] | "other_project", TokenActor>;
  /** Clear tokens for the API (null: no header). */
  apiTokens: Record<ApiCaller, string | null>;
  /** A plan of the other project, for isolation checks. */
  otherPlanId: string;
}

let serial = 0;
/** A name no other fixture of this database uses. */
export const unique = (prefix: string) => `${prefix}-${++serial}-${randomUUID().slice(0, 8)}`;

export const ctxOf = (world: World, actor: ServiceContext["actor"]): ServiceContext => ({
  db: world.db,
  actor,
  requestId: "role-matrix",
});
export const ownerCtx = (world: World) => ctxOf(world, world.owner);

export async function buildWorld(db: Database): Promise<World> {
  const project = await makeProject(db, unique("matrix"));
  const other = await makeProject(db, unique("elsewhere"));
  const owner = await makeUser(db, { projectId: project.id, roles: ["release_manager"] });
  const person = (roles: ProjectRole[], opts: { isAdmin?: boolean; projectId?: string } = {}) =>
    makeUser(db, {
      projectId: opts.projectId ?? project.id,
      roles,
      isAdmin: opts.isAdmin ?? false,
      password: PASSWORD,
    });
  const people: Record<Person, UserActor> = {
    viewer: await person(["viewer"]),
    engineer: await person(["engineer"]),
    approver: await person(["approver"]),
    release_manager: await person(["release_manager"]),
    admin: await person([], { isAdmin: true }),
    other_member: await person(["viewer", "engineer", "approver", "release_manager"], { projectId: other.id }),
  };
  const ctx = { db, actor: owner, requestId: "role-matrix-setup" };
  const adminCtx = { db, actor: people.admin, requestId: "role-matrix-setup" };
  const clear = {} as Record<ApiCaller, string | null>;
  for (const scope of SCOPES)
    clear[scope] = (await createApiToken(ctx, { projectId: project.id, name: `only ${scope}`, scopes: [scope] })).token;
  clear.other_project = (
    await createApiToken(adminCtx, { projectId: other.id, name: "other project, every scope", scopes: [...SCOPES] })
  ).token;
  const revoked = await createApiToken(ctx, {
    projectId: project.id,
    name: "revoked, every scope",
    scopes: [...SCOPES],
  });
  await revokeApiToken(ctx, { tokenId: revoked.id });
  clear.revoked = revoked.token;
  clear.none = null;
  const tokenActors = {} as World["tokenActors"];
  for (const key of [...SCOPES, "other_project"] as const) {
    tokenActors[key] = await authenticateToken(db, new Headers({ authorization: `Bearer ${clear[key]}` }));
  }
  const { planId: otherPlanId } = await createPlan(adminCtx, {
    projectId: other.id,
    template: "blank",
    name: "Other project's plan",
    releaseVersion: "9.9.9",
  });
  return {
    db,
    projectId: project.id,
    otherProjectId: other.id,
    owner,
    people,
    tokenActors,
    apiTokens: clear,
    otherPlanId,
  };
}

export function actorOf(world: World, caller: ServiceCaller): ServiceContext["actor"] {
  return (PEOPLE as readonly string[]).includes(caller)
    ? world.people[caller as Person]
    : world.tokenActors[caller as keyof World["tokenActors"]];
}

/** The person behind a caller, when it is one. */
export function personOf(world: World, caller: ServiceCaller): UserActor | null {
  return (PEOPLE as readonly string[]).includes(caller) ? world.people[caller as Person] : null;
}

// ---- What a call did ------------------------------------------------------------------------

export type Outcome = { ok: true } | { ok: false; status: number | "thrown"; code: string; message: string };

/** Settles a call into something a failure message can show: success, or the AppError's status and words. */
export async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, status: error.status, code: error.code, message: error.message };
    return {
      ok: false,
      status: "thrown",
      code: "not an AppError",
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

export async function auditCount(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(auditEvents);
  return Number(row?.n ?? 0);
}

// ---- Fixtures -------------------------------------------------------------------------------

export interface PlanFixture {
  planId: string;
  phaseId: string;
  version: number;
}

/**
 * A draft plan in the project as the blank template makes it (one phase at 100% with its gate),
 * written straight into the tables: creating plans through the service is a row of its own.
 */
export async function blankPlan(world: World, opts: { approvals?: number } = {}): Promise<PlanFixture> {
  const [plan] = await world.db
    .insert(plans)
    .values({
      projectId: world.projectId,
      name: unique("Plan"),
      releaseVersion: "1.0.0",
      strategy: "rolling",
      ownerId: world.owner.userId,
    })
    .returning({ id: plans.id, version: plans.version });
  const [phase] = await world.db
    .insert(phases)
    .values({ planId: plan!.id, position: 0, name: "Rollout", audience: "All users", trafficPercent: 100 })
    .returning({ id: phases.id });
  await world.db.insert(gates).values({ phaseId: phase!.id, requiredApprovals: opts.approvals ?? 1 });
  return { planId: plan!.id, phaseId: phase!.id, version: plan!.version };
}

/** Applies lifecycle actions as the release manager; returns the plan at its new version. */
export async function advance(
  world: World,
  plan: PlanFixture,
  ...actions: ("schedule" | "start" | "pause")[]
): Promise<PlanFixture> {
  let version = plan.version;
  for (const action of actions)
    version = (await transitionPlan(ownerCtx(world), { planId: plan.planId, version, action })).version;
  return { ...plan, version };
}

/** A second, pending phase after the blank plan's one. */
export async function extraPhase(world: World, plan: PlanFixture): Promise<string> {
  const [phase] = await world.db
    .insert(phases)
    .values({ planId: plan.planId, position: 1, name: "Second", audience: "Everyone", trafficPercent: 100 })
    .returning({ id: phases.id });
  await world.db.insert(gates).values({ phaseId: phase!.id, requiredApprovals: 0 });
  return phase!.id;
}

/** Two KPIs (error_rate, cpu), a success criterion on the phase and an alert-only trigger. */
export async function kpis(world: World, plan: PlanFixture) {
  const [errorRate, cpu] = await world.db
    .insert(metrics)
    .values([
      {
        planId: plan.planId,
        key: "error_rate",
        label: "Error rate",
        unit: "%",
        direction: "lower_is_better",
        target: 1,
        alertThreshold: 2,
        criticalThreshold: 5,
        position: 0,
      },
      {
        planId: plan.planId,
        key: "cpu",
        label: "CPU usage",
        unit: "%",
        direction: "lower_is_better",
        target: 60,
        alertThreshold: 80,
        criticalThreshold: 90,
        position: 1,
      },
    ])
    .returning({ id: metrics.id });
  const [criterion] = await world.db
    .insert(successCriteria)
    .values({ phaseId: plan.phaseId, metricId: errorRate!.id, comparison: "lt", value: 1, sustainedMinutes: 60 })
    .returning({ id: successCriteria.id });
  const [trigger] = await world.db
    .insert(rollbackTriggers)
    .values({
      planId: plan.planId,
      metricId: errorRate!.id,
      description: "Error rate > 5% for 5 min",
      mode: "absolute",
      comparison: "gt",
      value: 5,
      durationMinutes: 5,
      action: "alert_only",
    })
    .returning({ id: rollbackTriggers.id });
  return { errorRateId: errorRate!.id, cpuId: cpu!.id, criterionId: criterion!.id, triggerId: trigger!.id };
}

/** A plan-wide checklist with two items, signed off by approver and release manager. */
export async function checklist(world: World, plan: PlanFixture, opts: { done?: boolean } = {}) {
  const [list] = await world.db
    .insert(checklists)
    .values({
      planId: plan.planId,
      kind: "pre_deployment",
      title: "Pre-deployment",
      requiredSignoffRoles: ["approver", "release_manager"],
    })
    .returning({ id: checklists.id });
  const state = opts.done ? ("done" as const) : ("open" as const);
  const [alpha, beta] = await world.db
    .insert(checklistItems)
    .values([
      { checklistId: list!.id, key: "alpha", text: "Alpha check", assigneeRole: "engineer", position: 0, state },
      { checklistId: list!.id, key: "beta", text: "Beta check", assigneeRole: "engineer", position: 1, state },
    ])
    .returning({ id: checklistItems.id });
  return { checklistId: list!.id, alphaId: alpha!.id, betaId: beta!.id };
}

export async function comms(world: World, plan: PlanFixture) {
  const rows = await world.db
    .insert(commsEntries)
    .values([
      {
        planId: plan.planId,
        position: 0,
        event: "Phase advanced",
        channel: "#releases",
        audience: "Engineering",
        template: "{plan} is in {phase}",
      },
      {
        planId: plan.planId,
        position: 1,
        event: "Rollback",
        channel: "#incidents",
        audience: "On-call",
        template: "{plan} rolled back: {reason}",
      },
    ])
    .returning({ id: commsEntries.id });
  return { firstId: rows[0]!.id, secondId: rows[1]!.id };
}

export async function risk(world: World, plan: PlanFixture) {
  const [row] = await world.db
    .insert(risks)
    .values({ planId: plan.planId, description: "Regression in checkout", likelihood: "medium", impact: "high" })
    .returning({ id: risks.id });
  return row!.id;
}

export async function escalation(world: World, plan: PlanFixture) {
  const rows = await world.db
    .insert(escalationLevels)
    .values([
      { planId: plan.planId, level: 1, who: "On-call engineer", afterMinutes: 0 },
      { planId: plan.planId, level: 2, who: "Engineering manager", afterMinutes: 15 },
    ])
    .returning({ id: escalationLevels.id });
  return { firstId: rows[0]!.id, secondId: rows[1]!.id };
}

/** Two schema steps and a code step, all pending and reversible. */
export async function migration(world: World, plan: PlanFixture) {
  const rows = await world.db
    .insert(migrationSteps)
    .values([
      { planId: plan.planId, position: 0, kind: "schema", action: "Add the new table" },
      { planId: plan.planId, position: 1, kind: "schema", action: "Add the new index" },
      { planId: plan.planId, position: 2, kind: "code", action: "Write to both" },
    ])
    .returning({ id: migrationSteps.id });
  return { firstId: rows[0]!.id, secondId: rows[1]!.id, codeId: rows[2]!.id };
}

/** A manual rollback's incident: open (executed), mitigated (verified) or resolved. */
export async function incident(world: World, plan: PlanFixture, status: "open" | "mitigated" | "resolved" = "open") {
  const detectedAt = new Date(Date.now() - 3_600_000);
  const decidedAt = new Date(Date.now() - 1_800_000);
  const executedAt = new Date(Date.now() - 1_700_000);
  const verifiedAt = status === "open" ? null : new Date(Date.now() - 1_600_000);
  const [row] = await world.db
    .insert(incidents)
    .values({
      planId: plan.planId,
      phaseId: plan.phaseId,
      origin: "manual",
      status,
      title: "Rollback from Rollout",
      summary: "Errors after the release",
      detectedAt,
      decidedAt,
      executedAt,
      verifiedAt,
    })
    .returning({ id: incidents.id });
  return row!.id;
}

export async function flag(world: World) {
  const [row] = await world.db
    .insert(flags)
    .values({
      projectId: world.projectId,
      key: unique("flag"),
      type: "boolean",
      variants: { on: true, off: false },
      defaultVariant: "off",
      rolloutVariant: "on",
      manualRolloutPercent: 10,
    })
    .returning({ id: flags.id, key: flags.key });
  return row!;
}

export async function segment(world: World) {
  const [row] = await world.db
    .insert(segments)
    .values({
      projectId: world.projectId,
      key: unique("segment"),
      name: "Pilot users",
      kind: "user_list",
      userKeys: ["user-1"],
    })
    .returning({ id: segments.id, key: segments.key });
  return row!;
}

export async function metricSource(world: World) {
  const [row] = await world.db
    .insert(metricSources)
    .values({
      projectId: world.projectId,
      name: unique("Prometheus"),
      baseUrl: "http://prometheus.matrix.invalid:9090",
    })
    .returning({ id: metricSources.id });
  return row!.id;
}

export const HOOK_URL = "https://hooks.matrix.invalid/phasegate";

export async function webhook(world: World) {
  const [row] = await world.db
    .insert(webhooks)
    .values({
      projectId: world.projectId,
      name: unique("Hook"),
      url: HOOK_URL,
      secret: `whsec_${randomUUID()}`,
      events: ["decision.recorded"],
    })
    .returning({ id: webhooks.id });
  return row!.id;
}

/** A delivery that failed for good, ready for "retry now". */
export async function failedDelivery(world: World, webhookId: string) {
  const [row] = await world.db
    .insert(webhookDeliveries)
    .values({
      webhookId,
      auditEventId: 0,
      event: "decision.recorded",
      payload: { text: "matrix" },
      status: "failed",
      attempts: 6,
      lastError: "HTTP 500",
    })
    .returning({ id: webhookDeliveries.id });
  return row!.id;
}

/** Someone outside every project, whom administrators act on. */
export async function bystander(world: World) {
  const [row] = await world.db
    .insert(users)
    .values({ email: `${unique("bystander")}@example.test`, name: "Bystander" })
    .returning({ id: users.id, email: users.email });
  return row!;
}
