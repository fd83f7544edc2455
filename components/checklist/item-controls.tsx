"use client";

import { useActionState } from "react";
import { signChecklistAction, updateItemAction, type ChecklistFormState } from "@/app/plans/checklist-actions";
import { FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";

export function ItemControls({ planId, itemId, state, text }: { planId: string; itemId: string; state: string; text: string }) {
  const [quick, quickAction] = useActionState<ChecklistFormState, FormData>(updateItemAction, null);
  const [other, otherAction] = useActionState<ChecklistFormState, FormData>(updateItemAction, null);
  const errors = other && !other.ok ? other.fieldErrors : undefined;
  const label = state === "open" ? "Mark done" : "Reopen";
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <form action={quickAction}>
          <input type="hidden" name="planId" value={planId} />
          <input type="hidden" name="itemId" value={itemId} />
          <input type="hidden" name="state" value={state === "open" ? "done" : "open"} />
          <button
            type="submit"
            aria-label={`${label}: ${text}`}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            {label}
          </button>
        </form>
        {state === "open" ? (
          <details className="relative">
            <summary className="cursor-pointer list-none rounded-md px-1 py-1 text-xs text-slate-600 underline dark:text-slate-400" aria-label={`Mark not applicable or blocked: ${text}`}>
              N/A or blocked…
            </summary>
            <form action={otherAction} className="absolute right-0 z-10 mt-1 w-72 space-y-2 rounded-md border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900">
              <input type="hidden" name="planId" value={planId} />
              <input type="hidden" name="itemId" value={itemId} />
              <label className="block text-xs font-medium" htmlFor={`state-${itemId}`}>
                State
              </label>
              <select id={`state-${itemId}`} name="state" className={inputClass} defaultValue="blocked">
                <option value="blocked">Blocked</option>
                <option value="not_applicable">Not applicable</option>
              </select>
              <label className="block text-xs font-medium" htmlFor={`reason-${itemId}`}>
                Reason (required)
              </label>
              <input id={`reason-${itemId}`} name="reason" className={inputClass} aria-invalid={errors?.reason ? true : undefined} />
              {errors?.reason ? <p className="text-xs text-red-700 dark:text-red-300">{errors.reason.join(" ")}</p> : null}
              <SubmitButton variant="secondary">Save</SubmitButton>
            </form>
          </details>
        ) : null}
      </div>
      {quick && !quick.ok ? <FormMessage state={quick} /> : null}
      {other && !other.ok && !errors ? <FormMessage state={other} /> : null}
    </div>
  );
}

export function SignButton({ planId, checklistId, role }: { planId: string; checklistId: string; role: string }) {
  const [state, action] = useActionState<ChecklistFormState, FormData>(signChecklistAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="checklistId" value={checklistId} />
      <SubmitButton variant="primary" pendingText="Signing…">
        Sign off as {role}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
