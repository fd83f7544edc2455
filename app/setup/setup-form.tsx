"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/forms/fields";
import type { ActionResult } from "@/lib/actions/run";
import { setupAction } from "./actions";

export function SetupForm() {
  const [state, action] = useActionState<ActionResult | null, FormData>(setupAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
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
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        errors={errors?.email}
        defaultValue={values?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.password}
        hint="At least 12 characters"
      />
      <FormMessage state={state} />
      <SubmitButton pendingText="Creating…">Create admin account</SubmitButton>
    </form>
  );
}
