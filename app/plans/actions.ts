"use server";

import type { FormState } from "@/lib/actions/form-state";
import { redirect } from "next/navigation";
import { formActionsShowing, formToObject, keepValues, planPages, runAction, settle } from "@/lib/actions/run";
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

/** The plan form actions that show the plan page and the portfolio again. */
const planAction = formActionsShowing(planPages);

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

export const transitionAction = planAction(
  transitionPlan,
  (_data, form) => transitionMessages[String(form.get("action"))] ?? "Done.",
);

export const approveAction = planAction(approveGate, "Approval recorded.");

export const decisionAction = planAction(
  recordDecision,
  (_data, form) =>
    form.get("kind") === "go"
      ? "Go recorded: the plan advanced."
      : form.get("kind") === "no_go"
        ? "No-go recorded: the phase stays."
        : "Rolled back: traffic is at 0% and an incident is open.",
  ["kind", "rationale", "overrideReason"],
);

export const updatePlanAction = planAction(updatePlan, "Plan saved.", [
  "name",
  "releaseVersion",
  "summary",
  "targetStartAt",
  "targetEndAt",
]);

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

export const addPhaseAction = planAction(addPhase, "Phase added.", phaseFields);

export const updatePhaseAction = planAction(updatePhase, "Phase saved.", phaseFields);

export async function phaseOrderAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = formToObject(form);
  const op = input.op === "remove" ? removePhase : movePhase;
  return settle(await runAction((ctx) => op(ctx, input)), form, {
    message: input.op === "remove" ? "Phase removed." : "Phase moved.",
    revalidate: planPages(form),
  });
}

export const autoAdvanceAction = planAction(setPhaseAutoAdvance, (_data, form) =>
  form.get("autoAdvance") === "true"
    ? "This phase now advances by itself once its gate holds."
    : "This phase now waits for a go decision.",
);
