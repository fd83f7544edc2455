import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { flags, phases, plans } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { Tx } from "./context";

export type PlanRow = typeof plans.$inferSelect;
export type PhaseRow = typeof phases.$inferSelect;

/**
 * Claims the plan at the version the caller saw: bumps it or refuses with 409. Concurrent
 * writers queue on the row; after the first commits, the others no longer match and are refused.
 */
export async function claimPlanVersion(tx: Tx, planId: string, version: number): Promise<PlanRow> {
  const [claimed] = await tx
    .update(plans)
    .set({ version: sql`${plans.version} + 1`, updatedAt: new Date() })
    .where(and(eq(plans.id, planId), eq(plans.version, version)))
    .returning();
  if (claimed) return claimed;
  const [current] = await tx.select({ version: plans.version }).from(plans).where(eq(plans.id, planId));
  if (!current) throw new AppError("not_found:entity", "No such plan");
  throw new AppError(
    "conflict:stale_version",
    `The plan changed since you loaded it (you saw version ${version}, it is now ${current.version}) — reload and decide again`,
  );
}

export async function loadPlanForWrite(tx: Database | Tx, planId: string): Promise<PlanRow> {
  const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw new AppError("not_found:entity", "No such plan");
  return plan;
}

export async function loadPhases(tx: Database | Tx, planId: string): Promise<PhaseRow[]> {
  return tx.select().from(phases).where(eq(phases.planId, planId)).orderBy(asc(phases.position));
}

/** Flags bound to the plan follow its active phase: a new version makes every cache and ETag move. */
export async function touchBoundFlags(tx: Tx, planId: string): Promise<number> {
  const touched = await tx
    .update(flags)
    .set({ version: sql`${flags.version} + 1`, updatedAt: new Date() })
    .where(eq(flags.planId, planId))
    .returning({ id: flags.id });
  return touched.length;
}
