// Rollback timing: how long an incident took to be decided, executed and verified, measured
// against the plan's targets. A stage that has begun but not ended is measured up to `now`.

export type IncidentStage = "decide" | "execute" | "verify" | "total";
export type StageState = "met" | "missed" | "in_progress" | "not_started";

export interface IncidentInstants {
  detectedAt: Date;
  decidedAt: Date | null;
  executedAt: Date | null;
  verifiedAt: Date | null;
}

export interface RollbackTargets {
  decideTargetSec: number;
  executeTargetSec: number;
  verifyTargetSec: number;
  totalTargetSec: number;
}

export interface StageTiming {
  stage: IncidentStage;
  label: string;
  /** Finished: its length; in progress: elapsed so far; not started: null. Never negative. */
  durationMs: number | null;
  targetMs: number;
  state: StageState;
  /** In progress and already past its target: it can no longer be met. */
  overdue: boolean;
}

export interface IncidentTiming {
  stages: StageTiming[];
  /** Stages that ended over their target, or are still running past it. */
  late: IncidentStage[];
  sentence: string;
}

export const STAGE_LABELS: Record<IncidentStage, string> = {
  decide: "Decide",
  execute: "Execute",
  verify: "Verify",
  total: "Total",
};

const SECOND = 1000;

/** "40 s", "3 min 10 s", "2 h 5 min", "3 d 4 h": two units at most, whole seconds. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / SECOND));
  const parts = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (s < 60) return `${s} s`;
  if (s < 3600) return parts(Math.floor(s / 60), "min", s % 60, "s");
  if (s < 86_400) return parts(Math.floor(s / 3600), "h", Math.floor((s % 3600) / 60), "min");
  return parts(Math.floor(s / 86_400), "d", Math.floor((s % 86_400) / 3600), "h");
}

function measure(stage: IncidentStage, from: Date | null, to: Date | null, targetSec: number, now: Date): StageTiming {
  const targetMs = targetSec * SECOND;
  const base = { stage, label: STAGE_LABELS[stage], targetMs };
  if (!from) return { ...base, durationMs: null, state: "not_started", overdue: false };
  if (!to) {
    const elapsed = Math.max(0, now.getTime() - from.getTime());
    return { ...base, durationMs: elapsed, state: "in_progress", overdue: elapsed > targetMs };
  }
  const durationMs = Math.max(0, to.getTime() - from.getTime());
  // Within target means at most the target: "decide < 5 min" is met by a decision at 5:00.
  return { ...base, durationMs, state: durationMs <= targetMs ? "met" : "missed", overdue: false };
}

const done: Record<IncidentStage, string> = {
  decide: "Decided in",
  execute: "Executed in",
  verify: "Verified in",
  total: "Total",
};
const running: Record<IncidentStage, string> = {
  decide: "Deciding for",
  execute: "Executing for",
  verify: "Verifying for",
  total: "Total so far",
};
const waiting: Record<IncidentStage, string> = {
  decide: "Not decided yet",
  execute: "Not executed yet",
  verify: "Not verified yet",
  total: "Total not started",
};

function describeStage(t: StageTiming): string {
  const target = formatSpan(t.targetMs);
  if (t.state === "not_started" || t.durationMs === null) return `${waiting[t.stage]} (target ${target})`;
  const length = formatSpan(t.durationMs);
  if (t.state === "in_progress") {
    const head = t.stage === "total" ? `${running.total} ${length}` : `${running[t.stage]} ${length} so far`;
    return t.overdue
      ? `${head} (target ${target}, over by ${formatSpan(t.durationMs - t.targetMs)})`
      : `${head} (target ${target})`;
  }
  const head = `${done[t.stage]} ${length}`;
  return t.state === "missed"
    ? `${head} (target ${target}, over by ${formatSpan(t.durationMs - t.targetMs)})`
    : `${head} (target ${target})`;
}

/** The four stages of a rollback against the plan's targets, and the same in one sentence. */
export function incidentTiming(instants: IncidentInstants, targets: RollbackTargets, now: Date): IncidentTiming {
  const { detectedAt, decidedAt, executedAt, verifiedAt } = instants;
  const stages = [
    measure("decide", detectedAt, decidedAt, targets.decideTargetSec, now),
    measure("execute", decidedAt, executedAt, targets.executeTargetSec, now),
    measure("verify", executedAt, verifiedAt, targets.verifyTargetSec, now),
    measure("total", detectedAt, verifiedAt, targets.totalTargetSec, now),
  ];
  const late = stages.filter((s) => s.state === "missed" || s.overdue).map((s) => s.stage);
  return { stages, late, sentence: stages.map(describeStage).join(" · ") };
}
