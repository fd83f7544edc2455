"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { addRiskAction, riskStatusAction, updateRiskAction } from "@/app/plans/planning-actions";
import { Field, type Option, SelectField, SubmitButton } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";
import { RowForm, useRowForm } from "@/components/forms/row-form";
import { failed } from "@/lib/actions/form-state";
import { Hidden } from "@/components/forms/fields";
import type { RiskLevel } from "@/db/schema/enums";
import { levelLabel, RISK_LEVELS, RISK_STATUSES, type RiskStatus, riskStatusLabel } from "@/lib/domain/risk";

// Adding and editing a risk, and changing its status. The owner is one of the project's members
// or, with no member chosen, whoever is named in words.

export interface RiskFormValues {
  id: string;
  description: string;
  likelihood: RiskLevel;
  impact: RiskLevel;
  mitigation: string;
  ownerId: string | null;
  ownerLabel: string;
  status: RiskStatus;
}

export interface Member {
  id: string;
  name: string;
}

const levelOptions: Option[] = RISK_LEVELS.map((l) => ({ value: l, label: levelLabel[l] }));
const statusOptions: Option[] = RISK_STATUSES.map((s) => ({ value: s, label: riskStatusLabel[s] }));

export function RiskForm({ planId, risk, members }: { planId: string; risk?: RiskFormValues; members: Member[] }) {
  const { state, action, errors, pick, field } = useRowForm(risk, addRiskAction, updateRiskAction);
  const ownerOptions: Option[] = [
    { value: "", label: "Someone named below" },
    ...members.map((m) => ({ value: m.id, label: m.name })),
  ];
  return (
    <RowForm
      action={action}
      state={state}
      label={risk ? `Edit risk: ${risk.description}` : "Add a risk"}
      testId={risk ? "risk-edit-form" : "risk-add-form"}
      hidden={risk ? { planId, riskId: risk.id } : { planId }}
      submit={risk ? "Save risk" : "Add risk"}
    >
      <Field label="Risk" {...field("description")} hint="What could go wrong, in one sentence." />
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField label="Likelihood" {...field("likelihood", "medium")} options={levelOptions} />
        <SelectField label="Impact" {...field("impact", "medium")} options={levelOptions} />
      </div>
      <Field label="Mitigation" {...field("mitigation")} hint="What lowers the likelihood or the impact." />
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField label="Owner" {...field("ownerId")} options={ownerOptions} />
        <Field
          label="Owner, if not a member"
          name="ownerLabel"
          defaultValue={risk?.ownerId ? "" : pick("ownerLabel")}
          errors={errors?.ownerLabel}
          hint="A team or a person outside the project."
        />
      </div>
      {risk ? null : <SelectField label="Status" {...field("status", "open")} options={statusOptions} />}
    </RowForm>
  );
}

export function RiskStatusForm({
  planId,
  riskId,
  status,
  description,
}: {
  planId: string;
  riskId: string;
  status: RiskStatus;
  description: string;
}) {
  const [state, action] = useActionState<FormState, FormData>(riskStatusAction, null);
  const { errors } = failed(state);
  return (
    <form
      action={action}
      className="flex flex-wrap items-end gap-2"
      noValidate
      aria-label={`Status of risk: ${description}`}
    >
      <Hidden fields={{ planId, riskId }} />
      <div className="w-40">
        <SelectField
          label="Status"
          name="status"
          options={statusOptions}
          defaultValue={status}
          errors={errors?.status}
        />
      </div>
      <SubmitButton variant="secondary" pendingText="Saving…">
        Set status
      </SubmitButton>
      <div className="basis-full">
        <StaleAwareMessage state={state} />
      </div>
    </form>
  );
}
