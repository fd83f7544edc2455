import { randomBytes } from "node:crypto";
import { and, desc, eq, max, ne } from "drizzle-orm";
import { auditEvents, projects, webhookDeliveries, webhooks } from "@/db/schema";
import { buildTestPayload } from "@/lib/domain/webhooks";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse";
import { createWebhookSchema, deliveryIdSchema, updateWebhookSchema, webhookIdSchema } from "@/lib/validation/webhooks";
import { writeAudit } from "./audit";
import { authorize, excerptFor } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import { assertDestinationAllowed } from "./destinations";
import { deliverNow } from "./webhook-dispatch";
import { type Egress, egressRequest } from "@/lib/egress/request";

export {
  collectWebhookEvents,
  type DeliveryOutcome,
  deliverDueWebhooks,
  runWebhooks,
  SEND_TIMEOUT_MS,
  type WebhookRun,
} from "./webhook-dispatch";

// Outgoing webhooks of a project, managed by whoever manages its API tokens (release managers):
// both hand the project's events to other systems. Sending is the dispatcher's (webhook-dispatch.ts),
// run on a timer; "send test" and "retry now" make one attempt at once through it.

type WebhookRow = typeof webhooks.$inferSelect;

const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

// A Slack webhook URL is itself a credential: the audit trail (read by approvers too) keeps the host only.
const audited = (w: Pick<WebhookRow, "name" | "url" | "events" | "enabled">) => ({
  name: w.name,
  destination: new URL(w.url).host,
  events: w.events,
  enabled: w.enabled,
});

const nameTaken = (name: string) =>
  new AppError("bad_request:validation", `name: another webhook in this project is called “${name}”`, {
    name: [`Another webhook in this project is called “${name}”`],
  });

async function assertNameFree(tx: Tx, projectId: string, name: string, exceptId: string | null) {
  const [clash] = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(eq(webhooks.projectId, projectId), eq(webhooks.name, name), exceptId ? ne(webhooks.id, exceptId) : undefined),
    );
  if (clash) throw nameTaken(name);
}

/** The newest audit event: a new or re-enabled webhook receives only what happens after it. */
async function latestAuditId(tx: Tx): Promise<number> {
  const [row] = await tx.select({ id: max(auditEvents.id) }).from(auditEvents);
  return Number(row?.id ?? 0);
}

async function lockWebhook(ctx: ServiceContext, tx: Tx, webhookId: string): Promise<WebhookRow> {
  const [hook] = await tx.select().from(webhooks).where(eq(webhooks.id, webhookId)).for("update");
  if (!hook) throw new AppError("not_found:entity", "No webhook with this id");
  authorize(ctx.actor, hook.projectId, { action: "token:manage" });
  return hook;
}

export async function createWebhook(ctx: ServiceContext, input: unknown) {
  const data = parseInput(createWebhookSchema, input);
  authorize(ctx.actor, data.projectId, { action: "token:manage" });
  await assertDestinationAllowed(data.url, "url");
  try {
    return await ctx.db.transaction(async (tx) => {
      const [project] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, data.projectId));
      if (!project) throw new AppError("not_found:entity", "No project with this id");
      await assertNameFree(tx, data.projectId, data.name, null);
      const [hook] = await tx
        .insert(webhooks)
        .values({ ...data, secret: newSecret(), cursor: await latestAuditId(tx) })
        .returning();
      await writeAudit(
        tx,
        ctx.actor,
        {
          action: "webhook.created",
          entityType: "webhook",
          entityId: hook!.id,
          projectId: data.projectId,
          after: audited(hook!),
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "webhook.created", projectId: data.projectId, webhookId: hook!.id });
      return hook!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(data.name);
    throw error;
  }
}

/** Changes name, URL, events or enabled. Enabling again starts from now: what happened while off is not sent. */
export async function updateWebhook(ctx: ServiceContext, input: unknown) {
  const { webhookId, ...changes } = parseInput(updateWebhookSchema, input);
  try {
    return await ctx.db.transaction(async (tx) => {
      const before = await lockWebhook(ctx, tx, webhookId);
      const set: Partial<typeof webhooks.$inferInsert> = {};
      if (changes.name !== undefined && changes.name !== before.name) set.name = changes.name;
      if (changes.url !== undefined && changes.url !== before.url) {
        await assertDestinationAllowed(changes.url, "url");
        set.url = changes.url;
      }
      if (changes.events !== undefined && changes.events.join() !== before.events.join()) set.events = changes.events;
      if (changes.enabled !== undefined && changes.enabled !== before.enabled) set.enabled = changes.enabled;
      if (Object.keys(set).length === 0) return before;
      if (set.name !== undefined) await assertNameFree(tx, before.projectId, set.name, before.id);
      if (set.enabled === true) set.cursor = await latestAuditId(tx);
      const [after] = await tx.update(webhooks).set(set).where(eq(webhooks.id, webhookId)).returning();
      await writeAudit(
        tx,
        ctx.actor,
        {
          action: "webhook.updated",
          entityType: "webhook",
          entityId: webhookId,
          projectId: before.projectId,
          before: audited(before),
          after: audited(after!),
        },
        ctx.requestId,
      );
      await notifyOnCommit(tx, { type: "webhook.updated", projectId: before.projectId, webhookId });
      return after!;
    });
  } catch (error) {
    if (isUniqueViolation(error) && typeof changes.name === "string") throw nameTaken(changes.name);
    throw error;
  }
}

/** Deletes a webhook and its delivery log; deliveries not yet sent are dropped. */
export async function deleteWebhook(ctx: ServiceContext, input: unknown) {
  const { webhookId } = parseInput(webhookIdSchema, input);
  return ctx.db.transaction(async (tx) => {
    const hook = await lockWebhook(ctx, tx, webhookId);
    await tx.delete(webhooks).where(eq(webhooks.id, webhookId));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "webhook.deleted",
        entityType: "webhook",
        entityId: webhookId,
        projectId: hook.projectId,
        before: audited(hook),
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "webhook.deleted", projectId: hook.projectId, webhookId });
    return { id: webhookId, name: hook.name };
  });
}

/** A new secret takes effect at once, for retries of earlier events too; the old one stops verifying. */
export async function rotateWebhookSecret(ctx: ServiceContext, input: unknown) {
  const { webhookId } = parseInput(webhookIdSchema, input);
  return ctx.db.transaction(async (tx) => {
    const hook = await lockWebhook(ctx, tx, webhookId);
    const [after] = await tx
      .update(webhooks)
      .set({ secret: newSecret() })
      .where(eq(webhooks.id, webhookId))
      .returning();
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "webhook.secret_rotated",
        entityType: "webhook",
        entityId: webhookId,
        projectId: hook.projectId,
        after: { name: hook.name },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "webhook.updated", projectId: hook.projectId, webhookId });
    return after!;
  });
}

export interface SendOptions {
  now?: Date;
  /** Tests only: how requests leave the server (the egress guard by default). */
  egress?: Egress;
}

/**
 * Sends a test message now (audited: its audit event is what the delivery is made from) and
 * returns how it went; a failure is retried on the usual schedule like any delivery.
 */
export async function sendTestEvent(
  ctx: ServiceContext,
  input: unknown,
  { now = new Date(), egress = egressRequest }: SendOptions = {},
) {
  const { webhookId } = parseInput(webhookIdSchema, input);
  const deliveryId = await ctx.db.transaction(async (tx) => {
    const hook = await lockWebhook(ctx, tx, webhookId);
    if (!hook.enabled)
      throw new AppError("conflict:state", `“${hook.name}” is switched off: switch it on to send a test event`);
    const [project] = await tx
      .select({ id: projects.id, name: projects.name })
      .from(projects)
      .where(eq(projects.id, hook.projectId));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "webhook.tested",
        entityType: "webhook",
        entityId: hook.id,
        projectId: hook.projectId,
        after: { name: hook.name },
      },
      ctx.requestId,
    );
    const [audit] = await tx
      .select({ id: auditEvents.id, actorLabel: auditEvents.actorLabel })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "webhook.tested"), eq(auditEvents.entityId, hook.id)))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    const payload = buildTestPayload({
      auditEventId: audit!.id,
      webhookName: hook.name,
      project: project!,
      actorLabel: audit!.actorLabel,
      at: now,
    });
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ webhookId: hook.id, auditEventId: audit!.id, event: "test", payload, nextAttemptAt: now })
      .returning({ id: webhookDeliveries.id });
    await notifyOnCommit(tx, { type: "webhook.tested", projectId: hook.projectId, webhookId: hook.id });
    return delivery!.id;
  });
  const outcome = await deliverNow(ctx.db, deliveryId, now, egress);
  return { ...outcome, responseExcerpt: excerptFor(ctx.actor, outcome.responseExcerpt) };
}

/** "Retry now" for a failed delivery: one more attempt at once; if it fails too it stays failed. */
export async function retryDelivery(
  ctx: ServiceContext,
  input: unknown,
  { now = new Date(), egress = egressRequest }: SendOptions = {},
) {
  const { deliveryId } = parseInput(deliveryIdSchema, input);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        delivery: webhookDeliveries,
        projectId: webhooks.projectId,
        name: webhooks.name,
        enabled: webhooks.enabled,
      })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .for("update", { of: webhookDeliveries });
    if (!row) throw new AppError("not_found:entity", "No delivery with this number");
    authorize(ctx.actor, row.projectId, { action: "token:manage" });
    if (row.delivery.status !== "failed")
      throw new AppError(
        "conflict:state",
        row.delivery.status === "delivered"
          ? "This delivery has already arrived"
          : "This delivery is still being tried; wait for its next attempt",
      );
    if (!row.enabled) throw new AppError("conflict:state", `“${row.name}” is switched off: switch it on to retry`);
    await tx
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: now })
      .where(eq(webhookDeliveries.id, deliveryId));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "webhook_delivery.retried",
        entityType: "webhook_delivery",
        entityId: String(deliveryId),
        projectId: row.projectId,
        after: { webhook: row.name, event: row.delivery.event, attempts: row.delivery.attempts },
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, {
      type: "webhook.delivery_retried",
      projectId: row.projectId,
      webhookId: row.delivery.webhookId,
    });
  });
  const outcome = await deliverNow(ctx.db, deliveryId, now, egress);
  return { ...outcome, responseExcerpt: excerptFor(ctx.actor, outcome.responseExcerpt) };
}
