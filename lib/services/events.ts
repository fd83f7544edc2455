import { sql } from "drizzle-orm";
import type { Tx } from "./context";

// Cross-instance signals go through PostgreSQL. NOTIFY inside the transaction is delivered only
// when it commits, so listeners never hear of a change that was rolled back.

export const EVENTS_CHANNEL = "phasegate_events";

export interface DomainEvent {
  type: string;
  projectId: string;
  planId?: string;
  [key: string]: unknown;
}

// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more, which would abort the transaction:
// a long event keeps only what listeners route by.
const MAX_PAYLOAD_BYTES = 7_500;

export function eventPayload(event: DomainEvent): string {
  const text = JSON.stringify(event);
  if (Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return text;
  return JSON.stringify({
    type: event.type,
    projectId: event.projectId,
    ...(event.planId ? { planId: event.planId } : {}),
    truncated: true,
  });
}

export async function notifyOnCommit(tx: Tx, event: DomainEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${eventPayload(event)})`);
}
