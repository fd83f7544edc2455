"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { formToObject, keepValues, runAction } from "@/lib/actions/run";
import { addChecklistItem, editChecklistItem, moveChecklistItem } from "@/lib/services/checklist-items";
import { signChecklist, updateChecklistItem } from "@/lib/services/checklists";

export async function updateItemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updateChecklistItem(ctx, formToObject(form)));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return keepValues(result, form, ["state", "reason", "evidenceUrl"]);
}

export async function signChecklistAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => signChecklist(ctx, formToObject(form)));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return result.ok ? { ...result, message: "Signed." } : result;
}

export async function addItemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const result = await runAction((ctx) => addChecklistItem(ctx, { ...input, required: input.required === "on" }));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return result.ok ? { ...result, message: "Item added." } : keepValues(result, form, ["text", "key"]);
}

export async function editItemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const result = await runAction((ctx) => editChecklistItem(ctx, { ...input, required: input.required === "on" }));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return result;
}

export async function moveItemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => moveChecklistItem(ctx, formToObject(form)));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return result;
}
