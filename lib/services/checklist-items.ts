import { and, asc, eq, isNull } from "drizzle-orm";
import { checklistItems, checklists, signOffs } from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  addItemSchema,
  editItemSchema,
  itemKeySchema,
  itemPatchBodySchema,
  keyFromText,
  moveItemSchema,
} from "@/lib/validation/checklists";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import { assertChecklistOpen, loadChecklistContext, notifyChecklistChange, updateChecklistItem } from "./checklists";
import type { ServiceContext, Tx } from "./context";
import { memberships, plans } from "@/db/schema";
import { z } from "zod";

/** Ticks an item by its stable key, as pipelines do: PATCH /api/v1/checklists/{id}/items/{key}. */
export async function updateChecklistItemByKey(ctx: ServiceContext, checklistId: string, key: string, body: unknown) {
  if (!z.uuid().safeParse(checklistId).success) throw new AppError("not_found:entity", "No checklist with this id");
  if (!itemKeySchema.safeParse(key).success)
    throw new AppError("not_found:entity", `No item with key "${key}" in this checklist`);
  const data = parseInput(itemPatchBodySchema, body);
  const [row] = await ctx.db
    .select({ itemId: checklistItems.id, projectId: plans.projectId })
    .from(checklists)
    .innerJoin(plans, eq(plans.id, checklists.planId))
    .leftJoin(checklistItems, and(eq(checklistItems.checklistId, checklists.id), eq(checklistItems.key, key)))
    .where(eq(checklists.id, checklistId));
  if (!row) throw new AppError("not_found:entity", "No checklist with this id");
  authorize(ctx.actor, row.projectId, { action: "checklist:tick", scope: "checklists:write" });
  if (!row.itemId) throw new AppError("not_found:entity", `No item with key "${key}" in this checklist`);
  return updateChecklistItem(ctx, { itemId: row.itemId, ...data });
}

/** The checklist (for editing its items): must be unsigned and its plan not finished. */
async function loadEditableChecklist(ctx: ServiceContext, tx: Tx, checklistId: string) {
  const row = await loadChecklistContext(tx, checklistId);
  authorize(ctx.actor, row.projectId, { action: "checklist:edit" });
  await assertChecklistOpen(tx, row.checklist, row.planStatus);
  const live = await tx
    .select({ id: signOffs.id })
    .from(signOffs)
    .where(and(eq(signOffs.checklistId, checklistId), isNull(signOffs.voidedAt)));
  if (live.length)
    throw new AppError("conflict:state", "This checklist is signed: its items cannot be added, edited or reordered");
  return row;
}

export async function addChecklistItem(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addItemSchema, input);
  return ctx.db.transaction(async (tx) => {
    const { checklist, projectId } = await loadEditableChecklist(ctx, tx, data.checklistId);
    const existing = await tx
      .select({ key: checklistItems.key, position: checklistItems.position })
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, checklist.id));
    let key = data.key ?? keyFromText(data.text);
    if (existing.some((e) => e.key === key)) {
      if (data.key)
        throw new AppError("bad_request:validation", `The key "${key}" is taken in this checklist`, {
          key: ["Already used in this checklist"],
        });
      let n = 2;
      while (existing.some((e) => e.key === `${key}-${n}`)) n++;
      key = `${key}-${n}`;
    }
    const position = Math.max(-1, ...existing.map((e) => e.position)) + 1;
    const [item] = await tx
      .insert(checklistItems)
      .values({
        checklistId: checklist.id,
        key,
        text: data.text,
        required: data.required,
        assigneeRole: data.assigneeRole,
        position,
      })
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "checklist_item.added",
        entityType: "checklist_item",
        entityId: item!.id,
        projectId,
        planId: checklist.planId,
        after: { key, text: data.text, required: data.required, assigneeRole: data.assigneeRole },
      },
      ctx.requestId,
    );
    await notifyChecklistChange(tx, "checklist_item.added", checklist, projectId);
    return { id: item!.id, key };
  });
}

async function loadItem(tx: Tx, itemId: string) {
  const [item] = await tx.select().from(checklistItems).where(eq(checklistItems.id, itemId));
  if (!item) throw new AppError("not_found:entity", "No such checklist item");
  return item;
}

export async function editChecklistItem(ctx: ServiceContext, input: unknown) {
  const data = parseInput(editItemSchema, input);
  return ctx.db.transaction(async (tx) => {
    const item = await loadItem(tx, data.itemId);
    const { checklist, projectId } = await loadEditableChecklist(ctx, tx, item.checklistId);
    if (data.assigneeUserId) {
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, data.assigneeUserId)))
        .limit(1);
      if (!member)
        throw new AppError("bad_request:validation", "Assign the item to someone in this project", {
          assigneeUserId: ["Not a member of this project"],
        });
    }
    const [after] = await tx
      .update(checklistItems)
      .set({
        text: data.text,
        required: data.required,
        assigneeRole: data.assigneeRole,
        assigneeUserId: data.assigneeUserId,
      })
      .where(eq(checklistItems.id, item.id))
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "checklist_item.edited",
        entityType: "checklist_item",
        entityId: item.id,
        projectId,
        planId: checklist.planId,
        before: {
          text: item.text,
          required: item.required,
          assigneeRole: item.assigneeRole,
          assigneeUserId: item.assigneeUserId,
        },
        after: {
          text: after!.text,
          required: after!.required,
          assigneeRole: after!.assigneeRole,
          assigneeUserId: after!.assigneeUserId,
        },
      },
      ctx.requestId,
    );
    await notifyChecklistChange(tx, "checklist_item.edited", checklist, projectId);
    return { id: item.id };
  });
}

export async function moveChecklistItem(ctx: ServiceContext, input: unknown) {
  const data = parseInput(moveItemSchema, input);
  return ctx.db.transaction(async (tx) => {
    const item = await loadItem(tx, data.itemId);
    const { checklist, projectId } = await loadEditableChecklist(ctx, tx, item.checklistId);
    const list = await tx
      .select()
      .from(checklistItems)
      .where(eq(checklistItems.checklistId, checklist.id))
      .orderBy(asc(checklistItems.position));
    const index = list.findIndex((i) => i.id === item.id);
    const other = list[data.direction === "up" ? index - 1 : index + 1];
    if (!other)
      throw new AppError("conflict:state", `The item is already ${data.direction === "up" ? "first" : "last"}`);
    await tx.update(checklistItems).set({ position: other.position }).where(eq(checklistItems.id, item.id));
    await tx.update(checklistItems).set({ position: item.position }).where(eq(checklistItems.id, other.id));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "checklist_item.moved",
        entityType: "checklist_item",
        entityId: item.id,
        projectId,
        planId: checklist.planId,
        before: { position: item.position },
        after: { position: other.position },
      },
      ctx.requestId,
    );
    await notifyChecklistChange(tx, "checklist_item.moved", checklist, projectId);
    return { id: item.id };
  });
}
