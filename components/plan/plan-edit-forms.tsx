"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { addPhaseAction, updatePhaseAction, updatePlanAction } from "@/app/plans/actions";
import { Field, inputClass, SubmitButton } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";

const day = (d: Date | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : "");

export function PlanDetailsForm({
  plan,
}: {
  plan: {
    id: string;
    version: number;
    name: string;
    releaseVersion: string;
    summary: string;
    targetStartAt: Date | null;
    targetEndAt: Date | null;
  };
}) {
  const [state, action] = useActionState<FormState, FormData>(updatePlanAction, null);
  const { errors, values: v } = failed(state);
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" noValidate>
      <input type="hidden" name="planId" value={plan.id} />
      <input type="hidden" name="version" value={plan.version} />
      <Field label="Name" name="name" defaultValue={v?.name ?? plan.name} errors={errors?.name} />
      <Field
        label="Release version"
        name="releaseVersion"
        defaultValue={v?.releaseVersion ?? plan.releaseVersion}
        errors={errors?.releaseVersion}
      />
      <Field
        label="Target start"
        name="targetStartAt"
        type="date"
        defaultValue={v?.targetStartAt ?? day(plan.targetStartAt)}
        errors={errors?.targetStartAt}
      />
      <Field
        label="Target end"
        name="targetEndAt"
        type="date"
        defaultValue={v?.targetEndAt ?? day(plan.targetEndAt)}
        errors={errors?.targetEndAt}
      />
      <div className="space-y-1 sm:col-span-2">
        <label htmlFor="plan-summary-edit" className="block text-sm font-medium">
          Summary
        </label>
        <textarea
          id="plan-summary-edit"
          name="summary"
          rows={2}
          className={inputClass}
          defaultValue={v?.summary ?? plan.summary}
        />
      </div>
      <div className="space-y-2 sm:col-span-2">
        <StaleAwareMessage state={state} />
        <SubmitButton>Save plan</SubmitButton>
      </div>
    </form>
  );
}

export interface EditablePhase {
  id: string;
  name: string;
  audience: string;
  trafficPercent: number;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
  minDurationMinutes: number;
  requiredApprovals: number;
  autoAdvance: boolean;
}

function PhaseFields({
  phase,
  errors,
  values,
}: {
  phase?: EditablePhase;
  errors?: Record<string, string[]> | undefined;
  values?: Record<string, string> | undefined;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-4">
      <Field label="Name" name="name" defaultValue={values?.name ?? phase?.name} errors={errors?.name} />
      <Field
        label="Traffic %"
        name="trafficPercent"
        type="number"
        min={0}
        max={100}
        step="0.1"
        defaultValue={values?.trafficPercent ?? phase?.trafficPercent}
        errors={errors?.trafficPercent}
      />
      <Field
        label="Planned start"
        name="plannedStartAt"
        type="date"
        defaultValue={values?.plannedStartAt ?? day(phase?.plannedStartAt)}
        errors={errors?.plannedStartAt}
      />
      <Field
        label="Planned end"
        name="plannedEndAt"
        type="date"
        defaultValue={values?.plannedEndAt ?? day(phase?.plannedEndAt)}
        errors={errors?.plannedEndAt}
      />
      <div className="sm:col-span-2">
        <Field
          label="Audience"
          name="audience"
          defaultValue={values?.audience ?? phase?.audience}
          errors={errors?.audience}
        />
      </div>
      <Field
        label="Minimum duration (min)"
        name="minDurationMinutes"
        type="number"
        min={0}
        defaultValue={values?.minDurationMinutes ?? phase?.minDurationMinutes ?? 0}
        errors={errors?.minDurationMinutes}
      />
      <Field
        label="Approvals needed"
        name="requiredApprovals"
        type="number"
        min={0}
        max={20}
        defaultValue={values?.requiredApprovals ?? phase?.requiredApprovals ?? 1}
        errors={errors?.requiredApprovals}
      />
      <label className="flex items-start gap-2 text-sm sm:col-span-4">
        <input
          type="checkbox"
          name="autoAdvance"
          className="mt-1"
          defaultChecked={values ? values.autoAdvance === "on" : (phase?.autoAdvance ?? false)}
        />
        <span>
          Advance by itself
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            Once the minimum duration has passed and the gate holds (approvals, checklists, sign-offs, every success
            criterion), Phasegate records the go decision. A breached rollback trigger holds it back.
          </span>
        </span>
      </label>
    </div>
  );
}

export function PhaseForm({ planId, version, phase }: { planId: string; version: number; phase: EditablePhase }) {
  const [state, action] = useActionState<FormState, FormData>(updatePhaseAction, null);
  return (
    <form action={action} className="space-y-2" noValidate aria-label={`Edit phase ${phase.name}`}>
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="phaseId" value={phase.id} />
      <PhaseFields phase={phase} {...failed(state)} />
      <StaleAwareMessage state={state} />
      <SubmitButton variant="secondary">Save {phase.name}</SubmitButton>
    </form>
  );
}

export function AddPhaseForm({ planId, version }: { planId: string; version: number }) {
  const [state, action] = useActionState<FormState, FormData>(addPhaseAction, null);
  return (
    <form action={action} className="space-y-2" noValidate aria-label="Add a phase">
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="version" value={version} />
      <PhaseFields {...failed(state)} />
      <StaleAwareMessage state={state} />
      <SubmitButton>Add phase at the end</SubmitButton>
    </form>
  );
}
