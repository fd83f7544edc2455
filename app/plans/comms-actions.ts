"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { formToObject, keepValues, runAction } from "@/lib/actions/run";
import { addCommsEntry, moveCommsEntry, removeCommsEntry, updateCommsEntry } from "@/lib/services/comms";

const KEPT = ["event", "timing", "channel", "audience", "template"] as const;

const revalidatePlan = (form: FormData) => revalidatePath(`/plans/${String(form.get("planId"))}`);

/** Names the placeholders Phasegate does not know, so the editor can say so after saving too. */
const saved = (verb: string, unknown: string[]) =>
  unknown.length
    ? `${verb}. Not filled in from the plan: ${unknown.map((name) => `{${name}}`).join(", ")}.`
    : `${verb}.`;

export async function addCommsEntryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => addCommsEntry(ctx, formToObject(form)));
  if (!result.ok) return keepValues(result, form, KEPT);
  revalidatePlan(form);
  return { ...result, message: saved("Entry added", result.data.unknownPlaceholders) };
}

export async function updateCommsEntryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updateCommsEntry(ctx, formToObject(form)));
  if (!result.ok) return keepValues(result, form, KEPT);
  revalidatePlan(form);
  return { ...result, message: saved("Entry saved", result.data.unknownPlaceholders) };
}

export async function removeCommsEntryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => removeCommsEntry(ctx, formToObject(form)));
  if (result.ok) revalidatePlan(form);
  return result;
}

export async function moveCommsEntryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => moveCommsEntry(ctx, formToObject(form)));
  if (result.ok) revalidatePlan(form);
  return result;
}
