import "server-only";
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { authorize, excerptFor } from "@/lib/auth/authorize";

/** How many of a project's latest deliveries the webhooks section lists. */
export const DELIVERY_LOG_SIZE = 50;

/** The project's webhooks (with their secrets) and the latest deliveries, for people who manage them. */
export async function listWebhooks(db: Database, actor: Actor, projectId: string) {
  authorize(actor, projectId, { action: "token:manage" });
  const hooks = await db.select().from(webhooks).where(eq(webhooks.projectId, projectId)).orderBy(asc(webhooks.name));
  const deliveries = await db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      webhookName: webhooks.name,
      event: webhookDeliveries.event,
      planName: sql<string | null>`${webhookDeliveries.payload} -> 'phasegate' -> 'plan' ->> 'name'`,
      summary: sql<string | null>`${webhookDeliveries.payload} ->> 'text'`,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      lastResponseExcerpt: webhookDeliveries.lastResponseExcerpt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhooks.projectId, projectId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(DELIVERY_LOG_SIZE);
  return {
    webhooks: hooks,
    deliveries: deliveries.map((d) => ({ ...d, lastResponseExcerpt: excerptFor(actor, d.lastResponseExcerpt) })),
  };
}
