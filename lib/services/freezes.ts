import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { changeFreezes, freezeOverrides, projects } from "@/db/schema";
import { assertUserCan, rolesIn, type UserActor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { describeFreeze, freezeRuleSchema, freezeSentence } from "@/lib/domain/freeze";
import { AppError } from "@/lib/errors";
import { freezeOfRow, freezeStateOf } from "@/lib/reads/freezes";
import { loadPlanForWrite } from "@/lib/reads/plan-state";
import { removeFreezeSchema, signOverrideSchema } from "@/lib/validation/freezes";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

// Change freezes and their emergency overrides. A project's freezes are kept by its release
// managers (and admins); instance-wide ones by admins only. An override of a freeze for one plan
// is signed by a release manager of its project and an admin — two people, each with a reason,
// in either order — and lets one go decision through until the freeze ends.

function person(ctx: ServiceContext, what: string): UserActor {
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", `${what} is for people, not tokens`);
  return ctx.actor;
}

/** A project's freeze needs freeze:edit there; an instance-wide one an administrator. */
function authorizeFreeze(ctx: ServiceContext, projectId: string | null): void {
  if (ctx.actor.kind === "system") return;
  if (projectId === null)
    return assertUserCan(person(ctx, "Keeping instance-wide freezes"), "instance_freeze:edit", null);
  authorize(ctx.actor, projectId, { action: "freeze:edit" });
}

export async function createFreeze(ctx: ServiceContext, input: unknown) {
  const data = parseInput(freezeRuleSchema, input);
  const projectId = data.scope === "project" ? data.projectId : null;
  authorizeFreeze(ctx, projectId);
  return ctx.db.transaction(async (tx) => {
    if (projectId) {
      const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
      if (!project) throw new AppError("not_found:entity", "No such project");
    }
    const [row] = await tx
      .insert(changeFreezes)
      .values({
        projectId,
        name: data.name,
        kind: data.kind,
        timeZone: data.timeZone,
        ...(data.kind === "one_off"
          ? { startsAt: data.startsAt, endsAt: data.endsAt }
          : { rrule: data.rrule, ruleFrom: data.from, durationMinutes: data.durationMinutes }),
        createdBy: ctx.actor.kind === "user" ? ctx.actor.userId : null,
      })
      .returning();
    const freeze = freezeOfRow(row!);
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "freeze.created",
        entityType: "change_freeze",
        entityId: row!.id,
        projectId,
        after: { name: freeze.name, scope: freeze.scope, description: describeFreeze(freeze) },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "freeze.created", projectId: projectId ?? "", freezeId: row!.id });
    return { freezeId: row!.id, name: freeze.name, description: describeFreeze(freeze) };
  });
}

export async function removeFreeze(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeFreezeSchema, input);
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(changeFreezes)
      .where(and(eq(changeFreezes.id, data.freezeId), isNull(changeFreezes.removedAt)))
      .for("update");
    if (!row) throw new AppError("not_found:entity", "No such freeze");
    authorizeFreeze(ctx, row.projectId);
    await tx
      .update(changeFreezes)
      .set({ removedAt: now, removedBy: ctx.actor.kind === "user" ? ctx.actor.userId : null })
      .where(eq(changeFreezes.id, row.id));
    const freeze = freezeOfRow(row);
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "freeze.removed",
        entityType: "change_freeze",
        entityId: row.id,
        projectId: row.projectId,
        before: { name: freeze.name, scope: freeze.scope, description: describeFreeze(freeze) },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "freeze.removed", projectId: row.projectId ?? "", freezeId: row.id });
    return { freezeId: row.id };
  });
}

/** The plan's override still waiting for its go: not used, not expired. */
export async function openOverride(tx: Tx, planId: string, now: Date) {
  const [row] = await tx
    .select()
    .from(freezeOverrides)
    .where(and(eq(freezeOverrides.planId, planId), isNull(freezeOverrides.usedAt), gt(freezeOverrides.expiresAt, now)))
    .orderBy(desc(freezeOverrides.createdAt))
    .limit(1)
    .for("update");
  return row ?? null;
}

/**
 * Signs the emergency override of the freeze holding a plan, as its release manager or as an
 * admin. The first signature opens the override; the second, by another person in the other
 * part, completes it. It expires when the freeze ends.
 */
export async function signFreezeOverride(ctx: ServiceContext, input: unknown) {
  const data = parseInput(signOverrideSchema, input);
  const actor = person(ctx, "Signing an emergency override");
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const plan = await loadPlanForWrite(tx, data.planId);
    authorize(actor, plan.projectId, { action: "plan:read" });
    if (data.as === "release_manager" && !rolesIn(actor, plan.projectId).includes("release_manager"))
      throw new AppError("forbidden:permission", "Only a release manager of this project signs as its release manager");
    if (data.as === "admin" && !actor.isAdmin)
      throw new AppError("forbidden:permission", "Only an administrator confirms an emergency override as the admin");
    if (plan.status !== "in_progress" && plan.status !== "paused")
      throw new AppError("conflict:state", "Only a running plan's go can be overridden");
    const { active } = await freezeStateOf(tx, plan.projectId, now);
    if (!active) throw new AppError("conflict:state", "No change freeze holds this plan: a go needs no override");

    const open = await openOverride(tx, plan.id, now);
    const mine = data.as === "release_manager" ? open?.releaseManagerId : open?.adminId;
    const theirs = data.as === "release_manager" ? open?.adminId : open?.releaseManagerId;
    if (mine)
      throw new AppError(
        "conflict:state",
        `This override already has its ${data.as === "admin" ? "admin" : "release manager"}'s signature`,
      );
    if (theirs === actor.userId)
      throw new AppError(
        "conflict:state",
        "The release manager and the admin must be two different people: you have signed this override already",
      );
    const signature =
      data.as === "release_manager"
        ? { releaseManagerId: actor.userId, releaseManagerReason: data.reason, releaseManagerSignedAt: now }
        : { adminId: actor.userId, adminReason: data.reason, adminSignedAt: now };
    const [row] = open
      ? await tx.update(freezeOverrides).set(signature).where(eq(freezeOverrides.id, open.id)).returning()
      : await tx
          .insert(freezeOverrides)
          .values({ planId: plan.id, expiresAt: active.until, ...signature })
          .returning();
    const complete = Boolean(row!.releaseManagerId && row!.adminId);
    await writeAudit(
      tx,
      actor,
      {
        action: "freeze_override.signed",
        entityType: "freeze_override",
        entityId: row!.id,
        projectId: plan.projectId,
        planId: plan.id,
        after: {
          as: data.as,
          reason: data.reason,
          freeze: freezeSentence(active, now),
          complete,
          expiresAt: row!.expiresAt.toISOString(),
        },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "freeze_override.signed", projectId: plan.projectId, planId: plan.id });
    return { overrideId: row!.id, complete, expiresAt: row!.expiresAt };
  });
}
