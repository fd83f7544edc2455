"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { changeOwnPasswordAction, endMySessionsAction } from "@/app/account/actions";
import { signOutAction } from "@/app/sign-in/actions";
import { Field, FormMessage, SubmitButton } from "@/components/forms/fields";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(changeOwnPasswordAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="grid max-w-md gap-3" noValidate>
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        errors={errors?.currentPassword}
      />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.password}
        hint={`At least ${minLength} characters`}
      />
      <Field
        label="New password again"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        errors={errors?.confirm}
      />
      <div className="space-y-2">
        <FormMessage state={state && !state.ok && !errors ? state : null} />
        <SubmitButton>Change password and sign out everywhere</SubmitButton>
      </div>
    </form>
  );
}

export function EndSessionsForm() {
  const [state, action] = useActionState<FormState, FormData>(endMySessionsAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={signOutAction}>
          <SubmitButton variant="secondary">Sign out of this device</SubmitButton>
        </form>
        <form action={action}>
          <SubmitButton variant="danger">Sign out everywhere</SubmitButton>
        </form>
      </div>
      <FormMessage state={state && !state.ok ? state : null} />
    </div>
  );
}
