"use server";

import { formActionsShowing, planPages } from "@/lib/actions/run";
import { JUDGE_FORM_FIELDS } from "@/lib/domain/judge-settings";
import {
  addCriterion,
  addMetric,
  addTrigger,
  moveMetric,
  removeCriterion,
  removeMetric,
  removeTrigger,
  setTriggerEnabled,
  updateCriterion,
  updateMetric,
  updateTrigger,
} from "@/lib/services/kpis";

// Server actions of the plan editor's "KPIs and rollback" section: each calls one service of
// lib/services/kpis.ts, which authorises, validates and writes with its audit event.

const metricFields = [
  "key",
  "label",
  "unit",
  "direction",
  "target",
  "alertThreshold",
  "criticalThreshold",
  "sourceKind",
  "sourceId",
  "promql",
  "denominatorPromql",
  "catalogueKey",
] as const;
const criterionFields = ["metricId", "kind", "comparison", "value", "sustainedMinutes", ...JUDGE_FORM_FIELDS] as const;
const triggerFields = [
  "metricId",
  "phaseId",
  "description",
  "mode",
  "comparison",
  "value",
  "durationMinutes",
  "action",
  "enabled",
  ...JUDGE_FORM_FIELDS,
] as const;

/** Each action here calls its service, then shows the plan page, its editor and (thresholds colour health) the portfolio again. */
const kpiPages = (form: FormData) => [...planPages(form), `/plans/${String(form.get("planId"))}/edit`];
const kpiAction = formActionsShowing(kpiPages);

export const addMetricAction = kpiAction(addMetric, "KPI added.", metricFields);
export const updateMetricAction = kpiAction(updateMetric, "KPI saved.", metricFields);
export const moveMetricAction = kpiAction(moveMetric, "KPI moved.");
export const removeMetricAction = kpiAction(removeMetric, "KPI removed.", ["confirm"]);
export const addCriterionAction = kpiAction(addCriterion, "Success criterion added.", criterionFields);
export const updateCriterionAction = kpiAction(updateCriterion, "Success criterion saved.", criterionFields);
export const removeCriterionAction = kpiAction(removeCriterion, "Success criterion removed.");
export const addTriggerAction = kpiAction(addTrigger, "Rollback trigger added.", triggerFields);
export const updateTriggerAction = kpiAction(updateTrigger, "Rollback trigger saved.", triggerFields);
export const removeTriggerAction = kpiAction(removeTrigger, "Rollback trigger removed.");
export const triggerEnabledAction = kpiAction(setTriggerEnabled, (_data, form) =>
  form.get("enabled") === "true"
    ? "Trigger enabled: it is evaluated again."
    : "Trigger disabled: it is no longer evaluated.",
);
