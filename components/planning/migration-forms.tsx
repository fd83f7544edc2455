"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { addStepAction, updateStepAction } from "@/app/plans/planning-actions";
import { Field, type Option, SelectField, SubmitButton } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";
import { failed } from "@/lib/actions/form-state";
import { Hidden } from "@/components/forms/fields";
import type { MigrationKind, RiskLevel } from "@/db/schema/enums";
import { MIGRATION_KINDS, migrationKindLabel } from "@/lib/domain/migration-order";
import { levelLabel, RISK_LEVELS } from "@/lib/domain/risk";

// Adding and editing a migration step. The server keeps the order schema → code → backfill →
// cleanup and says in words which step a change would put out of order.

export interface StepValues {
  id: string;
  kind: MigrationKind;
  action: string;
  reversible: boolean;
  expectedDurationMinutes: number;
  risk: RiskLevel;
  validation: string;
}

const kindOptions: Option[] = MIGRATION_KINDS.map((k) => ({ value: k, label: migrationKindLabel[k] }));
const riskOptions: Option[] = RISK_LEVELS.map((l) => ({ value: l, label: levelLabel[l] }));
const reversibleOptions: Option[] = [
  { value: "true", label: "Reversible" },
  { value: "false", label: "Irreversible" },
];

export function StepForm({ planId, step, count }: { planId: string; step?: StepValues; count: number }) {
  const [state, action] = useActionState<FormState, FormData>(step ? updateStepAction : addStepAction, null);
  const { errors, values } = failed(state);
  const pick = (name: keyof StepValues, fallback = "") => values?.[name] ?? (step ? String(step[name]) : fallback);
  return (
    <form
      action={action}
      className="space-y-3"
      noValidate
      aria-label={step ? `Edit step: ${step.action}` : "Add a migration step"}
      data-testid={step ? "step-edit-form" : "step-add-form"}
    >
      <Hidden fields={step ? { planId, stepId: step.id } : { planId }} />
      <Field
        label="Action"
        name="action"
        defaultValue={pick("action")}
        errors={errors?.action}
        hint="What the step does, e.g. “Add the orders.status column”."
      />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Kind"
          name="kind"
          options={kindOptions}
          defaultValue={pick("kind", "schema")}
          errors={errors?.kind}
        />
        <SelectField
          label="Reversible?"
          name="reversible"
          options={reversibleOptions}
          defaultValue={pick("reversible", "true")}
          errors={errors?.reversible}
          hint="An irreversible step starts only after the step before it is validated."
        />
        <SelectField
          label="Risk"
          name="risk"
          options={riskOptions}
          defaultValue={pick("risk", "low")}
          errors={errors?.risk}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Expected duration (minutes)"
          name="expectedDurationMinutes"
          type="number"
          min={0}
          inputMode="numeric"
          defaultValue={pick("expectedDurationMinutes", "0")}
          errors={errors?.expectedDurationMinutes}
        />
        {step ? null : (
          <Field
            label="Insert as step number"
            name="position"
            type="number"
            min={1}
            max={count + 1}
            inputMode="numeric"
            defaultValue={values?.position ?? ""}
            errors={errors?.position}
            hint="Leave empty to place it after the last step of its kind."
          />
        )}
      </div>
      <Field
        label="Validation"
        name="validation"
        defaultValue={pick("validation")}
        errors={errors?.validation}
        hint="How you know it worked, e.g. “Row counts match”."
      />
      <StaleAwareMessage state={state} />
      <SubmitButton pendingText="Saving…">{step ? "Save step" : "Add step"}</SubmitButton>
    </form>
  );
}
