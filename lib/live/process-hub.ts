import "server-only";
import { getDb } from "@/db/client";
import { EventHub } from "./hub";

// The process's one hub, kept on globalThis like the database handle (Next.js may load this
// module in several bundles).
const key = Symbol.for("phasegate.events.hub");

export function processHub(): EventHub {
  const slot = globalThis as Record<symbol, EventHub | undefined>;
  slot[key] ??= new EventHub(getDb);
  return slot[key];
}
