"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";

function refreshed(form: FormData, result: ActionResult<unknown>, message: string): ActionResult<unknown> {
  if (!result.ok) return result;
  revalidatePath(`/plans/${String(form.get("planId"))}`);
  revalidatePath("/");
  return { ...result, message };
}

export async function markVerifiedAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => markVerified(ctx, formToObject(form)));
  return keepValues(refreshed(form, result, "Rollback verified: the incident is mitigated."), form, ["verifiedAt"]);
}

export async function resolveIncidentAction(_prev: FormState, form: FormData): Promise<FormState> {
  return refreshed(form, await runAction((ctx) => resolveIncident(ctx, formToObject(form))), "Incident resolved.");
}

export async function reopenIncidentAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => reopenIncident(ctx, formToObject(form)));
  return keepValues(refreshed(form, result, "Incident reopened."), form, ["reason"]);
}

export async function postmortemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePostmortem(ctx, formToObject(form)));
  const changed = result.ok && (result.data as { changed: boolean }).changed;
  // A refused save hands the text back so nothing typed is lost.
  return keepValues(refreshed(form, result, changed ? "Post-mortem saved." : "No changes to save."), form, [
    "postmortem",
  ]);
}

export async function summaryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => editIncidentSummary(ctx, formToObject(form)));
  return keepValues(refreshed(form, result, "Summary saved."), form, ["summary"]);
}

export async function detectionAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => correctDetectionTime(ctx, formToObject(form)));
  return keepValues(refreshed(form, result, "Detection time saved."), form, ["detectedAt"]);
}
