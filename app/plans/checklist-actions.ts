"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import { signChecklist, updateChecklistItem } from "@/lib/services/checklists";

export type ChecklistFormState = ActionResult<unknown> | null;

export async function updateItemAction(_prev: ChecklistFormState, form: FormData): Promise<ChecklistFormState> {
  const result = await runAction((ctx) => updateChecklistItem(ctx, formToObject(form)));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return keepValues(result, form, ["state", "reason", "evidenceUrl"]);
}

export async function signChecklistAction(_prev: ChecklistFormState, form: FormData): Promise<ChecklistFormState> {
  const result = await runAction((ctx) => signChecklist(ctx, formToObject(form)));
  if (result.ok) revalidatePath(`/plans/${String(form.get("planId"))}`);
  return result.ok ? { ...result, message: "Signed." } : result;
}
