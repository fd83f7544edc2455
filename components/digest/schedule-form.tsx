"use client";

import { useActionState, useId } from "react";
import { type DigestScheduleResult, saveDigestScheduleAction } from "@/app/digest/actions";
import { Field, FieldErrors, FormMessage, SelectField, SubmitButton } from "@/components/forms/fields";
import { WEEKDAY_NAMES } from "@/lib/domain/digest-schedule";

export interface ScheduleFormValues {
  weekday: number;
  hour: number;
  timeZone: string;
  webhookIds: string[];
  enabled: boolean;
}

const weekdays = Object.entries(WEEKDAY_NAMES).map(([value, label]) => ({ value, label }));
const hours = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, "0")}:00` }));

/** When the weekly digest is sent and to which webhooks; `projectId` null: the portfolio's digest. */
export function DigestScheduleForm({
  projectId,
  schedule,
  webhooks,
}: {
  projectId: string | null;
  schedule: ScheduleFormValues | null;
  webhooks: { id: string; name: string; project: string; enabled: boolean }[];
}) {
  const [state, action] = useActionState<DigestScheduleResult | null, FormData>(saveDigestScheduleAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  const hooksId = `digest-webhooks-${useId().replace(/:/g, "")}`;
  return (
    <form action={action} className="space-y-3" noValidate aria-label="Digest schedule">
      <input type="hidden" name="projectId" value={projectId ?? ""} />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Weekday"
          name="weekday"
          options={weekdays}
          defaultValue={values?.weekday ?? String(schedule?.weekday ?? 1)}
          errors={errors?.weekday}
        />
        <SelectField
          label="Hour"
          name="hour"
          options={hours}
          defaultValue={values?.hour ?? String(schedule?.hour ?? 9)}
          errors={errors?.hour}
        />
        <Field
          label="Time zone"
          name="timeZone"
          required
          placeholder="Europe/Berlin"
          hint="The place whose clocks the hour is read on"
          defaultValue={values?.timeZone ?? schedule?.timeZone ?? "UTC"}
          errors={errors?.timeZone}
          spellCheck={false}
        />
      </div>
      <fieldset aria-describedby={errors?.webhookIds?.length ? `${hooksId}-error` : undefined}>
        <legend className="text-sm font-medium">Send to</legend>
        {webhooks.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            No webhooks yet: add one in the project&apos;s settings to send the digest to Slack or another receiver.
          </p>
        ) : (
          <div className="mt-1 space-y-1">
            {webhooks.map((w) => (
              <label key={w.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="webhookIds"
                  value={w.id}
                  defaultChecked={schedule?.webhookIds.includes(w.id) ?? false}
                />
                {projectId === null ? `${w.project}: ` : ""}
                {w.name}
                {w.enabled ? "" : " (switched off)"}
              </label>
            ))}
          </div>
        )}
        <FieldErrors id={hooksId} errors={errors?.webhookIds} className="mt-1" />
      </fieldset>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={schedule?.enabled ?? true} /> Send the digest every week
      </label>
      <FormMessage state={state} />
      <SubmitButton pendingText="Saving…">Save schedule</SubmitButton>
    </form>
  );
}
