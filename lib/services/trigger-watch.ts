import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metrics, phases, plans, rollbackTriggers } from "@/db/schema";
import { evaluateTrigger } from "@/lib/domain/triggers";
import { AppError } from "@/lib/errors";
import { metricSeries } from "@/lib/queries/metrics";
import { recordDecision } from "./decisions";

const LOOKBACK_EXTRA_MS = 15 * 60_000;

export interface TriggerRun {
  fired: { triggerId: string; incidentId: string | null; description: string }[];
}

/**
 * Evaluates a running plan's automatic rollback triggers and, when one holds for its duration,
 * rolls the plan back as the system. Exactly once, however many instances evaluate at the same
 * moment: the rollback claims the plan version, so only one of them can win; the others find
 * the plan rolled back and stop.
 */
export async function evaluatePlanTriggers(db: Database, planId: string, now: Date = new Date()): Promise<TriggerRun> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
    if (!plan || (plan.status !== "in_progress" && plan.status !== "paused")) return { fired: [] };
    const [active] = await db.select().from(phases).where(and(eq(phases.planId, planId), eq(phases.status, "active"))).orderBy(asc(phases.position));
    if (!active) return { fired: [] };
    const triggers = await db
      .select({ trigger: rollbackTriggers, direction: metrics.direction, metricId: metrics.id })
      .from(rollbackTriggers)
      .innerJoin(metrics, eq(metrics.id, rollbackTriggers.metricId))
      .where(and(eq(rollbackTriggers.planId, planId), eq(rollbackTriggers.enabled, true), eq(rollbackTriggers.action, "automatic_rollback"), or(isNull(rollbackTriggers.phaseId), eq(rollbackTriggers.phaseId, active.id))));
    let raced = false;
    for (const { trigger, direction, metricId } of triggers) {
      const from = new Date(Math.max(now.getTime() - trigger.durationMinutes * 60_000 - LOOKBACK_EXTRA_MS, active.actualStartAt?.getTime() ?? 0));
      const series = await metricSeries(db, metricId, from, now);
      const verdict = evaluateTrigger({ mode: trigger.mode, comparison: trigger.comparison, value: trigger.value, durationMinutes: trigger.durationMinutes, direction }, series.points, now);
      if (verdict.state !== "breached") continue;
      try {
        const result = await recordDecision(
          { db, actor: { kind: "system" }, requestId: null },
          { planId, version: plan.version, kind: "rollback", rationale: `Automatic: ${trigger.description} — ${verdict.reason}` },
          { triggerId: trigger.id, title: `${trigger.description} in ${active.name}`, detectedAt: now },
        );
        return { fired: [{ triggerId: trigger.id, incidentId: result.incidentId, description: trigger.description }] };
      } catch (error) {
        // The plan changed meanwhile (another instance may have rolled it back): look again.
        if (error instanceof AppError && (error.code === "conflict:stale_version" || error.code === "conflict:state")) {
          raced = true;
          break;
        }
        throw error;
      }
    }
    if (!raced) return { fired: [] };
  }
  return { fired: [] };
}
