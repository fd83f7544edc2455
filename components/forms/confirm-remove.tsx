"use client";

import { useActionState } from "react";
import { failed, type FormState } from "@/lib/actions/form-state";
import { Disclosure, Named } from "@/components/ui/disclosure";
import { Field, Hidden, SubmitButton } from "./fields";
import { StaleAwareMessage } from "./messages";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

/**
 * Removal behind a second step. With `confirmKey`, the key must be typed to go ahead; the box also
 * appears when the server asks for it (samples may have arrived since the page was rendered).
 */
export function ConfirmRemove({
  action,
  fields,
  name,
  consequence,
  confirmKey,
  confirmRequired = false,
}: {
  action: Action;
  fields: Record<string, string | number>;
  name: string;
  consequence: string;
  confirmKey?: string;
  confirmRequired?: boolean;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, null);
  const { errors } = failed(state);
  return (
    <Disclosure summary={<Named verb="Remove" name={name} asks />} danger>
      <form action={formAction} className="space-y-2" noValidate aria-label={`Remove ${name}`}>
        <Hidden fields={fields} />
        <p className="text-sm">{consequence}</p>
        {confirmKey && (confirmRequired || errors?.confirm) ? (
          <Field
            label={`Type ${confirmKey} to confirm`}
            name="confirm"
            autoComplete="off"
            spellCheck={false}
            errors={errors?.confirm}
          />
        ) : null}
        <StaleAwareMessage state={state} />
        <SubmitButton variant="danger">Remove {name}</SubmitButton>
      </form>
    </Disclosure>
  );
}
