import { and, asc, desc, eq, inArray, isNotNull, isNull, or } from "drizzle-orm";
import type { Database } from "@/db/client";
import { metrics, phases, plans, rollbackTriggers, samples } from "@/db/schema";
import type { TriggerState } from "@/db/schema/enums";
import { readCanary } from "@/lib/domain/canary-data";
import type { Judgement } from "@/lib/domain/judge";
import { readJudgeSettings } from "@/lib/domain/judge-settings";
import { evaluateTrigger, judgeMissingData, staleAfterMs, type TriggerVerdict } from "@/lib/domain/triggers";
import { AppError } from "@/lib/errors";
import { canaryMinutes } from "@/lib/reads/canary-minutes";
import { metricSeries } from "@/lib/reads/series";
import { writeAudit } from "./audit";
import { recordDecision } from "./decisions";
import type { Tx } from "./context";
import { notifyOnCommit } from "./events";
import { log } from "@/lib/observability/log";
import { appMetrics } from "@/lib/observability/metrics";

// Rollback triggers are evaluated after every stored batch and by a timer (so data that stops
// arriving is noticed too). Each evaluation records the trigger's state; a change to breached or
// stale, and the recovery from either, is announced once (audit event and notification), however
// many instances evaluate at the same moment. A breached automatic trigger rolls the plan back.

const LOOKBACK_EXTRA_MS = 15 * 60_000;
const SYSTEM = { kind: "system" } as const;
const RUNNING = ["in_progress", "paused"] as const;

export interface TriggerRun {
  fired: { triggerId: string; incidentId: string | null; description: string }[];
  /** State changes this evaluation announced (others may have been announced by another instance). */
  announced: { triggerId: string; state: TriggerState; description: string }[];
}

type PlanRow = typeof plans.$inferSelect;
type PhaseRow = typeof phases.$inferSelect;
type TriggerRow = typeof rollbackTriggers.$inferSelect;

/**
 * Evaluates a running plan's triggers and, when an automatic one holds for its duration, rolls
 * the plan back as the system. Exactly once, however many instances evaluate at the same moment:
 * the rollback claims the plan version, so only one of them can win; the others find the plan
 * rolled back and stop.
 */
export async function evaluatePlanTriggers(db: Database, planId: string, now: Date = new Date()): Promise<TriggerRun> {
  const announced: TriggerRun["announced"] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const [plan] = await db.select().from(plans).where(eq(plans.id, planId));
    if (!plan || !(RUNNING as readonly string[]).includes(plan.status)) return { fired: [], announced };
    const [active] = await db
      .select()
      .from(phases)
      .where(and(eq(phases.planId, planId), eq(phases.status, "active")))
      .orderBy(asc(phases.position));
    if (!active) return { fired: [], announced };
    const triggers = await db
      .select({
        trigger: rollbackTriggers,
        direction: metrics.direction,
        metricId: metrics.id,
        label: metrics.label,
        unit: metrics.unit,
      })
      .from(rollbackTriggers)
      .innerJoin(metrics, eq(metrics.id, rollbackTriggers.metricId))
      .where(
        and(
          eq(rollbackTriggers.planId, planId),
          eq(rollbackTriggers.enabled, true),
          or(isNull(rollbackTriggers.phaseId), eq(rollbackTriggers.phaseId, active.id)),
        ),
      );
    let raced = false;
    for (const { trigger, direction, metricId, label, unit } of triggers) {
      const { verdict, judgement, change } = await judgeAndRecord(
        db,
        plan,
        active,
        trigger,
        { id: metricId, direction, label, unit },
        now,
      );
      if (change) announced.push({ triggerId: trigger.id, state: change, description: trigger.description });
      if (verdict.state !== "breached" || trigger.action !== "automatic_rollback") continue;
      try {
        const result = await recordDecision(
          { db, actor: SYSTEM, requestId: null },
          {
            planId,
            version: plan.version,
            kind: "rollback",
            rationale: `Automatic: ${trigger.description} — ${verdict.reason}`,
          },
          { triggerId: trigger.id, title: `${trigger.description} in ${active.name}`, detectedAt: now, judgement },
        );
        appMetrics().automaticRollbacks.inc({ mode: trigger.mode });
        log().warn(
          {
            planId,
            projectId: plan.projectId,
            triggerId: trigger.id,
            incidentId: result.incidentId,
            reason: verdict.reason,
          },
          `automatic rollback: ${trigger.description}`,
        );
        return {
          fired: [{ triggerId: trigger.id, incidentId: result.incidentId, description: trigger.description }],
          announced,
        };
      } catch (error) {
        // The plan changed meanwhile (another instance may have rolled it back): look again.
        if (error instanceof AppError && (error.code === "conflict:stale_version" || error.code === "conflict:state")) {
          raced = true;
          break;
        }
        throw error;
      }
    }
    if (!raced) return { fired: [], announced };
  }
  return { fired: [], announced };
}

interface WatchedMetric {
  id: string;
  direction: "lower_is_better" | "higher_is_better";
  label: string;
  unit: string;
}

interface Judged {
  verdict: TriggerVerdict;
  /** The canary judgement behind the verdict (canary_worse triggers only). */
  judgement: Judgement | null;
  /** The newest sample the verdict could use (epoch ms), for the lag metric. */
  newestAt?: number | null;
}

/** What judging one trigger reads: the trigger, its KPI, the plan's active phase and the time of the check. */
interface Watched {
  db: Database | Tx;
  trigger: TriggerRow;
  metric: WatchedMetric;
  active: PhaseRow;
  now: Date;
}

async function judge(watched: Watched): Promise<Judged> {
  const { db, trigger, metric, active, now } = watched;
  if (trigger.mode === "canary_worse") return judgeCanary(watched);
  const rule = {
    mode: trigger.mode,
    comparison: trigger.comparison,
    value: trigger.value,
    durationMinutes: trigger.durationMinutes,
    direction: metric.direction,
  };
  const from = new Date(
    Math.max(
      now.getTime() - trigger.durationMinutes * 60_000 - LOOKBACK_EXTRA_MS,
      active.actualStartAt?.getTime() ?? 0,
    ),
  );
  const series = await metricSeries(db, metric.id, from, now);
  const verdict = evaluateTrigger(rule, series.points, now);
  if (verdict.state !== "no_data") return { verdict, judgement: null, newestAt: series.points.at(-1)?.t ?? null };
  // Rules against the baseline need both cohorts: the older of the two newest samples is when
  // judging became impossible.
  const cohorts = rule.mode === "absolute" ? (["canary"] as const) : (["canary", "baseline"] as const);
  const newest: (Date | null)[] = [];
  for (const cohort of cohorts) {
    const [last] = await db
      .select({ ts: samples.ts })
      .from(samples)
      .where(and(eq(samples.metricId, metric.id), eq(samples.cohort, cohort)))
      .orderBy(desc(samples.ts))
      .limit(1);
    newest.push(last?.ts ?? null);
  }
  const lastJudgeable = newest.includes(null) ? null : new Date(Math.min(...newest.map((t) => t!.getTime())));
  return {
    verdict: judgeMissingData(lastJudgeable, active.actualStartAt, now, staleAfterMs(rule)),
    judgement: null,
    newestAt: lastJudgeable?.getTime() ?? null,
  };
}

/**
 * "Canary worse than baseline": the judge on everything both cohorts sent since the active phase
 * started. Fail is a breach (its sentence the reason); not enough data is said in words with what
 * it still needs; a feed that went quiet while undecided is stale, as for any trigger.
 */
async function judgeCanary({ db, trigger, metric, active, now }: Watched): Promise<Judged> {
  const settings = readJudgeSettings(trigger.judge, metric.unit);
  const rows = await canaryMinutes(db, metric.id, active.actualStartAt ?? now, now);
  const { judgement, newest } = readCanary(rows, {
    label: metric.label,
    unit: metric.unit,
    direction: metric.direction,
    settings,
  });
  const staleAfter = staleAfterMs({ durationMinutes: 0 });
  // A minute's row starts up to a minute before its newest sample.
  const lastJudgeable =
    newest.canary === null || newest.baseline === null
      ? null
      : new Date(Math.min(newest.canary, newest.baseline) + 60_000);
  // A fail is evidence that stays valid however late the data arrived (the interval holds at
  // every look); a feed gone quiet matters while nothing is decided.
  const newestAt = lastJudgeable?.getTime() ?? null;
  if (judgement.verdict === "fail")
    return {
      verdict: { state: "breached", since: now, observed: judgement.effect.estimate ?? 0, reason: judgement.sentence },
      judgement,
      newestAt,
    };
  const missing = judgeMissingData(lastJudgeable, active.actualStartAt, now, staleAfter);
  if (missing.state === "stale") return { verdict: missing, judgement, newestAt };
  switch (judgement.verdict) {
    case "not_enough_data":
      return { verdict: { state: "no_data", reason: judgement.sentence }, judgement, newestAt };
    default:
      return { verdict: { state: "ok" }, judgement, newestAt };
  }
}

const ANNOUNCED: Partial<Record<TriggerState, string>> = { breached: "trigger.breached", stale: "trigger.stale" };

/**
 * Judges the trigger and stores what it found, with the trigger row locked: the judging reads the
 * samples committed by then, so of two overlapping evaluations (the timer and an ingest, in any
 * processes) the later one always judges on data at least as new, and an older verdict never
 * overwrites a fresher one. Returns the verdict and, when this call changed the state in a way
 * people are told about (breached, stale, or recovered from either to ok), the new state.
 */
async function judgeAndRecord(
  db: Database,
  plan: PlanRow,
  active: PhaseRow,
  trigger: TriggerRow,
  metric: WatchedMetric,
  now: Date,
): Promise<Judged & { change: TriggerState | null }> {
  let newestAt: number | null = null;
  const judged = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ state: rollbackTriggers.state })
      .from(rollbackTriggers)
      .where(eq(rollbackTriggers.id, trigger.id))
      .for("update");
    const found = await judge({ db: tx, trigger, metric, active, now });
    const { verdict, judgement } = found;
    newestAt = found.newestAt ?? null;
    // A canary judgement keeps its sentence whatever it found ("within the 1.25× tolerated").
    const reason = verdict.state === "ok" ? (judgement?.sentence ?? null) : verdict.reason;
    if (!current) return { verdict, judgement, change: null };
    if (current.state === verdict.state) {
      await tx
        .update(rollbackTriggers)
        .set({ stateReason: reason, checkedAt: now })
        .where(eq(rollbackTriggers.id, trigger.id));
      return { verdict, judgement, change: null };
    }
    await tx
      .update(rollbackTriggers)
      .set({ state: verdict.state, stateSince: now, stateReason: reason, checkedAt: now })
      .where(eq(rollbackTriggers.id, trigger.id));
    const recovered = verdict.state === "ok" && (current.state === "breached" || current.state === "stale");
    const action = recovered ? "trigger.recovered" : ANNOUNCED[verdict.state];
    if (!action) return { verdict, judgement, change: null };
    const after = {
      description: trigger.description,
      state: verdict.state,
      reason,
      phase: active.name,
      action: trigger.action,
    };
    await writeAudit(
      tx,
      SYSTEM,
      {
        action,
        entityType: "rollback_trigger",
        entityId: trigger.id,
        projectId: plan.projectId,
        planId: plan.id,
        before: { state: current.state },
        after,
      },
      null,
    );
    await notifyOnCommit(tx, {
      type: "trigger.alert",
      projectId: plan.projectId,
      planId: plan.id,
      triggerId: trigger.id,
      ...after,
    });
    return { verdict, judgement, change: verdict.state };
  });
  const metrics = appMetrics();
  metrics.triggerEvaluations.inc({ mode: trigger.mode, state: judged.verdict.state });
  if (newestAt !== null) metrics.triggerLag.observe(Math.max(0, (now.getTime() - newestAt) / 1000));
  return judged;
}

export interface SweepResult {
  plans: number;
  fired: TriggerRun["fired"];
  announced: TriggerRun["announced"];
  failed: { planId: string; error: string }[];
}

/**
 * The timer's pass: every running plan with an enabled metric trigger is evaluated, so a breach
 * or silence is caught even when no samples arrive. One plan's failure does not stop the others.
 */
export async function sweepTriggers(db: Database, now?: Date): Promise<SweepResult> {
  const watched = await db
    .selectDistinct({ id: plans.id })
    .from(plans)
    .innerJoin(rollbackTriggers, eq(rollbackTriggers.planId, plans.id))
    .where(
      and(
        inArray(plans.status, [...RUNNING]),
        eq(rollbackTriggers.enabled, true),
        isNotNull(rollbackTriggers.metricId),
      ),
    );
  const result: SweepResult = { plans: watched.length, fired: [], announced: [], failed: [] };
  for (const { id } of watched) {
    try {
      // Each plan is judged at the moment it is reached, not when the pass began.
      const run = await evaluatePlanTriggers(db, id, now ?? new Date());
      result.fired.push(...run.fired);
      result.announced.push(...run.announced);
    } catch (error) {
      result.failed.push({ planId: id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
