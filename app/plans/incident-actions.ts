"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formToObject, planPages, runAction, settle } from "@/lib/actions/run";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";

export async function markVerifiedAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => markVerified(ctx, formToObject(form)));
  return settle(result, form, {
    message: "Rollback verified: the incident is mitigated.",
    revalidate: planPages(form),
    keep: ["verifiedAt"],
  });
}

export async function resolveIncidentAction(_prev: FormState, form: FormData): Promise<FormState> {
  return settle(await runAction((ctx) => resolveIncident(ctx, formToObject(form))), form, {
    message: "Incident resolved.",
    revalidate: planPages(form),
  });
}

export async function reopenIncidentAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => reopenIncident(ctx, formToObject(form)));
  return settle(result, form, { message: "Incident reopened.", revalidate: planPages(form), keep: ["reason"] });
}

export async function postmortemAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePostmortem(ctx, formToObject(form)));
  const changed = result.ok && (result.data as { changed: boolean }).changed;
  // A refused save hands the text back so nothing typed is lost.
  return settle(result, form, {
    message: changed ? "Post-mortem saved." : "No changes to save.",
    revalidate: planPages(form),
    keep: ["postmortem"],
  });
}

export async function summaryAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => editIncidentSummary(ctx, formToObject(form)));
  return settle(result, form, { message: "Summary saved.", revalidate: planPages(form), keep: ["summary"] });
}

export async function detectionAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => correctDetectionTime(ctx, formToObject(form)));
  return settle(result, form, { message: "Detection time saved.", revalidate: planPages(form), keep: ["detectedAt"] });
}
