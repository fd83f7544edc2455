"use client";

import { failed } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { Field, FormMessage, OwnEmailField, PasswordField, SubmitButton } from "@/components/forms/fields";
import type { ActionResult } from "@/lib/actions/run";
import { setupAction } from "./actions";

export function SetupForm() {
  const [state, action] = useActionState<ActionResult | null, FormData>(setupAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="space-y-4" noValidate>
      <Field
        label="Setup token"
        name="setupToken"
        autoComplete="off"
        required
        errors={errors?.setupToken}
        defaultValue={values?.setupToken}
        hint="Printed by the server at its last start"
      />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        required
        errors={errors?.name}
        defaultValue={values?.name}
      />
      <OwnEmailField errors={errors?.email} defaultValue={values?.email} />
      <PasswordField
        label="Password"
        name="password"
        fresh
        required
        errors={errors?.password}
        hint="At least 12 characters"
      />
      <FormMessage state={state} />
      <SubmitButton pendingText="Creating…">Create admin account</SubmitButton>
    </form>
  );
}
