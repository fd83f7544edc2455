import type { PlanKind, PlanStatus } from "@/db/schema/enums";
import { type IncidentInstants, type IncidentStage, incidentTiming, type RollbackTargets } from "./incident-timing";
import { weekStart } from "./portfolio";

// Delivery metrics over a period of whole weeks, per project or for the whole portfolio: how often
// releases reach everyone, how long they take, how often they are rolled back, and how fast a
// rollback restores the service. Weeks start on Monday 00:00 UTC, as on the portfolio's chart;
// every instant is compared as a UTC instant, so daylight saving time never moves a release.
//
// Which week an event belongs to:
// - a release (completed or rolled back) belongs to the week its plan ended, wherever it started;
//   its lead time is charted in that same week;
// - an incident belongs to the week it was detected, whenever it was verified.

/** A plan as the metrics need it. A rollback runbook is not a release and is never counted. */
export interface DeliveryPlan {
  id: string;
  projectId: string;
  kind: PlanKind;
  status: PlanStatus;
  startedAt: Date | null;
  /** When the first phase at 100% traffic became active; null when no such phase ever did. */
  reached100At: Date | null;
  /** When the plan completed, was rolled back or was cancelled. */
  endedAt: Date | null;
}

/** A rollback's incident with its plan's rollback time targets. */
export interface DeliveryIncident extends IncidentInstants {
  id: string;
  planId: string;
  projectId: string;
  targets: RollbackTargets;
}

export interface DeliveryHistory {
  plans: readonly DeliveryPlan[];
  incidents: readonly DeliveryIncident[];
}

export interface DeliveryPeriod {
  /** Monday 00:00 UTC of each week, oldest first, epoch ms; the last holds `now`. */
  weeks: number[];
  /** The first Monday, included. */
  from: Date;
  /** The Monday after the last week, excluded. */
  to: Date;
  /** Measures incidents still running (a stage already past its target has missed it). */
  now: Date;
}

export interface DurationSummary {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface DurationWeek extends DurationSummary {
  week: number;
}

export interface ReleasesPerWeek {
  total: number;
  /** Mean over the period's weeks, the current one included although it has not ended. */
  perWeek: number;
  weeks: { week: number; completed: number }[];
}

export interface LeadTime extends DurationSummary {
  /** Completed releases in the period without a lead time: no phase at 100%, or no start recorded. */
  unmeasured: number;
  weeks: DurationWeek[];
}

export interface FailureRatio {
  rolledBack: number;
  finished: number;
  /** rolledBack ÷ finished; null when nothing finished. */
  rate: number | null;
}

export interface ChangeFailureRate extends FailureRatio {
  weeks: (FailureRatio & { week: number })[];
}

export interface TimeToRestore extends DurationSummary {
  /** Incidents detected in the period and not verified yet: outside the figures. */
  open: number;
  weeks: DurationWeek[];
}

export interface StageTargetRecord {
  stage: IncidentStage;
  /** Incidents whose stage has an outcome: it ended, or is still running past its target. */
  measured: number;
  met: number;
  /** Still running within its target, or not begun: no outcome yet. */
  pending: number;
  /** met ÷ measured; null when nothing was measured. */
  ratio: number | null;
}

export interface RollbackTargetRecord {
  incidents: number;
  stages: StageTargetRecord[];
}

export interface DeliveryMetrics {
  period: DeliveryPeriod;
  releases: ReleasesPerWeek;
  leadTime: LeadTime;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  rollbackTargets: RollbackTargetRecord;
}

export type DeliveryMetricKey = "releases" | "leadTime" | "changeFailureRate" | "timeToRestore" | "rollbackTargets";

export const DEFAULT_PERIOD_WEEKS = 12;
export const MAX_PERIOD_WEEKS = 104;
const WEEK_MS = 7 * 86_400_000;

/** The `weeks` whole weeks up to the one holding `now`; a count outside 1–104 is brought inside. */
export function deliveryPeriod(now: Date, weeks = DEFAULT_PERIOD_WEEKS): DeliveryPeriod {
  const count = Math.min(MAX_PERIOD_WEEKS, Math.max(1, Math.floor(Number.isFinite(weeks) ? weeks : 1)));
  const last = weekStart(now.getTime());
  const starts = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * WEEK_MS);
  return { weeks: starts, from: new Date(starts[0]!), to: new Date(last + WEEK_MS), now };
}

/**
 * The value below which a share `p` of the values lie, interpolated linearly between the two
 * nearest ranks (as PostgreSQL's percentile_cont): the median of 10 and 20 is 15, their p90 is 19.
 * Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`A percentile is between 0 and 1, not ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = sorted[Math.floor(rank)]!;
  const high = sorted[Math.ceil(rank)]!;
  return Math.min(high, Math.max(low, low + (high - low) * (rank - Math.floor(rank))));
}

/** When traffic first reached 100%: the start of the first phase at 100% that became active. */
export function reachedFullTrafficAt(
  phases: readonly { trafficPercent: number; actualStartAt: Date | null }[],
): Date | null {
  const starts = phases.flatMap((p) => (p.trafficPercent >= 100 && p.actualStartAt ? [p.actualStartAt.getTime()] : []));
  return starts.length ? new Date(Math.min(...starts)) : null;
}

function summarize(durations: readonly number[]): DurationSummary {
  return { count: durations.length, medianMs: percentile(durations, 0.5), p90Ms: percentile(durations, 0.9) };
}

/** The period's week holding `at`, or null when it falls outside the period (or is unknown). */
function weekOf(at: Date | null, period: DeliveryPeriod): number | null {
  if (!at) return null;
  const t = at.getTime();
  return t >= period.from.getTime() && t < period.to.getTime() ? weekStart(t) : null;
}

/** Rollouts that completed or were rolled back within the period, with the week they ended in. */
function finishedIn(plans: readonly DeliveryPlan[], period: DeliveryPeriod) {
  return plans.flatMap((plan) => {
    if (plan.kind !== "rollout" || (plan.status !== "completed" && plan.status !== "rolled_back")) return [];
    const week = weekOf(plan.endedAt, period);
    return week === null ? [] : [{ plan, week }];
  });
}

/** Per week of the period, the summary of the durations that fell in it. */
function durationWeeks(samples: readonly { week: number; ms: number }[], period: DeliveryPeriod): DurationWeek[] {
  return period.weeks.map((week) => ({ week, ...summarize(samples.filter((s) => s.week === week).map((s) => s.ms)) }));
}

const spanMs = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

/** Completed rollouts per week of the period, every week listed, by the week each plan ended. */
export function releasesPerWeek(plans: readonly DeliveryPlan[], period: DeliveryPeriod): ReleasesPerWeek {
  const completed = finishedIn(plans, period).filter((f) => f.plan.status === "completed");
  const weeks = period.weeks.map((week) => ({ week, completed: completed.filter((f) => f.week === week).length }));
  return { total: completed.length, perWeek: completed.length / period.weeks.length, weeks };
}

/** Plan start → 100% traffic for the rollouts completed in the period, by the week each ended. */
export function leadTime(plans: readonly DeliveryPlan[], period: DeliveryPeriod): LeadTime {
  const completed = finishedIn(plans, period).filter((f) => f.plan.status === "completed");
  const samples = completed.flatMap(({ plan, week }) =>
    plan.startedAt && plan.reached100At ? [{ week, ms: spanMs(plan.startedAt, plan.reached100At) }] : [],
  );
  return {
    ...summarize(samples.map((s) => s.ms)),
    unmeasured: completed.length - samples.length,
    weeks: durationWeeks(samples, period),
  };
}

function ratio(rolledBack: number, finished: number): FailureRatio {
  return { rolledBack, finished, rate: finished === 0 ? null : rolledBack / finished };
}

/** Rolled back ÷ finished (completed or rolled back) among the rollouts that ended in the period. */
export function changeFailureRate(plans: readonly DeliveryPlan[], period: DeliveryPeriod): ChangeFailureRate {
  const finished = finishedIn(plans, period);
  const failed = (list: typeof finished) => list.filter((f) => f.plan.status === "rolled_back").length;
  const weeks = period.weeks.map((week) => {
    const inWeek = finished.filter((f) => f.week === week);
    return { week, ...ratio(failed(inWeek), inWeek.length) };
  });
  return { ...ratio(failed(finished), finished.length), weeks };
}

function detectedIn(incidents: readonly DeliveryIncident[], period: DeliveryPeriod) {
  return incidents.flatMap((incident) => {
    const week = weekOf(incident.detectedAt, period);
    return week === null ? [] : [{ incident, week }];
  });
}

/** Detected → verified for the incidents detected in the period; unverified ones are counted apart. */
export function timeToRestore(incidents: readonly DeliveryIncident[], period: DeliveryPeriod): TimeToRestore {
  const detected = detectedIn(incidents, period);
  const samples = detected.flatMap(({ incident, week }) =>
    incident.verifiedAt ? [{ week, ms: spanMs(incident.detectedAt, incident.verifiedAt) }] : [],
  );
  return {
    ...summarize(samples.map((s) => s.ms)),
    open: detected.length - samples.length,
    weeks: durationWeeks(samples, period),
  };
}

const STAGES: readonly IncidentStage[] = ["decide", "execute", "verify", "total"];

/** How often each stage of the period's rollbacks kept within its plan's target. */
export function rollbackTargets(incidents: readonly DeliveryIncident[], period: DeliveryPeriod): RollbackTargetRecord {
  const timings = detectedIn(incidents, period).map(({ incident }) =>
    incidentTiming(incident, incident.targets, period.now),
  );
  const stages = STAGES.map((stage) => {
    const states = timings.flatMap((t) => t.stages.filter((s) => s.stage === stage));
    const met = states.filter((s) => s.state === "met").length;
    const measured = met + states.filter((s) => s.state === "missed" || s.overdue).length;
    return { stage, measured, met, pending: states.length - measured, ratio: measured === 0 ? null : met / measured };
  });
  return { incidents: timings.length, stages };
}

/** Every delivery metric of the period, for one project or (projectId null) the whole portfolio. */
export function deliveryMetrics(
  history: DeliveryHistory,
  period: DeliveryPeriod,
  projectId: string | null = null,
): DeliveryMetrics {
  const mine = <T extends { projectId: string }>(rows: readonly T[]) =>
    projectId === null ? rows : rows.filter((r) => r.projectId === projectId);
  const plans = mine(history.plans);
  const incidents = mine(history.incidents);
  return {
    period,
    releases: releasesPerWeek(plans, period),
    leadTime: leadTime(plans, period),
    changeFailureRate: changeFailureRate(plans, period),
    timeToRestore: timeToRestore(incidents, period),
    rollbackTargets: rollbackTargets(incidents, period),
  };
}

/** What each chart shows, in one line beside it. */
export const METRIC_DEFINITIONS: Record<DeliveryMetricKey, string> = {
  releases: "Rollouts that completed each week (a release counts in the week its plan completed).",
  leadTime:
    "Time from a rollout's start to its first phase at 100% traffic, for the rollouts completed in the period: median and 90th percentile.",
  changeFailureRate:
    "Share of the rollouts that ended in the period (completed or rolled back) that were rolled back; cancelled plans count neither way.",
  timeToRestore:
    "Time from an incident's detection to the verification of its rollback, for the incidents detected in the period: median and 90th percentile; incidents not verified yet are counted apart.",
  rollbackTargets:
    "How often each stage of a rollback (decide, execute, verify, total) kept within its plan's target; a stage still running past its target has missed it.",
};

/** Where Phasegate's figures differ from the DORA metrics of the same name. */
export const DORA_DIFFERENCES: Record<DeliveryMetricKey, string> = {
  releases:
    "DORA's deployment frequency counts every deployment to production; Phasegate counts staged rollouts that reached their last phase, so several deployments shipped in one plan count once and a rolled-back rollout does not count.",
  leadTime:
    "DORA's lead time for changes runs from a commit to its running in production; Phasegate knows neither commits nor builds and measures from the plan's start to 100% of traffic, the part of the way a staged rollout controls.",
  changeFailureRate:
    "DORA counts every deployment that degraded the service and needed remediation (rollback, hotfix or patch); Phasegate counts rollbacks only, so a failure fixed forward or an incident without a rollback is not in it.",
  timeToRestore:
    "DORA's time to restore service (now failed deployment recovery time) runs until users are served normally again; Phasegate stops at the verification that the rollback worked (traffic back, KPIs at baseline), as the person verifying records it.",
  rollbackTargets: "DORA has no such metric: these are the rollback time targets each plan sets for itself.",
};
