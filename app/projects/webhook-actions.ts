"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import {
  type DeliveryOutcome,
  createWebhook,
  deleteWebhook,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "@/lib/services/webhooks";

export type WebhookActionResult = ActionResult<{ name: string }>;
export type WebhookSendResult = ActionResult<DeliveryOutcome>;

const KEPT = ["name", "url", "enabled"] as const;

const revalidateProject = () => revalidatePath("/projects/[slug]", "page");

/** A checkbox sends nothing when unticked: absent means switched off; events come as a group. */
function webhookInput(form: FormData) {
  return { ...formToObject(form, ["events"]), enabled: form.get("enabled") === "on" };
}

export async function createWebhookAction(
  _prev: WebhookActionResult | null,
  form: FormData,
): Promise<WebhookActionResult> {
  const result = await runAction(async (ctx) => ({ name: (await createWebhook(ctx, webhookInput(form))).name }));
  if (!result.ok) return keepValues(result, form, KEPT);
  revalidateProject();
  return {
    ...result,
    message: `Webhook “${result.data.name}” added: give its secret to the receiver so it can check signatures.`,
  };
}

export async function updateWebhookAction(
  _prev: WebhookActionResult | null,
  form: FormData,
): Promise<WebhookActionResult> {
  const result = await runAction(async (ctx) => ({ name: (await updateWebhook(ctx, webhookInput(form))).name }));
  if (!result.ok) return keepValues(result, form, KEPT);
  revalidateProject();
  return { ...result, message: `Webhook “${result.data.name}” saved.` };
}

export async function deleteWebhookAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runAction((ctx) => deleteWebhook(ctx, formToObject(form)));
  if (result.ok) revalidateProject();
  return result;
}

export async function rotateWebhookSecretAction(
  _prev: WebhookActionResult | null,
  form: FormData,
): Promise<WebhookActionResult> {
  const result = await runAction(async (ctx) => ({ name: (await rotateWebhookSecret(ctx, formToObject(form))).name }));
  if (!result.ok) return result;
  revalidateProject();
  return { ...result, message: "New secret made: the old one no longer verifies. Give the new one to the receiver." };
}

/** What one attempt did, in words. */
function outcomeMessage(outcome: DeliveryOutcome): string {
  if (outcome.status === "delivered") return `Delivered: the receiver answered ${outcome.statusCode ?? "OK"}.`;
  const why = `${outcome.error ?? "It was not sent."}${outcome.responseExcerpt ? ` (answer, shown to administrators only: ${outcome.responseExcerpt})` : ""}`;
  return outcome.status === "failed"
    ? `Not delivered: ${why} No more attempts are made.`
    : `Not delivered yet: ${why} It is tried again shortly.`;
}

export async function sendTestEventAction(_prev: WebhookSendResult | null, form: FormData): Promise<WebhookSendResult> {
  const result = await runAction((ctx) => sendTestEvent(ctx, formToObject(form)));
  if (!result.ok) return result;
  revalidateProject();
  return { ...result, message: outcomeMessage(result.data) };
}

export async function retryDeliveryAction(_prev: WebhookSendResult | null, form: FormData): Promise<WebhookSendResult> {
  const result = await runAction((ctx) => retryDelivery(ctx, formToObject(form)));
  if (!result.ok) return result;
  revalidateProject();
  return { ...result, message: outcomeMessage(result.data) };
}
