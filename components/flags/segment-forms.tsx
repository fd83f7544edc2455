"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useState } from "react";
import { createSegmentAction, deleteSegmentAction, updateSegmentAction } from "@/app/projects/flag-actions";
import { Field, FormMessage, SelectField, SubmitButton, TextAreaField, SaveTarget } from "@/components/forms/fields";
import { operatorLabels, type SegmentData } from "./flag-words";

// Creating, editing and deleting segments: a list of people (targeting keys) or a rule on one
// attribute the application sends with each evaluation.

type Kind = SegmentData["kind"];

/** Creates a segment (with `projectId`) or edits one (with `segment`). */
export function SegmentForm({
  projectId,
  segment,
}: {
  projectId?: string;
  segment?: SegmentData & { usedBy: string[] };
}) {
  const [state, action] = useActionState<FormState, FormData>(
    segment ? updateSegmentAction : createSegmentAction,
    null,
  );
  const { errors, values } = failed(state);
  const [kind, setKind] = useState<Kind>((values?.kind as Kind | undefined) ?? segment?.kind ?? "user_list");
  const radioName = `${segment?.id ?? projectId}-kind`;
  return (
    <form
      action={action}
      className="space-y-3"
      noValidate
      aria-label={segment ? `Edit segment ${segment.name}` : "New segment"}
    >
      <SaveTarget idName="segmentId" id={segment?.id} projectId={projectId} />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          required
          placeholder="e.g. Internal team"
          errors={errors?.name}
          defaultValue={values?.name ?? segment?.name}
        />
        <Field
          label="Key"
          name="key"
          required
          placeholder="e.g. internal-team"
          autoComplete="off"
          spellCheck={false}
          errors={errors?.key}
          defaultValue={values?.key ?? segment?.key}
        />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Who is in it</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(["user_list", "attribute_rule"] as const).map((k) => (
            <label key={k} className="flex items-center gap-2">
              <input
                type="radio"
                name="kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
                id={`${radioName}-${k}`}
              />
              {k === "user_list" ? "A list of people" : "An attribute rule"}
            </label>
          ))}
        </div>
        {errors?.kind ? <p className="text-xs text-red-700 dark:text-red-300">{errors.kind.join(" ")}</p> : null}
      </fieldset>
      {kind === "user_list" ? (
        <TextAreaField
          label="Targeting keys"
          name="userKeys"
          rows={5}
          mono
          spellCheck={false}
          hint="One per line or comma-separated: the targeting key your application sends (user id, e-mail…). Up to 10,000; blanks and repeats are dropped."
          errors={errors?.userKeys}
          defaultValue={values?.userKeys ?? segment?.userKeys.join("\n")}
        />
      ) : (
        <div className="grid gap-3 sm:grid-cols-3">
          <Field
            label="Attribute"
            name="attribute"
            placeholder="e.g. region"
            autoComplete="off"
            spellCheck={false}
            hint="As sent in the evaluation context"
            errors={errors?.attribute}
            defaultValue={values?.attribute ?? segment?.attribute ?? ""}
          />
          <SelectField
            label="Operator"
            name="operator"
            options={operatorLabels}
            errors={errors?.operator}
            defaultValue={values?.operator ?? segment?.operator ?? "in"}
          />
          <Field
            label="Values"
            name="values"
            placeholder="Jakarta, Surabaya"
            hint="Comma-separated"
            errors={errors?.values}
            defaultValue={values?.values ?? segment?.values.join(", ")}
          />
        </div>
      )}
      {segment && segment.usedBy.length ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Saving changes what {segment.usedBy.join(", ")} serve{segment.usedBy.length === 1 ? "s" : ""}, on every
          instance within a second.
        </p>
      ) : null}
      <FormMessage state={state} />
      <SubmitButton variant={segment ? "secondary" : "primary"} pendingText="Saving…">
        {segment ? `Save ${segment.name}` : "Create segment"}
      </SubmitButton>
    </form>
  );
}

export function DeleteSegmentForm({ segment }: { segment: { id: string; name: string; usedBy: string[] } }) {
  const [state, action] = useActionState<FormState, FormData>(deleteSegmentAction, null);
  return (
    <form action={action} className="space-y-2 text-sm" aria-label={`Delete segment ${segment.name}`}>
      <input type="hidden" name="segmentId" value={segment.id} />
      <p>
        Delete “{segment.name}”?{" "}
        {segment.usedBy.length
          ? `Its rules in ${segment.usedBy.join(", ")} go too: those people follow the rollout % from then on.`
          : "No flag uses it."}
      </p>
      {state && !state.ok ? <FormMessage state={state} /> : null}
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete {segment.name}
      </SubmitButton>
    </form>
  );
}
