"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { SubmitButton } from "@/components/forms/fields";
import { StaleAwareMessage } from "@/components/forms/messages";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

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
  const [state, formAction] = useActionState<FormState, FormData>(action, null);
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
