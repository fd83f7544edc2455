"use client";

import { failed } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { createTokenAction, type CreatedToken } from "@/app/projects/actions";
import { Field, FieldErrors, FormMessage, SelectField, SubmitButton } from "@/components/forms/fields";
import type { ActionResult } from "@/lib/actions/run";
import { scopeDescriptions, TOKEN_SCOPES } from "@/lib/auth/permissions";

const EXPIRY_OPTIONS = [
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
  { value: "never", label: "Never (for tokens you rotate yourself)" },
];

export function TokenForm({ projectId }: { projectId: string }) {
  const [state, action] = useActionState<ActionResult<CreatedToken> | null, FormData>(createTokenAction, null);
  const { errors, values } = failed(state);
  return (
    <div className="space-y-4">
      {state?.ok ? (
        <div
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950/40"
        >
          <p className="font-medium">Token “{state.data.name}” created. Copy it now: it is shown only this once.</p>
          <code
            data-testid="new-token"
            className="mt-2 block rounded bg-white px-2 py-1 font-mono text-xs break-all dark:bg-slate-900"
          >
            {state.data.token}
          </code>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">Scopes: {state.data.scopes.join(", ")}</p>
        </div>
      ) : null}
      <form action={action} className="space-y-3" noValidate>
        <input type="hidden" name="projectId" value={projectId} />
        <Field
          label="Token name"
          name="name"
          placeholder="e.g. GitHub Actions deploy"
          required
          errors={errors?.name}
          defaultValue={values?.name}
        />
        <fieldset
          className="space-y-1"
          aria-describedby={errors?.scopes ? `token-scopes-${projectId}-error` : undefined}
          aria-invalid={errors?.scopes ? true : undefined}
        >
          <legend className="text-sm font-medium">Scopes</legend>
          {TOKEN_SCOPES.map((scope) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="scopes" value={scope} className="mt-1" />
              <span>
                <code className="text-xs">{scope}</code>{" "}
                <span className="text-slate-600 dark:text-slate-400">— {scopeDescriptions[scope]}</span>
              </span>
            </label>
          ))}
          <FieldErrors id={`token-scopes-${projectId}`} errors={errors?.scopes} />
        </fieldset>
        <SelectField
          label="Expires"
          name="expiresInDays"
          options={EXPIRY_OPTIONS}
          defaultValue={values?.expiresInDays ?? "90"}
          errors={errors?.expiresInDays}
          hint="A token that expires limits the harm of one that leaks. Renew by creating a new one."
        />
        {state && !state.ok ? <FormMessage state={state} /> : null}
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </form>
    </div>
  );
}
