import type { MigrationKind, PlanStatus } from "@/db/schema/enums";

// The rules of a migration plan. Order: schema → code → backfill → cleanup, never reversed
// (new columns exist before code uses them; code writes both shapes before the backfill; the old
// shape goes only once nothing reads it). Steps run one after another, and an irreversible step
// starts or completes only once the step before it has passed its validation.

export type MigrationStepStatus = "pending" | "running" | "validated" | "done" | "failed" | "reverted";
export type StepTransition = "start" | "validate" | "complete" | "fail" | "revert";

export const MIGRATION_KINDS: readonly MigrationKind[] = ["schema", "code", "backfill", "cleanup"];

export const migrationKindLabel: Record<MigrationKind, string> = {
  schema: "Schema",
  code: "Code",
  backfill: "Backfill",
  cleanup: "Cleanup",
};

export const migrationStatusLabel: Record<MigrationStepStatus, string> = {
  pending: "Pending",
  running: "Running",
  validated: "Validated",
  done: "Done",
  failed: "Failed",
  reverted: "Reverted",
};

export const transitionLabel: Record<StepTransition, string> = {
  start: "Start",
  validate: "Mark validated",
  complete: "Complete",
  fail: "Mark failed",
  revert: "Revert",
};

export interface OrderedStep {
  id: string;
  position: number;
  kind: MigrationKind;
  action: string;
}

export interface RunnableStep extends OrderedStep {
  reversible: boolean;
  status: MigrationStepStatus;
  validatedAt: Date | null;
}

export type OrderCheck =
  | { ok: true }
  | { ok: false; message: string; stepId: string; number: number; before: { stepId: string; number: number } };
export type TransitionCheck = { ok: true; status: MigrationStepStatus } | { ok: false; message: string };

export const kindRank = (kind: MigrationKind) => MIGRATION_KINDS.indexOf(kind);

/** Steps as they run: by position, ties by id so every caller numbers them alike. */
export function inRunOrder<S extends OrderedStep>(steps: readonly S[]): S[] {
  return [...steps].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** "Step 3 'Remove the old fields' (cleanup)": the number is the step's place in the run order, from 1. */
export function describeStep(step: Pick<OrderedStep, "action" | "kind">, number: number): string {
  return `Step ${number} '${shorten(step.action)}' (${step.kind})`;
}

/** The first place where a later kind comes before an earlier one, named in words; ok when there is none. */
export function checkMigrationOrder(steps: readonly OrderedStep[]): OrderCheck {
  const ordered = inRunOrder(steps);
  for (let i = 0; i + 1 < ordered.length; i++) {
    const a = ordered[i]!;
    const b = ordered[i + 1]!;
    if (kindRank(a.kind) > kindRank(b.kind)) {
      return {
        ok: false,
        stepId: a.id,
        number: i + 1,
        before: { stepId: b.id, number: i + 2 },
        message: `${describeStep(a, i + 1)} comes before ${describeStep(b, i + 2).replace(/^Step/, "step")}: the order is ${MIGRATION_KINDS.join(" → ")}`,
      };
    }
  }
  return { ok: true };
}

/**
 * Where a new step of `kind` goes when no place is asked for: after the last step of its own or an
 * earlier kind, so the order still holds (0-based index in the run order).
 */
export function insertionIndex(steps: readonly OrderedStep[], kind: MigrationKind): number {
  const ordered = inRunOrder(steps);
  let index = 0;
  ordered.forEach((s, i) => {
    if (kindRank(s.kind) <= kindRank(kind)) index = i + 1;
  });
  return index;
}

const allowedFrom: Record<StepTransition, readonly MigrationStepStatus[]> = {
  start: ["pending", "failed", "reverted"],
  validate: ["running", "done"],
  complete: ["running", "validated"],
  fail: ["running", "validated"],
  revert: ["running", "validated", "done", "failed"],
};

const target: Record<StepTransition, MigrationStepStatus> = {
  start: "running",
  validate: "validated",
  complete: "done",
  fail: "failed",
  revert: "reverted",
};

const isValidated = (s: RunnableStep) => s.validatedAt !== null || s.status === "validated";

function notAllowed(step: RunnableStep, number: number, transition: StepTransition): string {
  const name = describeStep(step, number);
  const status = migrationStatusLabel[step.status].toLowerCase();
  switch (transition) {
    case "start":
      return `${name} is ${status}: only a pending, failed or reverted step can start`;
    case "validate":
      return step.status === "done"
        ? `${name} is already validated`
        : `${name} is ${status}: start it before marking it validated`;
    case "complete":
      return `${name} is ${status}: only a running or validated step can complete`;
    case "fail":
      return `${name} is ${status}: only a running or validated step can fail`;
    case "revert":
      return `${name} is ${status}: there is nothing to revert`;
  }
}

/** The irreversible rule: the step before must have passed its validation. */
function irreversibleProblem(ordered: readonly RunnableStep[], index: number, verb: string): string | null {
  const step = ordered[index]!;
  const previous = ordered[index - 1];
  if (step.reversible || !previous || isValidated(previous)) return null;
  return `${describeStep(step, index + 1)} is irreversible: it can ${verb} only after ${describeStep(previous, index).replace(/^Step/, "step")} is validated`;
}

/**
 * Whether `transition` may happen to the step now, and the status it leads to. Steps run in order
 * (every earlier step done first); an irreversible step starts and completes only after the step
 * before it is validated; a reverted step must be reversible and nothing after it may have started.
 */
export function checkStepTransition(
  steps: readonly RunnableStep[],
  stepId: string,
  transition: StepTransition,
): TransitionCheck {
  const ordered = inRunOrder(steps);
  const index = ordered.findIndex((s) => s.id === stepId);
  if (index < 0) return { ok: false, message: "No such step in this migration plan" };
  const step = ordered[index]!;
  const number = index + 1;
  if (!allowedFrom[transition].includes(step.status))
    return { ok: false, message: notAllowed(step, number, transition) };
  if (transition === "validate" && step.validatedAt !== null)
    return { ok: false, message: `${describeStep(step, number)} is already validated` };

  if (transition === "start") {
    const order = checkMigrationOrder(ordered);
    if (!order.ok) return { ok: false, message: `Fix the order first: ${order.message}` };
    const waiting = ordered.slice(0, index).findIndex((s) => s.status !== "done");
    if (waiting >= 0) {
      const earlier = ordered[waiting]!;
      return {
        ok: false,
        message: `${describeStep(step, number)} cannot start yet: ${describeStep(earlier, waiting + 1).replace(/^Step/, "step")} is ${migrationStatusLabel[earlier.status].toLowerCase()}, and steps run in order`,
      };
    }
  }
  if (transition === "start" || transition === "complete") {
    const problem = irreversibleProblem(ordered, index, transition);
    if (problem) return { ok: false, message: problem };
  }
  if (transition === "revert") {
    if (!step.reversible)
      return { ok: false, message: `${describeStep(step, number)} is irreversible: it cannot be reverted` };
    const laterIndex = ordered.findIndex((s, i) => i > index && s.status !== "pending" && s.status !== "reverted");
    if (laterIndex >= 0) {
      return {
        ok: false,
        message: `${describeStep(step, number)} cannot be reverted while ${describeStep(ordered[laterIndex]!, laterIndex + 1).replace(/^Step/, "step")} has started: revert that one first`,
      };
    }
  }
  return { ok: true, status: transition === "validate" && step.status === "done" ? "done" : target[transition] };
}

/** Whether the step may start now: every earlier step done, and if irreversible, the one before validated. */
export function canStartStep(steps: readonly RunnableStep[], stepId: string): TransitionCheck {
  return checkStepTransition(steps, stepId, "start");
}

/**
 * What a finished plan still allows. Structure (add, edit, remove, move) is history once the plan
 * ends. Running steps is not always: the cleanup of old fields often happens after GA, so a
 * completed plan still runs its steps; a rolled-back or cancelled one may only mark steps failed
 * or revert them.
 */
const allowedAfterFinish: Record<StepTransition, readonly PlanStatus[]> = {
  start: ["completed"],
  validate: ["completed"],
  complete: ["completed"],
  fail: ["completed", "rolled_back", "cancelled"],
  revert: ["completed", "rolled_back", "cancelled"],
};

export function finishedPlanAllows(transition: StepTransition): readonly PlanStatus[] {
  return allowedAfterFinish[transition];
}

/** The transitions a step offers right now, for the controls next to it. */
export function availableTransitions(steps: readonly RunnableStep[], stepId: string): StepTransition[] {
  return (Object.keys(allowedFrom) as StepTransition[]).filter((t) => checkStepTransition(steps, stepId, t).ok);
}
