import { asc, eq } from "drizzle-orm";
import { commsEntries, plans } from "@/db/schema";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { unknownPlaceholders } from "@/lib/domain/comms";
import { AppError } from "@/lib/errors";
import {
  addCommsEntrySchema,
  moveCommsEntrySchema,
  removeCommsEntrySchema,
  updateCommsEntrySchema,
} from "@/lib/validation/comms";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

// A plan's communication plan. Entries do not change what a decision is judged against, so they
// do not claim the plan version; the plan row is locked instead, so concurrent edits of one plan's
// entries queue and positions stay in order. A finished plan's communication plan is history.

type EntryRow = typeof commsEntries.$inferSelect;

const audited = (e: Pick<EntryRow, "event" | "timing" | "channel" | "audience" | "template">) => ({
  event: e.event,
  timing: e.timing,
  channel: e.channel,
  audience: e.audience,
  template: e.template,
});

/** Locks the plan, checks the permission and refuses finished plans. */
async function lockEditablePlan(ctx: ServiceContext, tx: Tx, planId: string) {
  const [plan] = await tx
    .select({ id: plans.id, projectId: plans.projectId, status: plans.status })
    .from(plans)
    .where(eq(plans.id, planId))
    .for("update");
  if (!plan) throw new AppError("not_found:entity", "No such plan");
  authorize(ctx.actor, plan.projectId, { action: "comms:edit" });
  if (TERMINAL.includes(plan.status))
    throw new AppError(
      "conflict:state",
      `The plan is ${plan.status.replace("_", " ")}: its communication plan is history and cannot be edited`,
    );
  return plan;
}

async function loadEntry(ctx: ServiceContext, tx: Tx, entryId: string) {
  const [row] = await tx.select({ planId: commsEntries.planId }).from(commsEntries).where(eq(commsEntries.id, entryId));
  if (!row) throw new AppError("not_found:entity", "No such communication plan entry");
  const plan = await lockEditablePlan(ctx, tx, row.planId);
  // Read again under the plan's lock: another edit may have removed or moved it meanwhile.
  const [entry] = await tx.select().from(commsEntries).where(eq(commsEntries.id, entryId));
  if (!entry) throw new AppError("not_found:entity", "No such communication plan entry");
  return { plan, entry };
}

const ordered = (tx: Tx, planId: string) =>
  tx
    .select()
    .from(commsEntries)
    .where(eq(commsEntries.planId, planId))
    .orderBy(asc(commsEntries.position), asc(commsEntries.id));

/** Adds an entry at the end; returns it with the placeholders the template uses that Phasegate does not know. */
export async function addCommsEntry(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addCommsEntrySchema, input);
  return ctx.db.transaction(async (tx) => {
    const plan = await lockEditablePlan(ctx, tx, data.planId);
    const existing = await ordered(tx, plan.id);
    const position = Math.max(-1, ...existing.map((e) => e.position)) + 1;
    const [entry] = await tx
      .insert(commsEntries)
      .values({ ...data, planId: plan.id, position })
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "comms_entry.added",
        entityType: "comms_entry",
        entityId: entry!.id,
        projectId: plan.projectId,
        planId: plan.id,
        after: { ...audited(entry!), position },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "comms_entry.added", projectId: plan.projectId, planId: plan.id });
    return { entry: entry!, unknownPlaceholders: unknownPlaceholders(entry!.template).map((u) => u.name) };
  });
}

export async function updateCommsEntry(ctx: ServiceContext, input: unknown) {
  const { entryId, ...fields } = parseInput(updateCommsEntrySchema, input);
  return ctx.db.transaction(async (tx) => {
    const { plan, entry } = await loadEntry(ctx, tx, entryId);
    const [after] = await tx.update(commsEntries).set(fields).where(eq(commsEntries.id, entry.id)).returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "comms_entry.updated",
        entityType: "comms_entry",
        entityId: entry.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: audited(entry),
        after: audited(after!),
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "comms_entry.updated", projectId: plan.projectId, planId: plan.id });
    return { entry: after!, unknownPlaceholders: unknownPlaceholders(after!.template).map((u) => u.name) };
  });
}

export async function removeCommsEntry(ctx: ServiceContext, input: unknown) {
  const { entryId } = parseInput(removeCommsEntrySchema, input);
  return ctx.db.transaction(async (tx) => {
    const { plan, entry } = await loadEntry(ctx, tx, entryId);
    await tx.delete(commsEntries).where(eq(commsEntries.id, entry.id));
    await renumber(
      tx,
      (await ordered(tx, plan.id)).map((e) => e.id),
    );
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "comms_entry.removed",
        entityType: "comms_entry",
        entityId: entry.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: audited(entry),
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "comms_entry.removed", projectId: plan.projectId, planId: plan.id });
    return { id: entry.id };
  });
}

export async function moveCommsEntry(ctx: ServiceContext, input: unknown) {
  const { entryId, direction } = parseInput(moveCommsEntrySchema, input);
  return ctx.db.transaction(async (tx) => {
    const { plan, entry } = await loadEntry(ctx, tx, entryId);
    const ids = (await ordered(tx, plan.id)).map((e) => e.id);
    const from = ids.indexOf(entry.id);
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= ids.length)
      throw new AppError("conflict:state", `“${entry.event}” is already ${direction === "up" ? "first" : "last"}`);
    [ids[from], ids[to]] = [ids[to]!, ids[from]!];
    await renumber(tx, ids);
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "comms_entry.moved",
        entityType: "comms_entry",
        entityId: entry.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: { position: from },
        after: { position: to },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "comms_entry.moved", projectId: plan.projectId, planId: plan.id });
    return { position: to };
  });
}

/** Positions 0…n-1 in the given order (imports and old edits may have left gaps or ties). */
async function renumber(tx: Tx, ids: readonly string[]) {
  for (const [position, id] of ids.entries())
    await tx.update(commsEntries).set({ position }).where(eq(commsEntries.id, id));
}
