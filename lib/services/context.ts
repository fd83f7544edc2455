import type { Database } from "@/db/client";
import type { Actor } from "@/lib/auth/actor";

/** What every use-case receives: the database, who acts, and the request being served. */
export interface ServiceContext {
  db: Database;
  actor: Actor;
  requestId: string | null;
}

export type { Tx } from "@/db/client";
