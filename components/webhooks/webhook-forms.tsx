"use client";

import { Named } from "@/components/ui/disclosure";
import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useId } from "react";
import {
  createWebhookAction,
  deleteWebhookAction,
  retryDeliveryAction,
  rotateWebhookSecretAction,
  sendTestEventAction,
  type WebhookActionResult,
  type WebhookSendResult,
  updateWebhookAction,
} from "@/app/projects/webhook-actions";
import { Field, FieldErrors, FormMessage, SubmitButton, SaveTarget } from "@/components/forms/fields";
import {
  WEBHOOK_EVENTS,
  webhookEventDescription,
  webhookEventLabel,
  type WebhookEvent,
} from "@/lib/domain/webhook-events";

export interface WebhookFormValues {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
}

/** Adds a webhook (with `projectId`) or edits one (with `webhook`). */
export function WebhookForm({ projectId, webhook }: { projectId?: string; webhook?: WebhookFormValues }) {
  const [state, action] = useActionState<WebhookActionResult | null, FormData>(
    webhook ? updateWebhookAction : createWebhookAction,
    null,
  );
  const { errors, values } = failed(state);
  const enabled = values ? values.enabled === "on" : (webhook?.enabled ?? true);
  return (
    <form
      action={action}
      className="space-y-3"
      noValidate
      aria-label={webhook ? `Edit webhook ${webhook.name}` : "New webhook"}
    >
      <SaveTarget idName="webhookId" id={webhook?.id} projectId={projectId} />
      <Field
        label="Name"
        name="name"
        required
        placeholder="e.g. #releases on Slack"
        errors={errors?.name}
        defaultValue={values?.name ?? webhook?.name}
      />
      <Field
        label="URL"
        name="url"
        type="url"
        required
        placeholder="https://hooks.slack.com/services/…"
        hint="Receives a POST with Slack-compatible JSON. No user name or password in it: the receiver checks the signature. Public addresses only, unless an administrator allows an internal one."
        errors={errors?.url}
        defaultValue={values?.url ?? webhook?.url}
        spellCheck={false}
      />
      <EventChoices defaults={webhook?.events ?? [...WEBHOOK_EVENTS]} errors={errors?.events} />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={enabled} /> Send events
      </label>
      <FormMessage state={state} />
      <SubmitButton variant={webhook ? "secondary" : "primary"} pendingText="Saving…">
        {webhook ? "Save webhook" : "Add webhook"}
      </SubmitButton>
    </form>
  );
}

function EventChoices({ defaults, errors }: { defaults: string[]; errors: string[] | undefined }) {
  const id = `webhook-events-${useId().replace(/:/g, "")}`;
  return (
    <fieldset
      aria-describedby={errors?.length ? `${id}-error` : undefined}
      aria-invalid={errors?.length ? true : undefined}
    >
      <legend className="text-sm font-medium">Events</legend>
      <div className="mt-1 space-y-1">
        {WEBHOOK_EVENTS.map((event: WebhookEvent) => (
          <label key={event} className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="events"
              value={event}
              defaultChecked={defaults.includes(event)}
              className="mt-1"
            />
            <span>
              {webhookEventLabel[event]}{" "}
              <span className="text-xs text-slate-600 dark:text-slate-400">— {webhookEventDescription[event]}</span>
            </span>
          </label>
        ))}
      </div>
      <FieldErrors id={id} errors={errors} className="mt-1" />
    </fieldset>
  );
}

export function DeleteWebhookForm({ webhook }: { webhook: { id: string; name: string } }) {
  const [state, action] = useActionState<FormState, FormData>(deleteWebhookAction, null);
  return (
    <form action={action} className="space-y-2 text-sm">
      <input type="hidden" name="webhookId" value={webhook.id} />
      <p>Delete “{webhook.name}”? Its delivery log goes with it and deliveries not yet sent are dropped.</p>
      {state && !state.ok ? <FormMessage state={state} /> : null}
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete webhook
      </SubmitButton>
    </form>
  );
}

export function RotateSecretForm({ webhook }: { webhook: { id: string; name: string } }) {
  const [state, action] = useActionState<WebhookActionResult | null, FormData>(rotateWebhookSecretAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="webhookId" value={webhook.id} />
      <SubmitButton variant="secondary" pendingText="Rotating…">
        <Named verb="Rotate secret" name={`of ${webhook.name}`} />
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

/** "Send test event" and "Retry now": one attempt at once, its outcome in words next to the button. */
export function SendButton({ kind, id, name }: { kind: "test" | "retry"; id: string | number; name: string }) {
  const [state, action] = useActionState<WebhookSendResult | null, FormData>(
    kind === "test" ? sendTestEventAction : retryDeliveryAction,
    null,
  );
  const arrived = state?.ok && state.data.status === "delivered";
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name={kind === "test" ? "webhookId" : "deliveryId"} value={String(id)} />
      <SubmitButton variant="secondary" pendingText="Sending…">
        {kind === "test" ? "Send test event" : "Retry now"}
        <span className="sr-only"> {name}</span>
      </SubmitButton>
      {state && state.ok ? (
        <p
          role="status"
          className={
            arrived ? "text-xs text-emerald-800 dark:text-emerald-300" : "text-xs text-amber-900 dark:text-amber-300"
          }
        >
          <span aria-hidden="true">{arrived ? "✓ " : "⚠ "}</span>
          {state.message}
        </p>
      ) : (
        <FormMessage state={state} />
      )}
    </form>
  );
}
