import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, plans, projects, webhookDeliveries, webhooks } from "@/db/schema";
import { responseExcerpt } from "@/lib/domain/fetch-failure";
import {
  type DeliveryEvent,
  buildWebhookPayload,
  deliveryHeaders,
  describeResponse,
  describeSendFailure,
  eventsToDeliver,
  isDelivered,
  retryDelayMs,
} from "@/lib/domain/webhooks";
import { WEBHOOK_SOURCE_ACTIONS } from "@/lib/domain/webhook-events";
import { type Egress, egressRequest } from "@/lib/egress/request";
import { appMetrics } from "@/lib/observability/metrics";
import { errorFields, log } from "@/lib/observability/log";

// The webhooks' dispatcher, run on a timer by every app instance. The audit trail is the outbox:
// new audit events of each enabled webhook's project become deliveries (collect), and due
// deliveries are sent (deliver). Rows are claimed with FOR UPDATE SKIP LOCKED, so however many
// instances tick at once, each event becomes one delivery per webhook and each attempt is made once.

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** A receiver that does not answer within this is recorded as failing and retried later. */
export const SEND_TIMEOUT_MS = 5_000;
/** A receiver's answer is read this far (kept for admins only) and no further. */
const ANSWER_BYTES = 4_096;
/** How long a claimed attempt is reserved: longer than any attempt can take. */
const CLAIM_LEASE_MS = 60_000;
const COLLECT_BATCH = 500;
const DELIVER_BATCH = 50;
const SEND_CONCURRENCY = 8;
/**
 * Audit ids are handed out when a change writes, not when it commits, so an event can become
 * visible after a higher id already was. The cursor only moves past events older than this;
 * newer ones are read again (and skipped as already collected) until then.
 */
const CURSOR_GRACE_MS = 60_000;

/**
 * Turns new audit events of each enabled webhook's project into deliveries. Each webhook is
 * collected in its own transaction holding its row; an instance finding it held skips it.
 * Returns how many deliveries were created.
 */
export async function collectWebhookEvents(db: Database, now: Date = new Date()): Promise<number> {
  const hooks = await db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.enabled, true));
  let created = 0;
  for (const { id } of hooks) {
    try {
      created += await collectFor(db, id, now);
    } catch (error) {
      log().error({ webhookId: id, ...errorFields(error) }, "collecting events for a webhook failed");
    }
  }
  return created;
}

async function collectFor(db: Database, webhookId: string, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const [hook] = await tx
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.enabled, true)))
      .for("update", { skipLocked: true });
    if (!hook) return 0;
    const [project] = await tx
      .select({ id: projects.id, name: projects.name })
      .from(projects)
      .where(eq(projects.id, hook.projectId));
    const events = await tx
      .select({ audit: auditEvents, planName: plans.name, releaseVersion: plans.releaseVersion })
      .from(auditEvents)
      .leftJoin(plans, eq(plans.id, auditEvents.planId))
      .where(
        and(
          eq(auditEvents.projectId, hook.projectId),
          gt(auditEvents.id, hook.cursor),
          inArray(auditEvents.action, [...WEBHOOK_SOURCE_ACTIONS]),
        ),
      )
      .orderBy(asc(auditEvents.id))
      .limit(COLLECT_BATCH);
    const rows = events.flatMap(({ audit, planName, releaseVersion }) => {
      const deliver = eventsToDeliver(audit.action, hook.events);
      if (deliver.length === 0) return [];
      const payload = buildWebhookPayload(deliver, {
        auditEventId: audit.id,
        action: audit.action,
        actorLabel: audit.actorLabel,
        at: audit.createdAt,
        project: project!,
        plan: audit.planId
          ? { id: audit.planId, name: planName ?? "A deleted plan", releaseVersion: releaseVersion ?? "" }
          : null,
        before: audit.before,
        after: audit.after,
      });
      return [{ webhookId: hook.id, auditEventId: audit.id, event: deliver[0]!, payload, nextAttemptAt: now }];
    });
    const inserted = rows.length
      ? await tx
          .insert(webhookDeliveries)
          .values(rows)
          .onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.auditEventId] })
          .returning({ id: webhookDeliveries.id })
      : [];
    const settled = now.getTime() - CURSOR_GRACE_MS;
    let cursor = events.reduce(
      (at, { audit }) => (audit.createdAt.getTime() <= settled ? Math.max(at, audit.id) : at),
      hook.cursor,
    );
    // Every relevant event after the cursor was read (the batch was not full): the cursor may also
    // pass the settled events that concern no webhook (sample batches, ticks), so the next pass
    // starts after them instead of reading past them again.
    if (events.length < COLLECT_BATCH) {
      const [latest] = await tx
        .select({ id: sql<number | null>`max(${auditEvents.id})` })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.projectId, hook.projectId),
            gt(auditEvents.id, hook.cursor),
            lte(auditEvents.createdAt, new Date(settled)),
          ),
        );
      const quiet = events.find((e) => e.audit.createdAt.getTime() > settled)?.audit.id ?? Number.POSITIVE_INFINITY;
      if (latest?.id != null) cursor = Math.max(cursor, Math.min(Number(latest.id), quiet - 1));
    }
    if (cursor > hook.cursor) await tx.update(webhooks).set({ cursor }).where(eq(webhooks.id, hook.id));
    return inserted.length;
  });
}

/**
 * Claims due deliveries of enabled webhooks: each gets its attempt counted and is reserved for
 * the lease, in one statement that skips rows another instance is claiming.
 */
async function claimDue(db: Database, now: Date, only: { deliveryId?: number } = {}): Promise<DeliveryRow[]> {
  const due = and(
    eq(webhookDeliveries.status, "pending"),
    lte(webhookDeliveries.nextAttemptAt, now),
    only.deliveryId === undefined ? undefined : eq(webhookDeliveries.id, only.deliveryId),
  );
  const candidates = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(due, eq(webhooks.enabled, true)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(DELIVER_BATCH)
    .for("update", { of: webhookDeliveries, skipLocked: true });
  return db
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(and(inArray(webhookDeliveries.id, candidates), due))
    .returning();
}

export interface DeliveryOutcome {
  deliveryId: number;
  event: string;
  status: "delivered" | "pending" | "failed";
  attempts: number;
  statusCode: number | null;
  error: string | null;
  /** The start of the receiver's answer; callers show it to administrators only. */
  responseExcerpt: string | null;
  nextAttemptAt: Date | null;
}

const notAttempted = (deliveryId: number): DeliveryOutcome => ({
  deliveryId,
  event: "",
  status: "pending",
  attempts: 0,
  statusCode: null,
  error: "Another server is sending it right now",
  responseExcerpt: null,
  nextAttemptAt: null,
});

/** One attempt at a due delivery right now ("send test", "retry now"), unless another instance holds it. */
export async function deliverNow(
  db: Database,
  deliveryId: number,
  now: Date,
  egress: Egress,
): Promise<DeliveryOutcome> {
  return (
    (await deliverClaimed(db, await claimDue(db, now, { deliveryId }), now, egress))[0] ?? notAttempted(deliveryId)
  );
}

/** Sends the due deliveries, a few at a time, and records each outcome. */
export async function deliverDueWebhooks(
  db: Database,
  now: Date = new Date(),
  egress: Egress = egressRequest,
): Promise<DeliveryOutcome[]> {
  return deliverClaimed(db, await claimDue(db, now), now, egress);
}

async function deliverClaimed(
  db: Database,
  claimed: DeliveryRow[],
  now: Date,
  egress: Egress,
): Promise<DeliveryOutcome[]> {
  if (claimed.length === 0) return [];
  const targets = await db
    .select({ id: webhooks.id, url: webhooks.url, secret: webhooks.secret })
    .from(webhooks)
    .where(inArray(webhooks.id, [...new Set(claimed.map((d) => d.webhookId))]));
  const byId = new Map(targets.map((t) => [t.id, t]));
  const outcomes: DeliveryOutcome[] = [];
  for (let i = 0; i < claimed.length; i += SEND_CONCURRENCY) {
    const batch = claimed.slice(i, i + SEND_CONCURRENCY);
    outcomes.push(
      ...(
        await Promise.all(
          batch.map(async (delivery) => {
            const target = byId.get(delivery.webhookId);
            // Deleted between claim and send: its deliveries went with it.
            if (!target) return null;
            const attempt = await send(target, delivery, egress);
            return recordAttempt(db, delivery, attempt, now);
          }),
        )
      ).filter((o): o is DeliveryOutcome => o !== null),
    );
  }
  return outcomes;
}

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** The start of the receiver's answer: a foreign body, shown to administrators only. */
  excerpt: string | null;
}

async function send(target: { url: string; secret: string }, delivery: DeliveryRow, egress: Egress): Promise<Attempt> {
  const body = JSON.stringify(delivery.payload);
  try {
    const response = await egress(target.url, {
      method: "POST",
      headers: deliveryHeaders(target.secret, body, {
        event: delivery.event as DeliveryEvent,
        deliveryId: delivery.id,
        sentAt: new Date(),
      }),
      body,
      timeoutMs: SEND_TIMEOUT_MS,
      maxResponseBytes: ANSWER_BYTES,
    });
    const excerpt = responseExcerpt(response.body);
    if (isDelivered(response.status)) return { ok: true, statusCode: response.status, error: null, excerpt };
    return {
      ok: false,
      statusCode: response.status,
      error: describeResponse(response.status, response.statusText),
      excerpt,
    };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: describeSendFailure(error, target.url, SEND_TIMEOUT_MS),
      excerpt: null,
    };
  }
}

/** Records an attempt made under this claim (a claim whose lease ran out and was taken over records nothing). */
async function recordAttempt(
  db: Database,
  delivery: DeliveryRow,
  attempt: Attempt,
  now: Date,
): Promise<DeliveryOutcome> {
  const delay = attempt.ok ? null : retryDelayMs(delivery.attempts, Math.random());
  const status = attempt.ok ? "delivered" : delay === null ? "failed" : "pending";
  appMetrics().webhookDeliveries.inc({ outcome: status === "pending" ? "retrying" : status });
  const nextAttemptAt = delay === null ? now : new Date(now.getTime() + delay);
  await db
    .update(webhookDeliveries)
    .set({
      status,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      lastResponseExcerpt: attempt.excerpt,
      nextAttemptAt,
      deliveredAt: attempt.ok ? now : null,
    })
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.attempts, delivery.attempts),
        eq(webhookDeliveries.status, "pending"),
      ),
    );
  return {
    deliveryId: delivery.id,
    event: delivery.event,
    status,
    attempts: delivery.attempts,
    statusCode: attempt.statusCode,
    error: attempt.error,
    responseExcerpt: attempt.excerpt,
    nextAttemptAt: status === "pending" ? nextAttemptAt : null,
  };
}

export interface WebhookRun {
  collected: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** The timer's pass: new events become deliveries, then every due delivery is sent. */
export async function runWebhooks(
  db: Database,
  now: Date = new Date(),
  egress: Egress = egressRequest,
): Promise<WebhookRun> {
  const collected = await collectWebhookEvents(db, now);
  const outcomes = await deliverDueWebhooks(db, now, egress);
  return {
    collected,
    delivered: outcomes.filter((o) => o.status === "delivered").length,
    retrying: outcomes.filter((o) => o.status === "pending").length,
    failed: outcomes.filter((o) => o.status === "failed").length,
  };
}
