import { moveStepAction, removeStepAction, stepTransitionAction } from "@/app/plans/planning-actions";
import { ActionButton } from "@/components/plan/action-form";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import { Disclosure, Named } from "@/components/ui/disclosure";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { PlanStatus } from "@/db/schema/enums";
import { TERMINAL } from "@/lib/domain/lifecycle";
import {
  availableTransitions,
  canStartStep,
  checkMigrationOrder,
  describeStep,
  finishedPlanAllows,
  inRunOrder,
  MIGRATION_KINDS,
  migrationKindLabel,
  type MigrationStepStatus,
  migrationStatusLabel,
  type StepTransition,
  transitionLabel,
} from "@/lib/domain/migration-order";
import { levelLabel, severityTone } from "@/lib/domain/risk";
import { describeStepTiming, stepTiming } from "@/lib/domain/step-timing";
import { formatDuration } from "@/lib/domain/time";
import { StepForm, type StepValues } from "./migration-forms";

// The migration plan: its steps in the order they run, each with what it does, whether it can be
// undone, how long it should take, its risk and how it is validated; the controls to run it; and,
// in words, what holds a step back or breaks the order.

export interface PlanMigrationStep extends StepValues {
  position: number;
  status: MigrationStepStatus;
  startedAt: Date | null;
  validatedAt: Date | null;
  completedAt: Date | null;
}

const statusTone: Record<MigrationStepStatus, Tone> = {
  pending: "grey",
  running: "accent",
  validated: "green",
  done: "green",
  failed: "red",
  reverted: "amber",
};
const riskTone = { low: severityTone.low, medium: severityTone.medium, high: severityTone.high } as const;
const primary: readonly StepTransition[] = ["start", "complete"];

function swapKeepsOrder(steps: readonly PlanMigrationStep[], index: number, to: number): boolean {
  const a = steps[index];
  const b = steps[to];
  if (!a || !b || a.status !== "pending" || b.status !== "pending") return false;
  const order = [...steps];
  [order[index], order[to]] = [b, a];
  return checkMigrationOrder(order.map((s, i) => ({ ...s, position: i }))).ok;
}

function StepRow({
  steps,
  index,
  planId,
  planStatus,
  canEdit,
  orderHolds,
  now,
}: {
  steps: PlanMigrationStep[];
  index: number;
  planId: string;
  planStatus: PlanStatus;
  canEdit: boolean;
  orderHolds: boolean;
  now: Date;
}) {
  const step = steps[index]!;
  const number = index + 1;
  const finished = TERMINAL.includes(planStatus);
  const transitions = canEdit
    ? availableTransitions(steps, step.id).filter((t) => !finished || finishedPlanAllows(t).includes(planStatus))
    : [];
  const waiting = step.status === "pending" && !finished && orderHolds ? canStartStep(steps, step.id) : null;
  const fields = { planId, stepId: step.id };
  const timing = stepTiming(step, now);
  const timingWords = describeStepTiming(timing);
  const name = describeStep(step, number).replace(/^Step/, "step");
  return (
    <li className="space-y-2 py-3" data-testid="migration-step" data-kind={step.kind} data-status={step.status}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex items-start gap-2">
          <span
            className="mt-0.5 inline-flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold tabular-nums dark:bg-slate-800"
            aria-hidden="true"
          >
            {number}
          </span>
          <div>
            <p className="font-medium">
              <span className="sr-only">Step {number}: </span>
              {step.action}
            </p>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              <span className="font-medium text-slate-700 dark:text-slate-300">{migrationKindLabel[step.kind]}</span> ·{" "}
              {step.reversible ? "Reversible" : "Irreversible"} · about{" "}
              {formatDuration(step.expectedDurationMinutes * 60_000)}
            </p>
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge tone={riskTone[step.risk]}>{levelLabel[step.risk]} risk</Badge>
          <Badge tone={statusTone[step.status]}>{migrationStatusLabel[step.status]}</Badge>
        </div>
      </div>
      <dl className="ml-8 grid gap-x-4 text-xs text-slate-700 sm:grid-cols-[auto_1fr] dark:text-slate-300">
        <dt className="text-slate-500 dark:text-slate-400">Validation</dt>
        <dd>
          {step.validation || "None written"}
          {step.validatedAt ? (
            <>
              {" "}
              · passed <RelativeTime date={step.validatedAt} now={now} />
            </>
          ) : null}
        </dd>
        {timing ? (
          <>
            <dt className="text-slate-500 dark:text-slate-400">Started</dt>
            <dd data-testid="step-timing">
              <RelativeTime date={timing.startedAt} now={now} />
              {timingWords ? (
                <>
                  {" "}
                  ·{" "}
                  <span
                    className={
                      timing.kind !== "failed" && timing.overrunMs > 0
                        ? "font-medium text-amber-800 dark:text-amber-300"
                        : undefined
                    }
                  >
                    {timingWords}
                  </span>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {step.completedAt ? (
          <>
            <dt className="text-slate-500 dark:text-slate-400">Completed</dt>
            <dd>
              <RelativeTime date={step.completedAt} now={now} />
            </dd>
          </>
        ) : null}
      </dl>
      {waiting && !waiting.ok ? (
        <p className="ml-8 text-xs text-amber-800 dark:text-amber-300" data-testid="step-waiting">
          Waiting: {waiting.message}.
        </p>
      ) : null}
      {canEdit ? (
        <div className="ml-8 flex flex-wrap items-start gap-2">
          {transitions.map((t) => (
            <ActionButton
              key={t}
              action={stepTransitionAction}
              fields={{ ...fields, transition: t }}
              label={<Named verb={transitionLabel[t]} name={name} />}
              variant={primary.includes(t) ? "primary" : t === "fail" ? "danger" : "secondary"}
            />
          ))}
          {!finished && swapKeepsOrder(steps, index, index - 1) ? (
            <ActionButton
              action={moveStepAction}
              fields={{ ...fields, direction: "up" }}
              label={<Named verb="Move up" name={name} />}
            />
          ) : null}
          {!finished && swapKeepsOrder(steps, index, index + 1) ? (
            <ActionButton
              action={moveStepAction}
              fields={{ ...fields, direction: "down" }}
              label={<Named verb="Move down" name={name} />}
            />
          ) : null}
          {!finished && (step.status === "pending" || step.status === "failed" || step.status === "reverted") ? (
            <Disclosure summary={<Named verb="Edit" name={name} />}>
              <StepForm planId={planId} step={step} count={steps.length} />
            </Disclosure>
          ) : null}
          {!finished && (step.status === "pending" || step.status === "reverted") ? (
            <ConfirmRemove
              action={removeStepAction}
              fields={fields}
              name={`step ${number}`}
              consequence={`“${step.action}” leaves the migration plan; the steps after it move up.`}
            />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function MigrationCard({
  planId,
  planStatus,
  steps: unordered,
  canEdit,
  now,
}: {
  planId: string;
  planStatus: PlanStatus;
  steps: PlanMigrationStep[];
  canEdit: boolean;
  now: Date;
}) {
  const steps = inRunOrder(unordered);
  const order = checkMigrationOrder(steps);
  const finished = TERMINAL.includes(planStatus);
  const total = steps.reduce((n, s) => n + s.expectedDurationMinutes, 0);
  const done = steps.filter((s) => s.status === "done").length;
  return (
    <Card title="Migration plan" id="migration">
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
        Steps run in the order {MIGRATION_KINDS.join(" → ")}; an irreversible step starts only after the step before it
        is validated.
        {steps.length ? ` ${done} of ${steps.length} done; about ${formatDuration(total * 60_000)} in all.` : ""}
      </p>
      {!order.ok ? (
        <p
          role="alert"
          className="mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200"
          data-testid="migration-order-problem"
        >
          Out of order: {order.message}. Move or edit the step before running any.
        </p>
      ) : null}
      {steps.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No migration steps. Add the schema, code, backfill and cleanup steps this release needs.
        </p>
      ) : (
        <ol className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Migration steps in order">
          {steps.map((s, i) => (
            <StepRow
              key={s.id}
              steps={steps}
              index={i}
              planId={planId}
              planStatus={planStatus}
              canEdit={canEdit}
              orderHolds={order.ok}
              now={now}
            />
          ))}
        </ol>
      )}
      {canEdit && !finished ? (
        <div className="mt-3">
          <Disclosure summary="Add a step">
            <StepForm planId={planId} count={steps.length} />
          </Disclosure>
        </div>
      ) : null}
    </Card>
  );
}
