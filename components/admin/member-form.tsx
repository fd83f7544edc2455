"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState } from "react";
import { addMemberAction } from "@/app/projects/actions";
import { Field, FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { PROJECT_ROLES, roleLabels } from "@/lib/auth/permissions";

export function MemberForm({ projectId }: { projectId: string }) {
  const [state, action] = useActionState<FormState, FormData>(addMemberAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end" noValidate>
      <input type="hidden" name="projectId" value={projectId} />
      <Field
        label="Person’s email"
        name="email"
        type="email"
        required
        errors={errors?.email}
        defaultValue={values?.email}
      />
      <div className="space-y-1">
        <label htmlFor="member-role" className="block text-sm font-medium">
          Role
        </label>
        <select id="member-role" name="role" className={inputClass} defaultValue="engineer">
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
      </div>
      <SubmitButton>Add role</SubmitButton>
      <div className="sm:col-span-3">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
