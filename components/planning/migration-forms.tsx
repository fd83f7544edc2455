"use client";

import { addStepAction, updateStepAction } from "@/app/plans/planning-actions";
import { Field, type Option, SelectField } from "@/components/forms/fields";
import { RowForm, useRowForm } from "@/components/forms/row-form";
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
  const { state, action, errors, values, field } = useRowForm(step, addStepAction, updateStepAction);
  return (
    <RowForm
      action={action}
      state={state}
      label={step ? `Edit step: ${step.action}` : "Add a migration step"}
      testId={step ? "step-edit-form" : "step-add-form"}
      hidden={step ? { planId, stepId: step.id } : { planId }}
      submit={step ? "Save step" : "Add step"}
    >
      <Field label="Action" {...field("action")} hint="What the step does, e.g. “Add the orders.status column”." />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField label="Kind" {...field("kind", "schema")} options={kindOptions} />
        <SelectField
          label="Reversible?"
          {...field("reversible", "true")}
          options={reversibleOptions}
          hint="An irreversible step starts only after the step before it is validated."
        />
        <SelectField label="Risk" {...field("risk", "low")} options={riskOptions} />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Expected duration (minutes)"
          {...field("expectedDurationMinutes", "0")}
          type="number"
          min={0}
          inputMode="numeric"
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
      <Field label="Validation" {...field("validation")} hint="How you know it worked, e.g. “Row counts match”." />
    </RowForm>
  );
}
