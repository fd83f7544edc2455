"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import {
  createProjectAction,
  createUserAction,
  endSessionsAction,
  setPasswordAction,
  setUserFlagsAction,
} from "@/app/admin/actions";
import { Field, FormMessage, PasswordField, SubmitButton } from "@/components/forms/fields";

export function CreateUserForm() {
  const [state, action] = useActionState<FormState, FormData>(createUserAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" noValidate>
      <Field label="Name" name="name" required errors={errors?.name} defaultValue={values?.name} />
      <Field label="Email" name="email" type="email" required errors={errors?.email} defaultValue={values?.email} />
      <PasswordField
        label="Initial password"
        name="password"
        fresh
        required
        errors={errors?.password}
        hint="At least 12 characters"
      />
      <label className="flex items-center gap-2 self-center text-sm">
        <input type="checkbox" name="isAdmin" /> Global admin
      </label>
      <div className="space-y-2 sm:col-span-2">
        <FormMessage state={state} />
        <SubmitButton>Create user</SubmitButton>
      </div>
    </form>
  );
}

export function SetPasswordForm({ userId, name }: { userId: string; name: string }) {
  const [state, action] = useActionState<FormState, FormData>(setPasswordAction, null);
  const { errors } = failed(state);
  return (
    <form action={action} className="flex flex-col gap-2 sm:flex-row sm:items-end" noValidate>
      <input type="hidden" name="userId" value={userId} />
      <PasswordField label={`New password for ${name}`} name="password" fresh errors={errors?.password} />
      <SubmitButton variant="secondary">Set password</SubmitButton>
      <FormMessage state={state && !state.ok && !errors ? state : state?.ok ? state : null} />
    </form>
  );
}

export function UserFlagButton({
  userId,
  field,
  value,
  label,
}: {
  userId: string;
  field: "isAdmin" | "disabled";
  value: boolean;
  label: string;
}) {
  const [state, action] = useActionState<FormState, FormData>(setUserFlagsAction, null);
  return (
    <form action={action} className="inline-flex flex-col">
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name={field} value={String(value)} />
      <SubmitButton variant={field === "disabled" && value ? "danger" : "secondary"}>{label}</SubmitButton>
      {state && !state.ok ? <FormMessage state={state} /> : null}
    </form>
  );
}

export function EndSessionsButton({ userId, name }: { userId: string; name: string }) {
  const [state, action] = useActionState<FormState, FormData>(endSessionsAction, null);
  return (
    <form action={action} className="inline-flex flex-col gap-1">
      <input type="hidden" name="userId" value={userId} />
      <SubmitButton variant="secondary" pendingText={`Signing ${name} out…`}>
        Sign out everywhere
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function CreateProjectForm() {
  const [state, action] = useActionState<FormState, FormData>(createProjectAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" noValidate>
      <Field label="Name" name="name" required errors={errors?.name} defaultValue={values?.name} />
      <Field
        label="Slug"
        name="slug"
        required
        errors={errors?.slug}
        defaultValue={values?.slug}
        hint="Lowercase letters, digits, dashes; used in URLs and the token command"
      />
      <div className="sm:col-span-2">
        <Field label="Description" name="description" errors={errors?.description} defaultValue={values?.description} />
      </div>
      <div className="space-y-2 sm:col-span-2">
        <FormMessage state={state} />
        <SubmitButton>Create project</SubmitButton>
      </div>
    </form>
  );
}
