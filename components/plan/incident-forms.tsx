"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useId, useState } from "react";
import {
  detectionAction,
  markVerifiedAction,
  postmortemAction,
  reopenIncidentAction,
  resolveIncidentAction,
  summaryAction,
} from "@/app/plans/incident-actions";
import { Field, FieldErrors, inputClass, SubmitButton } from "@/components/forms/fields";
import { ReloadableMessage } from "@/components/forms/messages";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;
type Ids = { planId: string; incidentId: string };

const POSTMORTEM_MAX = 20_000;

function Hidden({ fields }: { fields: Record<string, string> }) {
  return Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />);
}

/** Outcome of a save; when someone else changed the text first, a way to load their version. */
function OutcomeMessage({ state }: { state: FormState }) {
  return <ReloadableMessage state={state} stale={/someone else saved/i} />;
}

/** "2026-11-22T10:05" in UTC, the form of a datetime-local field; times are entered in UTC. */
const utcMinute = (iso: string) => iso.slice(0, 16);

export function MarkVerifiedForm({ planId, incidentId, executedAt }: Ids & { executedAt: string }) {
  const [state, action] = useActionState<FormState, FormData>(markVerifiedAction, null);
  return (
    <form action={action} className="space-y-2" data-testid="mark-verified-form" noValidate>
      <Hidden fields={{ planId, incidentId }} />
      <Field
        label="Verified at (UTC)"
        name="verifiedAt"
        type="datetime-local"
        min={utcMinute(executedAt)}
        defaultValue={failed(state).values?.verifiedAt}
        errors={failed(state).errors?.verifiedAt}
        hint="Leave empty to use the current time. Verify once traffic is on the previous version and the KPIs are back to baseline."
      />
      <OutcomeMessage state={state} />
      <SubmitButton pendingText="Recording…">Mark verified</SubmitButton>
    </form>
  );
}

function OneButton({
  action,
  fields,
  label,
  variant = "secondary",
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  variant?: "primary" | "secondary";
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, null);
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <Hidden fields={fields} />
      <SubmitButton variant={variant}>{label}</SubmitButton>
      <OutcomeMessage state={state} />
    </form>
  );
}

export function ResolveButton(ids: Ids) {
  return <OneButton action={resolveIncidentAction} fields={ids} label="Resolve" variant="primary" />;
}

export function ReopenForm({ planId, incidentId }: Ids) {
  const [state, action] = useActionState<FormState, FormData>(reopenIncidentAction, null);
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-700 dark:text-slate-300">Reopen</summary>
      <form action={action} className="mt-2 space-y-2" noValidate>
        <Hidden fields={{ planId, incidentId }} />
        <Field
          label="Why reopen?"
          name="reason"
          defaultValue={failed(state).values?.reason}
          errors={failed(state).errors?.reason}
        />
        <OutcomeMessage state={state} />
        <SubmitButton variant="secondary">Reopen incident</SubmitButton>
      </form>
    </details>
  );
}

/** Post-mortem notes as plain text; the fingerprint is of the text this editor started from. */
export function PostmortemEditor({
  planId,
  incidentId,
  text,
  fingerprint,
}: Ids & { text: string; fingerprint: string }) {
  const [state, action] = useActionState<FormState, FormData>(postmortemAction, null);
  const [draft, setDraft] = useState(failed(state).values?.postmortem ?? text);
  const id = `postmortem-${useId().replace(/:/g, "")}`;
  const errors = failed(state).errors?.postmortem;
  return (
    <form action={action} className="space-y-2" data-testid="postmortem-form" noValidate>
      <Hidden fields={{ planId, incidentId, baseFingerprint: fingerprint }} />
      <label htmlFor={id} className="block text-sm font-medium">
        Post-mortem
      </label>
      <textarea
        id={id}
        name="postmortem"
        rows={6}
        maxLength={POSTMORTEM_MAX}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        className={`${inputClass} font-mono text-xs`}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-hint ${id}-error` : `${id}-hint`}
        placeholder={"## What happened\n## Why\n## What we change\n- [ ] follow-up"}
      />
      <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
        Plain text; Markdown-style headings and lists are kept as typed. {draft.length.toLocaleString("en")} /{" "}
        {POSTMORTEM_MAX.toLocaleString("en")} characters.
      </p>
      <FieldErrors id={id} errors={errors} />
      <OutcomeMessage state={state} />
      <SubmitButton variant="secondary" pendingText="Saving…">
        Save post-mortem
      </SubmitButton>
    </form>
  );
}

/** Summary, and for a rollback decided by hand, when the problem was first noticed. */
export function IncidentDetailsForms({
  planId,
  incidentId,
  summary,
  fingerprint,
  manual,
  detectedAt,
}: Ids & { summary: string; fingerprint: string; manual: boolean; detectedAt: string }) {
  const [summaryState, saveSummary] = useActionState<FormState, FormData>(summaryAction, null);
  const [detectionState, saveDetection] = useActionState<FormState, FormData>(detectionAction, null);
  const summaryId = `summary-${useId().replace(/:/g, "")}`;
  const summaryErrors = failed(summaryState).errors?.summary;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-slate-700 dark:text-slate-300">
        Edit summary{manual ? " or detection time" : ""}
      </summary>
      <div className="mt-2 space-y-4">
        <form action={saveSummary} className="space-y-2" noValidate>
          <Hidden fields={{ planId, incidentId, baseFingerprint: fingerprint }} />
          <label htmlFor={summaryId} className="block text-sm font-medium">
            Summary
          </label>
          <textarea
            id={summaryId}
            name="summary"
            rows={3}
            className={inputClass}
            defaultValue={failed(summaryState).values?.summary ?? summary}
            aria-invalid={summaryErrors ? true : undefined}
            aria-describedby={summaryErrors ? `${summaryId}-error` : undefined}
          />
          <FieldErrors id={summaryId} errors={summaryErrors} />
          <OutcomeMessage state={summaryState} />
          <SubmitButton variant="secondary">Save summary</SubmitButton>
        </form>
        {manual ? (
          <form action={saveDetection} className="space-y-2" noValidate>
            <Hidden fields={{ planId, incidentId }} />
            <Field
              label="First noticed at (UTC)"
              name="detectedAt"
              type="datetime-local"
              defaultValue={failed(detectionState).values?.detectedAt ?? utcMinute(detectedAt)}
              errors={failed(detectionState).errors?.detectedAt}
              hint="When the problem was first seen, so the time to decide is measured. Not after the rollback decision."
            />
            <OutcomeMessage state={detectionState} />
            <SubmitButton variant="secondary">Save detection time</SubmitButton>
          </form>
        ) : null}
      </div>
    </details>
  );
}
