import { and, eq, isNull } from "drizzle-orm";
import { checklistItems, checklists, phases, plans, signOffs } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import { rolesIn } from "@/lib/auth/actor";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { AppError } from "@/lib/errors";
import { signChecklistSchema, updateItemSchema } from "@/lib/validation/checklists";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";

/**
 * The checklist and its plan, locked for this change: the plan row FOR SHARE (a concurrent go
 * decision, which updates it, waits for us and then sees our change, or we see its result), the
 * checklist row FOR UPDATE (ticks, edits and sign-offs of one list run one after the other).
 */
export async function loadChecklistContext(tx: Tx, checklistId: string) {
  const [ref] = await tx.select({ planId: checklists.planId }).from(checklists).where(eq(checklists.id, checklistId));
  if (!ref) throw new AppError("not_found:entity", "No such checklist");
  const [plan] = await tx
    .select({ status: plans.status, projectId: plans.projectId })
    .from(plans)
    .where(eq(plans.id, ref.planId))
    .for("share");
  const [checklist] = await tx.select().from(checklists).where(eq(checklists.id, checklistId)).for("update");
  if (!plan || !checklist) throw new AppError("not_found:entity", "No such checklist");
  return { checklist, planStatus: plan.status, projectId: plan.projectId };
}

/** A plan that is finished, or a go/no-go list whose phase is history, can no longer change. */
export async function assertChecklistOpen(tx: Tx, checklist: typeof checklists.$inferSelect, planStatus: string) {
  if ((TERMINAL as readonly string[]).includes(planStatus))
    throw new AppError("conflict:state", "The plan is finished: its checklists are history");
  if (checklist.kind === "go_no_go" && checklist.phaseId) {
    const [phase] = await tx
      .select({ status: phases.status, name: phases.name })
      .from(phases)
      .where(eq(phases.id, checklist.phaseId));
    if (phase && phase.status !== "pending" && phase.status !== "active") {
      throw new AppError(
        "conflict:state",
        `${phase.name} is ${phase.status.replace("_", " ")}: its go/no-go list is history`,
      );
    }
  }
}

/** Ticks an item (done / n/a / blocked / reopened). Any change voids the list's sign-offs, visibly. */
/** Tells the plan's pages, once the transaction commits, that one of its checklists changed and how. */
export function notifyChecklistChange(
  tx: Tx,
  type: string,
  checklist: { id: string; planId: string },
  projectId: string,
): Promise<void> {
  return notifyOnCommit(tx, { type, projectId, planId: checklist.planId, checklistId: checklist.id });
}

export async function updateChecklistItem(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateItemSchema, input);
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [ref] = await tx
      .select({ checklistId: checklistItems.checklistId })
      .from(checklistItems)
      .where(eq(checklistItems.id, data.itemId));
    if (!ref) throw new AppError("not_found:entity", "No such checklist item");
    const { checklist, projectId, planStatus } = await loadChecklistContext(tx, ref.checklistId);
    authorize(ctx.actor, projectId, { action: "checklist:tick", scope: "checklists:write" });
    await assertChecklistOpen(tx, checklist, planStatus);
    const [item] = await tx.select().from(checklistItems).where(eq(checklistItems.id, data.itemId)).for("update");
    if (!item) throw new AppError("not_found:entity", "No such checklist item");
    const reason = data.state === "not_applicable" || data.state === "blocked" ? data.reason! : null;
    // Re-sending the same state (a retried CI call) changes nothing and voids nothing.
    if (
      item.state === data.state &&
      item.reason === reason &&
      (data.evidenceUrl === undefined || data.evidenceUrl === item.evidenceUrl) &&
      (data.evidenceNote === undefined || data.evidenceNote === item.evidenceNote)
    ) {
      return { id: item.id, key: item.key, state: item.state, signOffsVoided: 0 };
    }
    const [after] = await tx
      .update(checklistItems)
      .set({
        state: data.state,
        reason,
        evidenceUrl: data.evidenceUrl ?? (data.state === "open" ? null : item.evidenceUrl),
        evidenceNote: data.evidenceNote ?? (data.state === "open" ? null : item.evidenceNote),
        updatedById: ctx.actor.kind === "user" ? ctx.actor.userId : null,
        updatedByLabel:
          ctx.actor.kind === "token" ? `token ${ctx.actor.tokenName}` : ctx.actor.kind === "system" ? "system" : null,
        updatedAt: now,
      })
      .where(eq(checklistItems.id, item.id))
      .returning();
    const voided = await tx
      .update(signOffs)
      .set({
        voidedAt: now,
        voidedByItemId: item.id,
        voidReason: `“${item.text}” changed from ${item.state} to ${data.state}`,
      })
      .where(and(eq(signOffs.checklistId, checklist.id), isNull(signOffs.voidedAt)))
      .returning({ id: signOffs.id });
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "checklist_item.updated",
        entityType: "checklist_item",
        entityId: item.id,
        projectId,
        planId: checklist.planId,
        before: { key: item.key, state: item.state, reason: item.reason, evidenceUrl: item.evidenceUrl },
        after: {
          key: after!.key,
          state: after!.state,
          reason: after!.reason,
          evidenceUrl: after!.evidenceUrl,
          signOffsVoided: voided.length,
        },
      },
      ctx.requestId,
    );
    await notifyChecklistChange(tx, "checklist_item.updated", checklist, projectId);
    return { id: after!.id, key: after!.key, state: after!.state, signOffsVoided: voided.length };
  });
}

/** Signs a checklist in a required role; only a complete list can be signed. */
export async function signChecklist(ctx: ServiceContext, input: unknown) {
  const data = parseInput(signChecklistSchema, input);
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", "Sign-offs are given by people");
  const actor = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const { checklist, projectId, planStatus } = await loadChecklistContext(tx, data.checklistId);
    authorize(actor, projectId, { action: "checklist:sign" });
    await assertChecklistOpen(tx, checklist, planStatus);
    const live = await tx
      .select()
      .from(signOffs)
      .where(and(eq(signOffs.checklistId, checklist.id), isNull(signOffs.voidedAt)));
    if (live.some((s) => s.userId === actor.userId))
      throw new AppError(
        "conflict:state",
        "You have already signed this list; another person signs for the other roles",
      );
    const role = rolesIn(actor, projectId).find(
      (r): r is ProjectRole => checklist.requiredSignoffRoles.includes(r) && !live.some((s) => s.role === r),
    );
    if (!role) {
      const needed = checklist.requiredSignoffRoles.filter((r) => !live.some((s) => s.role === r));
      throw new AppError(
        needed.length ? "forbidden:permission" : "conflict:state",
        needed.length
          ? `This list needs a sign-off from ${needed.join(" or ")}; you hold none of those roles here`
          : "Every required sign-off is already given",
      );
    }
    const items = await tx.select().from(checklistItems).where(eq(checklistItems.checklistId, checklist.id));
    const progress = checklistProgress(items);
    if (!progress.complete)
      throw new AppError(
        "conflict:state",
        `${progress.requiredOutstanding} required item${progress.requiredOutstanding === 1 ? " is" : "s are"} not done yet; sign when the list is complete`,
      );
    const [row] = await tx
      .insert(signOffs)
      .values({ checklistId: checklist.id, userId: actor.userId, role })
      .returning();
    await writeAudit(
      tx,
      actor,
      {
        action: "checklist.signed",
        entityType: "sign_off",
        entityId: row!.id,
        projectId,
        planId: checklist.planId,
        after: { checklist: checklist.title, role },
      },
      ctx.requestId,
    );
    await notifyChecklistChange(tx, "checklist.signed", checklist, projectId);
    return { id: row!.id, role };
  });
}
