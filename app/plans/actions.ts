"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import { approveGate, recordDecision, transitionPlan } from "@/lib/services/decisions";
import {
  addPhase,
  createPlan,
  movePhase,
  removePhase,
  setPhaseAutoAdvance,
  updatePhase,
  updatePlan,
} from "@/lib/services/plans";

export async function createPlanAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => createPlan(ctx, formToObject(form)));
  if (!result.ok)
    return keepValues(result, form, ["projectId", "template", "name", "releaseVersion", "summary", "targetStartAt"]);
  redirect(`/plans/${(result.data as { planId: string }).planId}`);
}

function refreshed(
  planId: FormDataEntryValue | null,
  result: ActionResult<unknown>,
  message: string,
): ActionResult<unknown> {
  if (!result.ok) return result;
  revalidatePath(`/plans/${String(planId)}`);
  revalidatePath("/");
  return { ...result, message };
}

const transitionMessages: Record<string, string> = {
  schedule: "Scheduled.",
  unschedule: "Back to draft.",
  start: "Started: the first phase is active.",
  pause: "Paused.",
  resume: "Resumed.",
  cancel: "Cancelled.",
};

export async function transitionAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  return refreshed(
    form.get("planId"),
    await runAction((ctx) => transitionPlan(ctx, input)),
    transitionMessages[String(input.action)] ?? "Done.",
  );
}

export async function approveAction(_prev: FormState, form: FormData): Promise<FormState> {
  return refreshed(
    form.get("planId"),
    await runAction((ctx) => approveGate(ctx, formToObject(form))),
    "Approval recorded.",
  );
}

export async function decisionAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => recordDecision(ctx, formToObject(form)));
  const kind = String(form.get("kind"));
  const message =
    kind === "go"
      ? "Go recorded: the plan advanced."
      : kind === "no_go"
        ? "No-go recorded: the phase stays."
        : "Rolled back: traffic is at 0% and an incident is open.";
  return keepValues(refreshed(form.get("planId"), result, message), form, ["kind", "rationale", "overrideReason"]);
}

export async function updatePlanAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePlan(ctx, formToObject(form)));
  return keepValues(refreshed(form.get("planId"), result, "Plan saved."), form, [
    "name",
    "releaseVersion",
    "summary",
    "targetStartAt",
    "targetEndAt",
  ]);
}

export async function addPhaseAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => addPhase(ctx, formToObject(form)));
  return keepValues(refreshed(form.get("planId"), result, "Phase added."), form, [
    "name",
    "audience",
    "trafficPercent",
    "plannedStartAt",
    "plannedEndAt",
    "minDurationMinutes",
    "requiredApprovals",
    "autoAdvance",
  ]);
}

export async function updatePhaseAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePhase(ctx, formToObject(form)));
  return keepValues(refreshed(form.get("planId"), result, "Phase saved."), form, [
    "name",
    "audience",
    "trafficPercent",
    "plannedStartAt",
    "plannedEndAt",
    "minDurationMinutes",
    "requiredApprovals",
    "autoAdvance",
  ]);
}

export async function phaseOrderAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const op = input.op === "remove" ? removePhase : movePhase;
  return refreshed(
    form.get("planId"),
    await runAction((ctx) => op(ctx, input)),
    input.op === "remove" ? "Phase removed." : "Phase moved.",
  );
}

export async function autoAdvanceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const on = input.autoAdvance === "true";
  return refreshed(
    form.get("planId"),
    await runAction((ctx) => setPhaseAutoAdvance(ctx, input)),
    on ? "This phase now advances by itself once its gate holds." : "This phase now waits for a go decision.",
  );
}
