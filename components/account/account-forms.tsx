"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { changeOwnPasswordAction, endMySessionsAction } from "@/app/account/actions";
import { signOutAction } from "@/app/sign-in/actions";
import { FormMessage, PasswordField, SubmitButton } from "@/components/forms/fields";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<FormState, FormData>(changeOwnPasswordAction, null);
  const { errors } = failed(state);
  return (
    <form action={action} className="grid max-w-md gap-3" noValidate>
      <PasswordField label="Current password" name="currentPassword" required errors={errors?.currentPassword} />
      <PasswordField
        label="New password"
        name="password"
        fresh
        required
        errors={errors?.password}
        hint={`At least ${minLength} characters`}
      />
      <PasswordField label="New password again" name="confirm" fresh required errors={errors?.confirm} />
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
