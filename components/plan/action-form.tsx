"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import type { PlanFormState } from "@/app/plans/actions";
import type { ActionResult } from "@/lib/actions/run";

type Action = (prev: PlanFormState, form: FormData) => Promise<PlanFormState>;

/** A one-button form carrying the plan id and version; shows the outcome next to the button. */
export function ActionButton({
  action,
  fields,
  label,
  variant = "secondary",
  pendingText,
}: {
  action: Action;
  fields: Record<string, string | number>;
  label: React.ReactNode;
  variant?: "primary" | "secondary" | "danger";
  pendingText?: string;
}) {
  const [state, formAction] = useActionState<PlanFormState, FormData>(action, null);
  return (
    <form action={formAction} className="flex flex-col gap-1">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={String(value)} />
      ))}
      <SubmitButton variant={variant} {...(pendingText ? { pendingText } : {})}>
        {label}
      </SubmitButton>
      <StaleAwareMessage state={state} />
    </form>
  );
}

/**
 * Outcome of an action. When the error says the page is out of date (`stale` matches it), the
 * message offers a reload, since what the person sees is no longer what is stored.
 */
export function ReloadableMessage({ state, stale }: { state: ActionResult<unknown> | null; stale: RegExp }) {
  if (state && !state.ok && stale.test(state.error)) {
    return (
      <p
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-200"
      >
        {state.error}.{" "}
        <button type="button" className="underline" onClick={() => window.location.reload()}>
          Reload
        </button>
      </p>
    );
  }
  return <FormMessage state={state} />;
}

/** Outcome of a plan action; a stale plan version gets a reload link. */
export function StaleAwareMessage({ state }: { state: PlanFormState }) {
  return <ReloadableMessage state={state} stale={/plan changed/i} />;
}
