import { and, eq } from "drizzle-orm";
import { migrationSteps } from "@/db/schema";
import {
  checkMigrationOrder,
  checkStepTransition,
  describeStep,
  finishedPlanAllows,
  inRunOrder,
  insertionIndex,
  type StepTransition,
} from "@/lib/domain/migration-order";
import { AppError } from "@/lib/errors";
import {
  addStepSchema,
  moveStepSchema,
  removeStepSchema,
  stepTransitionSchema,
  updateStepSchema,
} from "@/lib/validation/planning";
import { parseInput } from "@/lib/validation/parse";
import type { ServiceContext, Tx } from "./context";
import { changePlanning, refuse } from "./planning";

// A plan's migration steps: their order (schema → code → backfill → cleanup, never reversed) and
// their run (start → mark validated → complete, or fail / revert). Every change is judged by the
// pure rules of lib/domain/migration-order.ts against the steps as stored, under the plan's lock;
// what a finished plan still allows is decided there too (finishedPlanAllows).

type StepRow = typeof migrationSteps.$inferSelect;

const NEED = { action: "migration:edit", what: "its migration plan" } as const;

/** What a step form sets, as the step row stores it. */
const stepColumns = (
  s: Pick<StepRow, "kind" | "action" | "reversible" | "expectedDurationMinutes" | "risk" | "validation">,
) => ({
  kind: s.kind,
  action: s.action,
  reversible: s.reversible,
  expectedDurationMinutes: s.expectedDurationMinutes,
  risk: s.risk,
  validation: s.validation,
});

const stepView = (s: StepRow) => ({ position: s.position, ...stepColumns(s), status: s.status });

async function loadSteps(tx: Tx, planId: string): Promise<StepRow[]> {
  return inRunOrder(await tx.select().from(migrationSteps).where(eq(migrationSteps.planId, planId)));
}

function findStep(steps: readonly StepRow[], stepId: string) {
  const index = steps.findIndex((s) => s.id === stepId);
  if (index < 0) throw new AppError("not_found:entity", "No such migration step in this plan");
  return { step: steps[index]!, index, number: index + 1 };
}

/**
 * Stores each step at its new place. Positions are unique per plan, so the rows that move pass
 * through negative places first and no two ever hold the same one.
 */
async function place(tx: Tx, moves: readonly { step: StepRow; to: number }[]) {
  const moving = moves.filter((m) => m.step.position !== m.to);
  for (const [i, m] of moving.entries())
    await tx
      .update(migrationSteps)
      .set({ position: -(i + 1) })
      .where(eq(migrationSteps.id, m.step.id));
  for (const m of moving)
    await tx.update(migrationSteps).set({ position: m.to }).where(eq(migrationSteps.id, m.step.id));
}

/** New or moved steps go only where nothing has started yet: what ran keeps its place. */
function startedFrom(steps: readonly StepRow[], index: number) {
  const at = steps.findIndex((s, i) => i >= index && s.status !== "pending");
  return at < 0 ? null : { step: steps[at]!, number: at + 1 };
}

export async function addMigrationStep(ctx: ServiceContext, input: unknown) {
  const data = parseInput(addStepSchema, input);
  const field = data.position !== undefined ? "position" : "kind";
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const steps = await loadSteps(tx, plan.id);
    if (data.position !== undefined && data.position > steps.length + 1)
      refuse({ position: [`Choose a step number from 1 to ${steps.length + 1}`] });
    const index = data.position !== undefined ? data.position - 1 : insertionIndex(steps, data.kind);
    const draft = { id: "", position: index, kind: data.kind, action: data.action };
    const check = checkMigrationOrder(
      [...steps.slice(0, index), draft, ...steps.slice(index)].map((s, i) => ({ ...s, position: i })),
    );
    if (!check.ok) refuse({ [field]: [check.message] });
    const started = startedFrom(steps, index);
    if (started)
      refuse({
        [field]: [`${describeStep(started.step, started.number)} has already started: a new step cannot go before it`],
      });
    await place(
      tx,
      steps.map((step, i) => ({ step, to: i < index ? i : i + 1 })),
    );
    const [row] = await tx
      .insert(migrationSteps)
      .values({ planId: plan.id, position: index, ...stepColumns(data) })
      .returning();
    return {
      result: { stepId: row!.id, number: index + 1 },
      audit: { action: "migration_step.added", entityType: "migration_step", entityId: row!.id, after: stepView(row!) },
    };
  });
}

const EDITABLE: readonly StepRow["status"][] = ["pending", "failed", "reverted"];

/** What a step does and how it is checked may change until it runs again; a running or finished step is history. */
export async function updateMigrationStep(ctx: ServiceContext, input: unknown) {
  const data = parseInput(updateStepSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const steps = await loadSteps(tx, plan.id);
    const { step, index, number } = findStep(steps, data.stepId);
    if (!EDITABLE.includes(step.status))
      throw new AppError(
        "conflict:state",
        `${describeStep(step, number)} is ${step.status}: only a pending, failed or reverted step can be edited`,
      );
    if (data.kind !== step.kind) {
      const check = checkMigrationOrder(
        steps.map((s, i) => (i === index ? { ...s, kind: data.kind, action: data.action } : s)),
      );
      if (!check.ok) refuse({ kind: [check.message] });
    }
    const [after] = await tx
      .update(migrationSteps)
      .set(stepColumns(data))
      .where(eq(migrationSteps.id, step.id))
      .returning();
    return {
      result: { stepId: step.id },
      audit: {
        action: "migration_step.updated",
        entityType: "migration_step",
        entityId: step.id,
        before: stepView(step),
        after: stepView(after!),
      },
    };
  });
}

/** Only a step that never ran, or was reverted, can go; the steps after it close the gap. */
export async function removeMigrationStep(ctx: ServiceContext, input: unknown) {
  const data = parseInput(removeStepSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const steps = await loadSteps(tx, plan.id);
    const { step, index, number } = findStep(steps, data.stepId);
    if (step.status !== "pending" && step.status !== "reverted")
      throw new AppError(
        "conflict:state",
        `${describeStep(step, number)} is ${step.status}: only a pending or reverted step can be removed`,
      );
    await tx.delete(migrationSteps).where(and(eq(migrationSteps.id, step.id), eq(migrationSteps.planId, plan.id)));
    await place(
      tx,
      steps.filter((s) => s.id !== step.id).map((s, i) => ({ step: s, to: i })),
    );
    return {
      result: { stepId: step.id },
      audit: {
        action: "migration_step.removed",
        entityType: "migration_step",
        entityId: step.id,
        before: { ...stepView(step), number: index + 1 },
      },
    };
  });
}

/** Swaps a pending step with its neighbour, refused in words when the kinds would then run out of order. */
export async function moveMigrationStep(ctx: ServiceContext, input: unknown) {
  const data = parseInput(moveStepSchema, input);
  return changePlanning(ctx, data.planId, NEED, async ({ tx, plan }) => {
    const steps = await loadSteps(tx, plan.id);
    const { step, index, number } = findStep(steps, data.stepId);
    const to = data.direction === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= steps.length)
      throw new AppError(
        "conflict:state",
        `${describeStep(step, number)} is already ${data.direction === "up" ? "first" : "last"}`,
      );
    for (const [s, n] of [
      [step, number],
      [steps[to]!, to + 1],
    ] as const) {
      if (s.status !== "pending")
        throw new AppError("conflict:state", `${describeStep(s, n)} is ${s.status}: only pending steps change places`);
    }
    const order = [...steps];
    [order[index], order[to]] = [order[to]!, order[index]!];
    const check = checkMigrationOrder(order.map((s, i) => ({ ...s, position: i })));
    if (!check.ok)
      throw new AppError(
        "conflict:state",
        `Moving ${describeStep(step, number).replace(/^Step/, "step")} ${data.direction} would break the order. ${check.message}`,
      );
    await place(
      tx,
      order.map((s, i) => ({ step: s, to: i })),
    );
    return {
      result: { stepId: step.id, number: to + 1 },
      audit: {
        action: "migration_step.moved",
        entityType: "migration_step",
        entityId: step.id,
        before: { number, action: step.action },
        after: { number: to + 1 },
      },
    };
  });
}

const pastTense: Record<StepTransition, string> = {
  start: "started",
  validate: "validated",
  complete: "completed",
  fail: "failed",
  revert: "reverted",
};

/**
 * Start, mark validated, complete, mark failed or revert one step, as the pure rules allow: steps
 * run in order, and an irreversible step starts and completes only after the step before it is
 * validated. A new run (start) or an undo (fail, revert) clears the step's validation and completion.
 */
export async function transitionMigrationStep(ctx: ServiceContext, input: unknown) {
  const data = parseInput(stepTransitionSchema, input);
  return changePlanning(
    ctx,
    data.planId,
    { ...NEED, allowWhen: finishedPlanAllows(data.transition) },
    async ({ tx, plan }) => {
      const steps = await loadSteps(tx, plan.id);
      const { step, number } = findStep(steps, data.stepId);
      const check = checkStepTransition(steps, step.id, data.transition);
      if (!check.ok) throw new AppError("conflict:state", check.message);
      const now = new Date();
      const patch: Partial<typeof migrationSteps.$inferInsert> = { status: check.status };
      if (data.transition === "validate") patch.validatedAt = now;
      if (data.transition === "complete") patch.completedAt = now;
      if (data.transition === "start" || data.transition === "fail" || data.transition === "revert")
        Object.assign(patch, { validatedAt: null, completedAt: null });
      // A run's start is kept through a failure (how long it ran), and gone once the step is undone.
      if (data.transition === "start") patch.startedAt = now;
      if (data.transition === "revert") patch.startedAt = null;
      const [after] = await tx.update(migrationSteps).set(patch).where(eq(migrationSteps.id, step.id)).returning();
      return {
        result: { stepId: step.id, status: after!.status },
        audit: {
          action: `migration_step.${pastTense[data.transition]}`,
          entityType: "migration_step",
          entityId: step.id,
          before: { number, action: step.action, status: step.status },
          after: {
            status: after!.status,
            startedAt: after!.startedAt,
            validatedAt: after!.validatedAt,
            completedAt: after!.completedAt,
          },
        },
      };
    },
  );
}
