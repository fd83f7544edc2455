"use client";

import { type FormState, failed } from "@/lib/actions/form-state";
import { useActionState, useState } from "react";
import { createFlagAction, deleteFlagAction, updateFlagAction } from "@/app/projects/flag-actions";
import {
  DecimalField,
  Field,
  FormMessage,
  inputClass,
  type Option,
  SaveTarget,
  SelectField,
  SubmitButton,
  TextAreaField,
} from "@/components/forms/fields";
import type { FlagType } from "@/db/schema/enums";
import { type FlagData, typeLabels, variantsHint, variantsToText } from "./flag-words";

// Creating, editing and deleting a flag. The key and type stay once created: applications ask
// for the flag by key and expect values of its type.

export interface PlanOption {
  id: string;
  name: string;
  releaseVersion: string;
}

const typeOptions: Option[] = (Object.keys(typeLabels) as FlagType[]).map((t) => ({ value: t, label: typeLabels[t] }));
const starterVariants: Record<FlagType, { text: string; defaultVariant: string; rolloutVariant: string }> = {
  boolean: { text: "on = true\noff = false", defaultVariant: "off", rolloutVariant: "on" },
  string: { text: "old = classic\nnew = one-page", defaultVariant: "old", rolloutVariant: "new" },
  number: { text: "current = 10\nraised = 25", defaultVariant: "current", rolloutVariant: "raised" },
  object: {
    text: 'old = {"layout": "classic"}\nnew = {"layout": "one-page"}',
    defaultVariant: "old",
    rolloutVariant: "new",
  },
};

/** Creates a flag (with `projectId`) or edits one (with `flag`). */
export function FlagForm({ projectId, flag, plans }: { projectId?: string; flag?: FlagData; plans: PlanOption[] }) {
  const [state, action] = useActionState<FormState, FormData>(flag ? updateFlagAction : createFlagAction, null);
  const { errors, values } = failed(state);
  const [type, setType] = useState<FlagType>((values?.type as FlagType | undefined) ?? flag?.type ?? "boolean");
  const starter = starterVariants[type];
  const planOptions: Option[] = [
    { value: "", label: "Nothing: I set the share by hand" },
    ...plans.map((p) => ({ value: p.id, label: `${p.name} v${p.releaseVersion}` })),
  ];
  const pick = (name: string, fallback: string) => values?.[name] ?? fallback;
  return (
    <form
      action={action}
      className="space-y-3"
      noValidate
      aria-label={flag ? `Edit flag ${flag.key}` : "New feature flag"}
    >
      <SaveTarget idName="flagId" id={flag?.id} projectId={projectId} />
      {flag ? null : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="Key"
            name="key"
            required
            placeholder="e.g. checkout.one-page"
            autoComplete="off"
            spellCheck={false}
            hint="What applications ask for; it cannot change later."
            errors={errors?.key}
            defaultValue={values?.key}
          />
          <div className="space-y-1">
            <label htmlFor={`flag-type-${projectId}`} className="block text-sm font-medium">
              Type
            </label>
            <select
              id={`flag-type-${projectId}`}
              name="type"
              value={type}
              onChange={(e) => setType(e.target.value as FlagType)}
              aria-invalid={errors?.type ? true : undefined}
              aria-describedby={errors?.type ? `flag-type-${projectId}-error` : undefined}
              className={inputClass}
            >
              {typeOptions.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            {errors?.type ? (
              <p id={`flag-type-${projectId}-error`} className="text-xs text-red-700 dark:text-red-300">
                {errors.type.join(" ")}
              </p>
            ) : null}
          </div>
        </div>
      )}
      <Field
        label="Description"
        name="description"
        placeholder="What the flag switches"
        errors={errors?.description}
        defaultValue={pick("description", flag?.description ?? "")}
      />
      <TextAreaField
        key={flag ? "variants" : type}
        label="Variants"
        name="variants"
        mono
        spellCheck={false}
        hint={variantsHint[type]}
        errors={errors?.variants}
        defaultValue={pick("variants", flag ? variantsToText(flag) : starter.text)}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          key={`d-${type}`}
          label="Default variant"
          name="defaultVariant"
          hint="Everyone outside the rollout, and everyone when killed."
          autoComplete="off"
          errors={errors?.defaultVariant}
          defaultValue={pick("defaultVariant", flag?.defaultVariant ?? starter.defaultVariant)}
        />
        <Field
          key={`r-${type}`}
          label="Rollout variant"
          name="rolloutVariant"
          hint="Those inside the rollout %."
          autoComplete="off"
          errors={errors?.rolloutVariant}
          defaultValue={pick("rolloutVariant", flag?.rolloutVariant ?? starter.rolloutVariant)}
        />
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          label="Rollout % follows"
          name="planId"
          options={planOptions}
          hint="A plan: the share follows its active phase."
          errors={errors?.planId}
          defaultValue={pick("planId", flag?.planId ?? "")}
        />
        <DecimalField
          label="Share set by hand (%)"
          name="manualRolloutPercent"
          min={0}
          max={100}
          hint="Used only when the flag follows no plan."
          errors={errors?.manualRolloutPercent}
          defaultValue={pick(
            "manualRolloutPercent",
            flag ? (flag.manualRolloutPercent === null ? "" : String(flag.manualRolloutPercent)) : "0",
          )}
        />
      </div>
      <FormMessage state={state} />
      <SubmitButton variant={flag ? "secondary" : "primary"} pendingText="Saving…">
        {flag ? `Save ${flag.key}` : "Create flag"}
      </SubmitButton>
    </form>
  );
}

export function DeleteFlagForm({ flag }: { flag: Pick<FlagData, "id" | "key" | "source"> }) {
  const [state, action] = useActionState<FormState, FormData>(deleteFlagAction, null);
  return (
    <form action={action} className="space-y-2 text-sm" aria-label={`Delete flag ${flag.key}`}>
      <input type="hidden" name="flagId" value={flag.id} />
      <p>
        Delete <code className="text-xs">{flag.key}</code>? Applications asking for it get their own fallback value from
        then on
        {flag.source.kind === "plan" ? `, and it stops following ${flag.source.planName}` : ""}. The audit trail keeps
        its history.
      </p>
      {state && !state.ok ? <FormMessage state={state} /> : null}
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete {flag.key}
      </SubmitButton>
    </form>
  );
}
