"use server";

import { formActionsShowing, planPages } from "@/lib/actions/run";
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
const planAction = formActionsShowing(planPages);

export const addStepAction = planAction(addMigrationStep, "Migration step added.", stepFields);
export const updateStepAction = planAction(updateMigrationStep, "Migration step saved.", stepFields);
export const removeStepAction = planAction(removeMigrationStep, "Migration step removed.");
export const moveStepAction = planAction(moveMigrationStep, "Migration step moved.");

const transitionMessage: Record<string, string> = {
  start: "Step started.",
  validate: "Step marked validated.",
  complete: "Step completed.",
  fail: "Step marked failed.",
  revert: "Step reverted.",
};

export const stepTransitionAction = planAction(
  transitionMigrationStep,
  (_data, form) => transitionMessage[String(form.get("transition"))] ?? "Step updated.",
);

export const addRiskAction = planAction(addRisk, "Risk added.", riskFields);
export const updateRiskAction = planAction(updateRisk, "Risk saved.", riskFields);
export const riskStatusAction = planAction(setRiskStatus, "Risk status changed.");
export const removeRiskAction = planAction(removeRisk, "Risk removed.");
export const addLevelAction = planAction(addEscalationLevel, "Escalation level added.", levelFields);
export const updateLevelAction = planAction(updateEscalationLevel, "Escalation level saved.", levelFields);
export const removeLevelAction = planAction(removeEscalationLevel, "Escalation level removed.");
