import { and, eq, sql } from "drizzle-orm";
import { flags, plans } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { PlanRow } from "@/lib/reads/plan-state";
import type { Tx } from "./context";

// The writes every plan change shares: claiming the version the caller saw, and moving the flags
// bound to the plan. Reading the plan and its phases is in lib/reads/plan-state.ts.

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

/** Flags bound to the plan follow its active phase: a new version makes every cache and ETag move. */
export async function touchBoundFlags(tx: Tx, planId: string): Promise<number> {
  const touched = await tx
    .update(flags)
    .set({ version: sql`${flags.version} + 1`, updatedAt: new Date() })
    .where(eq(flags.planId, planId))
    .returning({ id: flags.id });
  return touched.length;
}
