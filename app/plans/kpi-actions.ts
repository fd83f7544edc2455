"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formAction, planPages } from "@/lib/actions/run";
import { JUDGE_FORM_FIELDS } from "@/lib/domain/judge-settings";
import type { ServiceContext } from "@/lib/services/context";
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

type Service = (ctx: ServiceContext, input: unknown) => Promise<unknown>;

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
const run = (service: Service, form: FormData, message: string, keep: readonly string[] = []) =>
  formAction(service, form, {
    message,
    keep,
    revalidate: [...planPages(form), `/plans/${String(form.get("planId"))}/edit`],
  });

export async function addMetricAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addMetric, form, "KPI added.", metricFields);
}

export async function updateMetricAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateMetric, form, "KPI saved.", metricFields);
}

export async function moveMetricAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(moveMetric, form, "KPI moved.");
}

export async function removeMetricAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeMetric, form, "KPI removed.", ["confirm"]);
}

export async function addCriterionAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addCriterion, form, "Success criterion added.", criterionFields);
}

export async function updateCriterionAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateCriterion, form, "Success criterion saved.", criterionFields);
}

export async function removeCriterionAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeCriterion, form, "Success criterion removed.");
}

export async function addTriggerAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(addTrigger, form, "Rollback trigger added.", triggerFields);
}

export async function updateTriggerAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(updateTrigger, form, "Rollback trigger saved.", triggerFields);
}

export async function removeTriggerAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(removeTrigger, form, "Rollback trigger removed.");
}

export async function triggerEnabledAction(_prev: FormState, form: FormData): Promise<FormState> {
  return run(
    setTriggerEnabled,
    form,
    form.get("enabled") === "true"
      ? "Trigger enabled: it is evaluated again."
      : "Trigger disabled: it is no longer evaluated.",
  );
}
