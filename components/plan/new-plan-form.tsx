"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { createPlanAction } from "@/app/plans/actions";
import { Field, FieldErrors, FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { TEMPLATE_KEYS, templateInfo } from "@/lib/domain/templates";

export function NewPlanForm({
  projects,
  defaultProjectId,
}: {
  projects: { id: string; name: string }[];
  defaultProjectId?: string | undefined;
}) {
  const [state, action] = useActionState<FormState, FormData>(createPlanAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="space-y-5" noValidate>
      <div className="space-y-1">
        <label htmlFor="plan-project" className="block text-sm font-medium">
          Project
        </label>
        <select
          id="plan-project"
          name="projectId"
          className={inputClass}
          defaultValue={values?.projectId ?? defaultProjectId ?? projects[0]?.id}
        >
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset
        aria-describedby={errors?.template ? "new-plan-template-error" : undefined}
        aria-invalid={errors?.template ? true : undefined}
      >
        <legend className="text-sm font-medium">Start from</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {TEMPLATE_KEYS.map((key) => (
            <label
              key={key}
              className="flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 p-3 text-sm has-[:checked]:border-accent-500 has-[:checked]:bg-accent-50 dark:border-slate-700 dark:has-[:checked]:bg-accent-700/20"
            >
              <input
                type="radio"
                name="template"
                value={key}
                defaultChecked={(values?.template ?? "staged") === key}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{templateInfo[key].name}</span>
                <span className="block text-xs text-slate-600 dark:text-slate-400">
                  {templateInfo[key].description}
                </span>
              </span>
            </label>
          ))}
        </div>
        <FieldErrors id="new-plan-template" errors={errors?.template} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          required
          errors={errors?.name}
          defaultValue={values?.name}
          placeholder="e.g. One-page checkout"
        />
        <Field
          label="Release version"
          name="releaseVersion"
          required
          errors={errors?.releaseVersion}
          defaultValue={values?.releaseVersion}
          placeholder="e.g. 2.4.0"
        />
        <Field
          label="Target start"
          name="targetStartAt"
          type="date"
          errors={errors?.targetStartAt}
          defaultValue={values?.targetStartAt}
          hint="Phases are planned from this day; change them later"
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="plan-summary" className="block text-sm font-medium">
          Summary (optional)
        </label>
        <textarea
          id="plan-summary"
          name="summary"
          rows={2}
          className={inputClass}
          defaultValue={values?.summary}
          placeholder="What changes for users, and how it is staged"
        />
      </div>
      <FormMessage state={state} />
      <SubmitButton pendingText="Creating…">Create plan</SubmitButton>
    </form>
  );
}
