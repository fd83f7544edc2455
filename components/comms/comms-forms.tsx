"use client";

import { Named } from "@/components/ui/disclosure";
import { type FormState, failed } from "@/lib/actions/form-state";
import { useActionState, useId, useState } from "react";
import {
  addCommsEntryAction,
  moveCommsEntryAction,
  removeCommsEntryAction,
  updateCommsEntryAction,
} from "@/app/plans/comms-actions";
import { Field, FieldErrors, FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { COMMS_PLACEHOLDERS, placeholderDescriptions, unknownPlaceholders } from "@/lib/domain/comms";
import type { CommsEntryView } from "./comms-panel";

const summaryClass =
  "inline-flex cursor-pointer list-none items-center rounded-md border px-2 py-1 text-xs font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50";
const plainSummary = `${summaryClass} border-slate-300 text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800`;
const dangerSummary = `${summaryClass} border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40`;

/** The template field, warning while typing about placeholders Phasegate does not fill in. */
function TemplateField({ defaultValue, errors }: { defaultValue: string; errors: string[] | undefined }) {
  const id = `comms-template-${useId().replace(/:/g, "")}`;
  const [template, setTemplate] = useState(defaultValue);
  const unknown = unknownPlaceholders(template);
  const describedBy = [`${id}-hint`, unknown.length ? `${id}-warning` : null, errors?.length ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        Message template
      </label>
      <textarea
        id={id}
        name="template"
        rows={3}
        required
        value={template}
        onChange={(e) => setTemplate(e.target.value)}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy}
        className={inputClass}
        placeholder="{plan} is now in {phase} ({traffic}% of users). Next check: {eta}."
      />
      <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
        Placeholders: {COMMS_PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}
      </p>
      {unknown.length ? (
        <p id={`${id}-warning`} role="status" className="text-xs text-amber-800 dark:text-amber-300">
          <span aria-hidden="true">⚠ </span>
          Phasegate does not fill in{" "}
          {unknown.map((u, i) => (
            <span key={u.name}>
              {i > 0 ? ", " : ""}
              {`{${u.name}}`}
              {u.suggestion ? ` (did you mean {${u.suggestion}}?)` : ""}
            </span>
          ))}
          ; it is kept as written.
        </p>
      ) : null}
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}

/** An entry's one-line fields; the template has its own box below them. */
const entryFields = [
  { name: "event", label: "Stage or event", required: true, placeholder: "e.g. Phase advanced" },
  { name: "timing", label: "When", placeholder: "e.g. At each go decision" },
  { name: "channel", label: "Channel", required: true, placeholder: "e.g. #releases or Email" },
  { name: "audience", label: "Audience", required: true, placeholder: "e.g. Engineering and support" },
] as const;

function EntryFields({ entry, state }: { entry?: CommsEntryView; state: FormState }) {
  const { errors, values } = failed(state);
  const pick = (name: keyof CommsEntryView) => values?.[name] ?? entry?.[name] ?? "";
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        {entryFields.map(({ name, ...field }) => (
          <Field key={name} name={name} {...field} defaultValue={pick(name)} errors={errors?.[name]} />
        ))}
      </div>
      {/* Keyed on what was sent back, so a refused form shows what the person typed. */}
      <TemplateField
        key={values?.template ?? entry?.template ?? ""}
        defaultValue={pick("template")}
        errors={errors?.template}
      />
    </>
  );
}

export function AddCommsEntryForm({ planId }: { planId: string }) {
  const [state, action] = useActionState<FormState, FormData>(addCommsEntryAction, null);
  return (
    <details>
      <summary className={plainSummary}>Add a message</summary>
      <form
        action={action}
        className="mt-2 space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800"
        noValidate
        aria-label="Add a message to the communication plan"
      >
        <input type="hidden" name="planId" value={planId} />
        <EntryFields state={state} />
        <FormMessage state={state} />
        <SubmitButton pendingText="Adding…">Add message</SubmitButton>
      </form>
    </details>
  );
}

/** Edit, move and remove for one entry (release managers, plan not finished). */
export function CommsEntryControls({
  planId,
  entry,
  first,
  last,
}: {
  planId: string;
  entry: CommsEntryView;
  first: boolean;
  last: boolean;
}) {
  return (
    <>
      <details className="w-full sm:w-auto">
        <summary className={plainSummary}>
          <Named verb="Edit" name={`the message for ${entry.event}`} />
        </summary>
        <EditForm planId={planId} entry={entry} />
      </details>
      {first ? null : <MoveButton planId={planId} entry={entry} direction="up" />}
      {last ? null : <MoveButton planId={planId} entry={entry} direction="down" />}
      <details>
        <summary className={dangerSummary}>
          <Named verb="Remove" name={`the message for ${entry.event}`} asks />
        </summary>
        <RemoveForm planId={planId} entry={entry} />
      </details>
    </>
  );
}

function EditForm({ planId, entry }: { planId: string; entry: CommsEntryView }) {
  const [state, action] = useActionState<FormState, FormData>(updateCommsEntryAction, null);
  return (
    <form
      action={action}
      className="mt-2 space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800"
      noValidate
      aria-label={`Edit the message for ${entry.event}`}
    >
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="entryId" value={entry.id} />
      <EntryFields entry={entry} state={state} />
      <FormMessage state={state} />
      <SubmitButton variant="secondary" pendingText="Saving…">
        Save message
      </SubmitButton>
    </form>
  );
}

function MoveButton({ planId, entry, direction }: { planId: string; entry: CommsEntryView; direction: "up" | "down" }) {
  const [state, action] = useActionState<FormState, FormData>(moveCommsEntryAction, null);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="entryId" value={entry.id} />
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" className={plainSummary}>
        {direction === "up" ? "↑ Up" : "↓ Down"}
        <span className="sr-only"> move the message for {entry.event}</span>
      </button>
      {state && !state.ok ? <FormMessage state={state} /> : null}
    </form>
  );
}

function RemoveForm({ planId, entry }: { planId: string; entry: CommsEntryView }) {
  const [state, action] = useActionState<FormState, FormData>(removeCommsEntryAction, null);
  return (
    <form
      action={action}
      className="mt-2 space-y-2 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800"
    >
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="entryId" value={entry.id} />
      <p>
        Remove the message for “{entry.event}” ({entry.channel}) from the communication plan?
      </p>
      {state && !state.ok ? <FormMessage state={state} /> : null}
      <SubmitButton variant="danger" pendingText="Removing…">
        Remove message
      </SubmitButton>
    </form>
  );
}

/** What each placeholder is filled with, for people writing templates. */
export function PlaceholderHelp() {
  return (
    <details className="text-xs text-slate-600 dark:text-slate-400">
      <summary className="cursor-pointer underline">What the placeholders are filled with</summary>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {COMMS_PLACEHOLDERS.map((p) => (
          <div key={p} className="contents">
            <dt>
              <code>{`{${p}}`}</code>
            </dt>
            <dd>{placeholderDescriptions[p]}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
