"use client";

import { useActionState } from "react";
import { type FormState, failed } from "@/lib/actions/form-state";
import { Hidden, SubmitButton } from "./fields";
import { StaleAwareMessage } from "./messages";

type FormAction = (state: FormState, form: FormData) => Promise<FormState>;

/**
 * The state of a form that adds a row of a plan (`row` absent) or edits one: its action, what a
 * refused submission marked, `pick` (a field's value as typed, else as stored, else `fallback`)
 * and `field`: a field's name, value and errors, to spread on a Field or SelectField.
 */
export function useRowForm<T extends object>(row: T | undefined, add: FormAction, update: FormAction) {
  const [state, action] = useActionState<FormState, FormData>(row ? update : add, null);
  const { errors, values } = failed(state);
  const pick = (name: keyof T & string, fallback = "") => values?.[name] ?? (row ? String(row[name] ?? "") : fallback);
  const field = (name: keyof T & string, fallback = "") => ({
    name,
    defaultValue: pick(name, fallback),
    errors: errors?.[name],
  });
  return { state, action, errors, values, pick, field };
}

/** The form around a plan row's fields: its ids, the outcome (a stale plan offers a reload) and the button. */
export function RowForm({
  action,
  state,
  label,
  testId,
  hidden,
  submit,
  children,
}: {
  action: (form: FormData) => void;
  state: FormState;
  label: string;
  testId: string;
  hidden: Record<string, string | number>;
  submit: string;
  children: React.ReactNode;
}) {
  return (
    <form action={action} className="space-y-3" noValidate aria-label={label} data-testid={testId}>
      <Hidden fields={hidden} />
      {children}
      <StaleAwareMessage state={state} />
      <SubmitButton pendingText="Saving…">{submit}</SubmitButton>
    </form>
  );
}
