"use client";

import { useActionState } from "react";
import { governanceAction } from "@/app/projects/freeze-actions";
import { Field, FormMessage, Hidden, SubmitButton } from "@/components/forms/fields";
import { failed, type FormState } from "@/lib/actions/form-state";
import { MAX_DISTINCT_APPROVERS, MIN_DISTINCT_APPROVERS } from "@/lib/domain/four-eyes";

/** A project's four-eyes rule: whether it applies and how many distinct people must approve a go. */
export function GovernanceForm({
  projectId,
  fourEyes,
  minDistinctApprovers,
  canEdit,
}: {
  projectId: string;
  fourEyes: boolean;
  minDistinctApprovers: number;
  canEdit: boolean;
}) {
  const [state, action] = useActionState<FormState, FormData>(governanceAction, null);
  const { errors, values } = failed(state);
  const summary = fourEyes
    ? `On: a go needs approvals from at least ${minDistinctApprovers} distinct ${minDistinctApprovers === 1 ? "person" : "people"}; the plan owner's approval and that of whoever records the go do not count.`
    : "Off: any approvals the gate asks for count, whoever gave them.";
  if (!canEdit)
    return (
      <p className="text-sm" data-testid="four-eyes-summary">
        {summary}
      </p>
    );
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Four-eyes approvals">
      <p className="text-sm" data-testid="four-eyes-summary">
        {summary}
      </p>
      <Hidden fields={{ projectId }} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="fourEyes" defaultChecked={fourEyes} className="mt-1" />
        <span>Four-eyes: the plan owner and whoever records the go do not count as approvers</span>
      </label>
      <Field
        label="Distinct approvers a go needs"
        name="minDistinctApprovers"
        type="number"
        inputMode="numeric"
        min={MIN_DISTINCT_APPROVERS}
        max={MAX_DISTINCT_APPROVERS}
        required
        errors={errors?.minDistinctApprovers}
        defaultValue={values?.minDistinctApprovers ?? String(minDistinctApprovers)}
        hint={`From ${MIN_DISTINCT_APPROVERS} to ${MAX_DISTINCT_APPROVERS}; applies while four-eyes is on`}
      />
      <FormMessage state={state} />
      <SubmitButton pendingText="Saving…">Save approval rule</SubmitButton>
    </form>
  );
}
