"use client";

import { useActionState } from "react";
import { FormMessage, OwnEmailField, PasswordField, SubmitButton } from "@/components/forms/fields";
import { signInWithPassword, type SignInState } from "./actions";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState<SignInState, FormData>(signInWithPassword, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <OwnEmailField autoFocus defaultValue={state?.email} />
      <PasswordField label="Password" name="password" required />
      <FormMessage state={state} />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
