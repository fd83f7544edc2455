import type { MigrationStepStatus } from "./migration-order";
import { formatDuration } from "./time";

// How long a migration step has run, or took, against the duration the plan expected: what the
// migration card says in words and what the timeline draws as a bar.

export interface StepTimes {
  status: MigrationStepStatus;
  startedAt: Date | null;
  validatedAt: Date | null;
  completedAt: Date | null;
  expectedDurationMinutes: number;
}

export type StepTiming =
  | { kind: "running"; startedAt: Date; elapsedMs: number; expectedMs: number; overrunMs: number }
  | { kind: "finished"; startedAt: Date; endedAt: Date; tookMs: number; expectedMs: number; overrunMs: number }
  | { kind: "failed"; startedAt: Date };

/** The step's timing, or null when it has not started (or its start was never recorded). */
export function stepTiming(step: StepTimes, now: Date): StepTiming | null {
  const { startedAt } = step;
  if (!startedAt) return null;
  const expectedMs = Math.max(0, step.expectedDurationMinutes) * 60_000;
  const overrun = (ms: number) => (expectedMs > 0 ? Math.max(0, ms - expectedMs) : 0);
  switch (step.status) {
    case "running":
    case "validated": {
      const elapsedMs = Math.max(0, now.getTime() - startedAt.getTime());
      return { kind: "running", startedAt, elapsedMs, expectedMs, overrunMs: overrun(elapsedMs) };
    }
    case "done": {
      if (!step.completedAt) return null;
      const tookMs = Math.max(0, step.completedAt.getTime() - startedAt.getTime());
      return { kind: "finished", startedAt, endedAt: step.completedAt, tookMs, expectedMs, overrunMs: overrun(tookMs) };
    }
    case "failed":
      return { kind: "failed", startedAt };
    case "pending":
    case "reverted":
      return null;
  }
}

/** The stretch of time to draw for the step: from its start to its end, or to now while it runs. */
export function stepSpan(timing: StepTiming | null, now: Date): { from: Date; to: Date } | null {
  if (!timing) return null;
  if (timing.kind === "running") return { from: timing.startedAt, to: now < timing.startedAt ? timing.startedAt : now };
  if (timing.kind === "finished") return { from: timing.startedAt, to: timing.endedAt };
  return null;
}

/** "running for 12 min of about 10 min: 2 min over", "took 18 min (about 20 min expected)". */
export function describeStepTiming(timing: StepTiming | null): string | null {
  if (!timing) return null;
  if (timing.kind === "failed") return null;
  const spent = timing.kind === "running" ? timing.elapsedMs : timing.tookMs;
  const head = timing.kind === "running" ? `running for ${formatDuration(spent)}` : `took ${formatDuration(spent)}`;
  if (timing.expectedMs === 0) return head;
  if (timing.overrunMs > 0)
    return `${head}, ${formatDuration(timing.overrunMs)} over the ${formatDuration(timing.expectedMs)} expected`;
  return `${head} (about ${formatDuration(timing.expectedMs)} expected)`;
}
