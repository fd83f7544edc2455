"use client";

import { useActionState, useState } from "react";
import { createFreezeAction } from "@/app/projects/freeze-actions";
import { Field, FormMessage, Hidden, SelectField, SubmitButton } from "@/components/forms/fields";
import { failed, type FormState } from "@/lib/actions/form-state";

const KINDS = [
  { value: "one_off", label: "Once, from one date and time to another" },
  { value: "recurring", label: "Repeating, by a rule" },
];

/** Adds a change freeze: to a project, or (projectId null) to the whole instance. */
export function FreezeForm({ projectId }: { projectId: string | null }) {
  const [state, action] = useActionState<FormState, FormData>(createFreezeAction, null);
  const { errors, values } = failed(state);
  const [kind, setKind] = useState(values?.kind ?? "one_off");
  // Not the browser's zone: the server renders the form too, and both must agree.
  const zone = values?.timeZone ?? "UTC";
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Add a change freeze">
      <Hidden fields={{ scope: projectId ? "project" : "instance", projectId: projectId ?? "" }} />
      <Field
        label="Name"
        name="name"
        required
        errors={errors?.name}
        defaultValue={values?.name}
        placeholder="e.g. Weekend freeze"
      />
      <SelectField label="Kind" name="kind" options={KINDS} value={kind} errors={errors?.kind} onChange={setKind} />
      <Field
        label="Time zone"
        name="timeZone"
        required
        errors={errors?.timeZone}
        defaultValue={zone}
        hint="An IANA zone such as Europe/Berlin: the freeze's times are read on its clocks"
      />
      {kind === "one_off" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label="Starts"
            name="startsAt"
            type="datetime-local"
            required
            errors={errors?.startsAt}
            defaultValue={values?.startsAt}
          />
          <Field
            label="Ends"
            name="endsAt"
            type="datetime-local"
            required
            errors={errors?.endsAt}
            defaultValue={values?.endsAt}
          />
        </div>
      ) : (
        <div className="space-y-3">
          <Field
            label="Repeat rule"
            name="rrule"
            required
            errors={errors?.rrule}
            defaultValue={values?.rrule}
            placeholder="FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0"
            hint="An RFC 5545 rule: when each window starts"
            spellCheck={false}
          />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label="Counting from"
              name="from"
              type="datetime-local"
              required
              errors={errors?.from}
              defaultValue={values?.from}
            />
            <Field
              label="Each window lasts (minutes)"
              name="durationMinutes"
              type="number"
              inputMode="numeric"
              min={1}
              required
              errors={errors?.durationMinutes}
              defaultValue={values?.durationMinutes}
            />
          </div>
        </div>
      )}
      {errors?.projectId ? (
        <p className="text-sm text-red-700 dark:text-red-300">{errors.projectId.join(" ")}</p>
      ) : null}
      <FormMessage state={state} />
      <SubmitButton pendingText="Adding…">Add freeze</SubmitButton>
    </form>
  );
}
