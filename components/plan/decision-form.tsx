"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useState } from "react";
import { decisionAction } from "@/app/plans/actions";
import { SubmitButton, TextAreaField } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";

const kinds = [
  { value: "go", label: "Go", hint: "Advance to the next phase" },
  { value: "no_go", label: "No-go", hint: "Stay in this phase and record why" },
  { value: "rollback", label: "Roll back", hint: "Traffic to 0% and open an incident" },
] as const;

export function DecisionForm({
  planId,
  version,
  gateHolds,
  overridable,
  canOverride,
  nextPhase,
}: {
  planId: string;
  version: number;
  gateHolds: boolean;
  overridable: boolean;
  canOverride: boolean;
  nextPhase: string | null;
}) {
  const [state, action] = useActionState<FormState, FormData>(decisionAction, null);
  const { errors, values } = failed(state);
  // The radios are uncontrolled (React resets a form after its action runs, which puts radios back
  // to their default); `kind` follows them, and is put back too when the form resets.
  const initialKind = values?.kind ?? (gateHolds ? "go" : "no_go");
  const [kind, setKind] = useState<string>(initialKind);
  const showOverride = kind === "go" && !gateHolds && overridable && canOverride;
  return (
    <form action={action} className="space-y-3" data-testid="decision-form" onReset={() => setKind(initialKind)}>
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="version" value={version} />
      <fieldset>
        <legend className="text-sm font-medium">Decision</legend>
        <div className="mt-1 grid gap-2 sm:grid-cols-3">
          {kinds.map((k) => (
            <label
              key={k.value}
              className="flex cursor-pointer items-start gap-2 rounded-md border border-slate-200 p-2 text-sm has-[:checked]:border-accent-500 has-[:checked]:bg-accent-50 dark:border-slate-700 dark:has-[:checked]:bg-accent-700/20"
            >
              <input
                type="radio"
                name="kind"
                value={k.value}
                defaultChecked={initialKind === k.value}
                onChange={() => setKind(k.value)}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{k.label}</span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {k.value === "go" && nextPhase ? `Advance to ${nextPhase}` : k.hint}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {kind === "go" && !gateHolds ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          The gate does not hold (see what blocks it above).{" "}
          {overridable
            ? canOverride
              ? "Only success criteria are unmet: you may override them with a written reason."
              : "Only a release manager may override unmet success criteria."
            : "Approvals, checklists and sign-offs cannot be overridden."}
        </p>
      ) : null}
      <TextAreaField
        label="Rationale"
        name="rationale"
        rows={2}
        required
        defaultValue={values?.rationale}
        errors={errors?.rationale}
        placeholder="What you saw and why you decide this"
      />
      {showOverride ? (
        <TextAreaField
          label="Override reason (audited and shown on the timeline)"
          name="overrideReason"
          rows={2}
          defaultValue={values?.overrideReason}
          errors={errors?.overrideReason}
          placeholder="Why advancing is right although the criteria are not met"
        />
      ) : null}
      <StaleAwareMessage state={state} />
      <SubmitButton variant={kind === "rollback" ? "danger" : "primary"} pendingText="Recording…">
        Record {kinds.find((k) => k.value === kind)?.label.toLowerCase()}
      </SubmitButton>
    </form>
  );
}
