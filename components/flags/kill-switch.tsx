"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useId } from "react";
import { setFlagEnabledAction } from "@/app/projects/flag-actions";
import { FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";

/**
 * One click away, behind one confirmation: switching off asks why (everyone is told), switching
 * back on says what returns. Both are keyboard-operable disclosures that work without script.
 */
export function KillSwitch({ flag }: { flag: { id: string; key: string; enabled: boolean; defaultVariant: string } }) {
  const [state, action] = useActionState<FormState, FormData>(setFlagEnabledAction, null);
  const id = useId().replace(/:/g, "");
  const { errors, values } = failed(state);
  const reasonId = `kill-reason-${id}`;
  const describedBy = [`${reasonId}-hint`, errors?.reason ? `${reasonId}-error` : null].filter(Boolean).join(" ");
  return (
    <details className="group" data-testid="kill-switch">
      <summary
        className={`inline-flex cursor-pointer list-none items-center rounded-md border px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 ${
          flag.enabled
            ? "border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40"
            : "border-slate-300 text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800"
        }`}
      >
        {flag.enabled ? "Kill switch…" : "Turn back on…"}
        <span className="sr-only"> {flag.key}</span>
      </summary>
      <form
        action={action}
        className="mt-2 space-y-2 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800"
        noValidate
        aria-label={`${flag.enabled ? "Kill" : "Turn back on"} ${flag.key}`}
      >
        <input type="hidden" name="flagId" value={flag.id} />
        <input type="hidden" name="enabled" value={flag.enabled ? "false" : "true"} />
        {flag.enabled ? (
          <>
            <div className="space-y-1">
              <label htmlFor={reasonId} className="block text-sm font-medium">
                Why switch it off?
              </label>
              <textarea
                id={reasonId}
                name="reason"
                rows={2}
                required
                maxLength={500}
                defaultValue={values?.reason}
                aria-invalid={errors?.reason ? true : undefined}
                aria-describedby={describedBy}
                className={inputClass}
              />
              <p id={`${reasonId}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
                Recorded with your name in the audit trail. Every app instance serves the default within a second.
              </p>
              {errors?.reason ? (
                <p id={`${reasonId}-error`} className="text-xs text-red-700 dark:text-red-300">
                  {errors.reason.join(" ")}
                </p>
              ) : null}
            </div>
            <FormMessage state={state} />
            <SubmitButton variant="danger" pendingText="Switching off…">
              Kill switch: serve {flag.defaultVariant} to everyone
            </SubmitButton>
          </>
        ) : (
          <>
            <p>The rollout % and the segment rules apply again as soon as you confirm.</p>
            <div className="space-y-1">
              <label htmlFor={reasonId} className="block text-sm font-medium">
                Note (optional)
              </label>
              <input
                id={reasonId}
                name="reason"
                maxLength={500}
                aria-describedby={`${reasonId}-hint`}
                className={inputClass}
              />
              <p id={`${reasonId}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
                Kept in the audit trail.
              </p>
            </div>
            <FormMessage state={state} />
            <SubmitButton variant="primary" pendingText="Switching on…">
              Turn {flag.key} back on
            </SubmitButton>
          </>
        )}
      </form>
    </details>
  );
}
