import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { phases, plans } from "@/db/schema";
import { type AutoAdvanceVerdict, autoAdvanceVerdict } from "@/lib/domain/auto-advance";
import { AppError } from "@/lib/errors";
import { recordDecision } from "./decisions";
import { freezeSentence } from "@/lib/domain/freeze";
import { freezeStateOf } from "@/lib/reads/freezes";
import { loadGateState } from "@/lib/reads/gate";
import { breachedTriggers } from "@/lib/reads/triggers";
import { appMetrics } from "@/lib/observability/metrics";

// Phases set to advance by themselves: the timer that watches the triggers also asks each running
// plan whose active phase advances by itself whether it may now, and records the go decision as
// the system when it may. The decision claims the plan version, so with several app instances
// exactly one records it; the others find the plan changed and leave it.

const SYSTEM = { kind: "system" } as const;

export interface AutoAdvanceCheck {
  planId: string;
  phase: string;
  verdict: AutoAdvanceVerdict;
  /** Set when this call recorded the go decision. */
  decisionId?: string;
}

/** The auto-advance verdict for a plan's active phase, as the plan page shows it; null when none applies. */
export async function autoAdvanceState(
  db: Database,
  planId: string,
  now: Date = new Date(),
): Promise<{ plan: typeof plans.$inferSelect; phase: typeof phases.$inferSelect; verdict: AutoAdvanceVerdict } | null> {
  const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
  if (!plan) return null;
  const [phase] = await db
    .select()
    .from(phases)
    .where(and(eq(phases.planId, planId), eq(phases.status, "active")))
    .orderBy(asc(phases.position));
  if (!phase || !phase.autoAdvance) return null;
  const gate = plan.status === "in_progress" ? (await loadGateState(db, phase, now)).verdict : null;
  const { active } = await freezeStateOf(db, plan.projectId, now);
  const verdict = autoAdvanceVerdict({
    planStatus: plan.status,
    phase,
    gate,
    breachedTriggers: await breachedTriggers(db, planId, phase.id),
    freeze: active ? { sentence: freezeSentence(active, now), until: active.until } : null,
    now,
  });
  return { plan, phase, verdict };
}

/** Advances the plan when its active phase may advance by itself now. Exactly once across instances. */
export async function autoAdvancePlan(
  db: Database,
  planId: string,
  now: Date = new Date(),
): Promise<AutoAdvanceCheck | null> {
  const state = await autoAdvanceState(db, planId, now);
  if (!state) return null;
  const { plan, phase, verdict } = state;
  const check: AutoAdvanceCheck = { planId, phase: phase.name, verdict };
  if (!verdict.advance) return check;
  try {
    // The decision service checks the gate again inside its transaction, on the version read here.
    const result = await recordDecision(
      { db, actor: SYSTEM, requestId: null },
      { planId, version: plan.version, kind: "go", rationale: verdict.rationale },
    );
    appMetrics().autoAdvances.inc();
    return { ...check, decisionId: result.decisionId };
  } catch (error) {
    // Someone (or another instance) changed the plan first, or the gate stopped holding: next time.
    if (error instanceof AppError && (error.code === "conflict:stale_version" || error.code === "conflict:state"))
      return check;
    throw error;
  }
}

export interface AutoAdvanceSweep {
  advanced: { planId: string; phase: string; decisionId: string }[];
  failed: { planId: string; error: string }[];
}

/** The timer's pass over every running plan whose active phase advances by itself. */
export async function sweepAutoAdvance(db: Database, now?: Date): Promise<AutoAdvanceSweep> {
  const candidates = await db
    .selectDistinct({ id: plans.id })
    .from(plans)
    .innerJoin(phases, eq(phases.planId, plans.id))
    .where(and(eq(plans.status, "in_progress"), eq(phases.status, "active"), eq(phases.autoAdvance, true)));
  const result: AutoAdvanceSweep = { advanced: [], failed: [] };
  for (const { id } of candidates) {
    try {
      const check = await autoAdvancePlan(db, id, now ?? new Date());
      if (check?.decisionId) result.advanced.push({ planId: id, phase: check.phase, decisionId: check.decisionId });
    } catch (error) {
      result.failed.push({ planId: id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
