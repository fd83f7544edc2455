"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formAction, planPages } from "@/lib/actions/run";
import type { ServiceContext } from "@/lib/services/context";
import { addEscalationLevel, removeEscalationLevel, updateEscalationLevel } from "@/lib/services/escalation";
import {
  addMigrationStep,
  moveMigrationStep,
  removeMigrationStep,
  transitionMigrationStep,
  updateMigrationStep,
} from "@/lib/services/migration-steps";
import { addRisk, removeRisk, setRiskStatus, updateRisk } from "@/lib/services/risks";

// Server actions of the plan page's risk register, escalation matrix and migration plan: each
// calls one service, which authorises, validates and writes with its audit event.

type Service = (ctx: ServiceContext, input: unknown) => Promise<unknown>;

const stepFields = [
  "kind",
  "action",
  "reversible",
  "expectedDurationMinutes",
  "risk",
  "validation",
  "position",
] as const;
const riskFields = ["description", "likelihood", "impact", "mitigation", "ownerId", "ownerLabel", "status"] as const;
const levelFields = ["level", "who", "afterMinutes", "contact"] as const;

/** Each action here calls its service, then shows the plan page again. */
const run = (service: Service, form: FormData, message: string, keep: readonly string[] = []) =>
  formAction(service, form, { message, keep, revalidate: planPages(form) });

export async function addStepAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addMigrationStep, form, "Migration step added.", stepFields);
}

export async function updateStepAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateMigrationStep, form, "Migration step saved.", stepFields);
}

export async function removeStepAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeMigrationStep, form, "Migration step removed.");
}

export async function moveStepAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(moveMigrationStep, form, "Migration step moved.");
}

const transitionMessage: Record<string, string> = {
  start: "Step started.",
  validate: "Step marked validated.",
  complete: "Step completed.",
  fail: "Step marked failed.",
  revert: "Step reverted.",
};

export async function stepTransitionAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(transitionMigrationStep, form, transitionMessage[String(form.get("transition"))] ?? "Step updated.");
}

export async function addRiskAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addRisk, form, "Risk added.", riskFields);
}

export async function updateRiskAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateRisk, form, "Risk saved.", riskFields);
}

export async function riskStatusAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(setRiskStatus, form, "Risk status changed.");
}

export async function removeRiskAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeRisk, form, "Risk removed.");
}

export async function addLevelAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addEscalationLevel, form, "Escalation level added.", levelFields);
}

export async function updateLevelAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateEscalationLevel, form, "Escalation level saved.", levelFields);
}

export async function removeLevelAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeEscalationLevel, form, "Escalation level removed.");
}
