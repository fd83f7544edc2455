import { asc, eq } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { phases, plans } from "@/db/schema";
import { AppError } from "@/lib/errors";

export type PlanRow = typeof plans.$inferSelect;
export type PhaseRow = typeof phases.$inferSelect;

export async function loadPlanForWrite(tx: Database | Tx, planId: string): Promise<PlanRow> {
  const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw new AppError("not_found:entity", "No such plan");
  return plan;
}

export async function loadPhases(tx: Database | Tx, planId: string): Promise<PhaseRow[]> {
  return tx.select().from(phases).where(eq(phases.planId, planId)).orderBy(asc(phases.position));
}
