"use server";

import type { FormState } from "@/lib/actions/form-state";
import { redirect } from "next/navigation";
import { formToObject, keepValues, planPages, runAction, settle } from "@/lib/actions/run";
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
  return settle(await runAction((ctx) => transitionPlan(ctx, input)), form, {
    message: transitionMessages[String(input.action)] ?? "Done.",
    revalidate: planPages(form),
  });
}

export async function approveAction(_prev: FormState, form: FormData): Promise<FormState> {
  return settle(await runAction((ctx) => approveGate(ctx, formToObject(form))), form, {
    message: "Approval recorded.",
    revalidate: planPages(form),
  });
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
  return settle(result, form, {
    message: message,
    revalidate: planPages(form),
    keep: ["kind", "rationale", "overrideReason"],
  });
}

export async function updatePlanAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePlan(ctx, formToObject(form)));
  return settle(result, form, {
    message: "Plan saved.",
    revalidate: planPages(form),
    keep: ["name", "releaseVersion", "summary", "targetStartAt", "targetEndAt"],
  });
}

/** What a phase form keeps as typed when the save is refused. */
const phaseFields = [
  "name",
  "audience",
  "trafficPercent",
  "plannedStartAt",
  "plannedEndAt",
  "minDurationMinutes",
  "requiredApprovals",
  "autoAdvance",
] as const;

export async function addPhaseAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => addPhase(ctx, formToObject(form)));
  return settle(result, form, {
    message: "Phase added.",
    revalidate: planPages(form),
    keep: phaseFields,
  });
}

export async function updatePhaseAction(_prev: FormState, form: FormData): Promise<FormState> {
  const result = await runAction((ctx) => updatePhase(ctx, formToObject(form)));
  return settle(result, form, {
    message: "Phase saved.",
    revalidate: planPages(form),
    keep: phaseFields,
  });
}

export async function phaseOrderAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const op = input.op === "remove" ? removePhase : movePhase;
  return settle(await runAction((ctx) => op(ctx, input)), form, {
    message: input.op === "remove" ? "Phase removed." : "Phase moved.",
    revalidate: planPages(form),
  });
}

export async function autoAdvanceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const on = input.autoAdvance === "true";
  return settle(await runAction((ctx) => setPhaseAutoAdvance(ctx, input)), form, {
    message: on ? "This phase now advances by itself once its gate holds." : "This phase now waits for a go decision.",
    revalidate: planPages(form),
  });
}
