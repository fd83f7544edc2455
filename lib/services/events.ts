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

export async function notifyOnCommit(tx: Tx, event: DomainEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`);
}
