import { z } from "zod";
import { blankToNull, yesNo } from "./form-values";
import {
  comparison,
  criterionKind,
  metricDirection,
  metricSourceKind,
  triggerAction,
  triggerMode,
} from "@/db/schema/enums";
import { METRIC_KEY_PATTERN } from "@/lib/domain/kpi-rules";
import { planVersionSchema } from "./plans";

// A plan's KPIs, success criteria and rollback triggers as forms and callers send them: numbers
// may arrive as text, an empty box means "none", checkboxes arrive as "on".

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

const finite = (what: string) =>
  z.coerce
    .number({ error: `Enter ${what} as a number` })
    .refine(Number.isFinite, { error: `Enter ${what} as a number` });
const optionalNumber = (what: string) => z.preprocess(blankToNull, finite(what).nullable());
const minutes = (what: string) =>
  z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? 0 : v),
    z.coerce
      .number({ error: `Enter ${what} in whole minutes` })
      .int({ error: `Enter ${what} in whole minutes` })
      .min(0, { error: "Use 0 or more minutes" })
      .max(60 * 24 * 365, { error: "Use at most a year" }),
  );
const optionalId = (what: string) => z.preprocess(blankToNull, z.uuid({ error: `Choose ${what}` }).nullable());
const text = (max: number, what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Use at most ${max} characters` });
// A switch: absent means on for callers that leave it out; forms always send "true" or "false".
const enabledSwitch = yesNo("Choose whether it is on", true);

const planRef = { planId: z.uuid({ error: "The page is missing the plan; reload" }), version: planVersionSchema };

const metricFields = {
  label: text(80, "a label"),
  unit: z.string().trim().max(20, { error: "Use at most 20 characters" }).default(""),
  direction: z.enum(metricDirection.enumValues, { error: "Choose whether lower or higher is better" }),
  target: optionalNumber("the target"),
  alertThreshold: optionalNumber("the alert threshold"),
  criticalThreshold: optionalNumber("the critical threshold"),
  sourceKind: z.preprocess(
    blankToUndefined,
    z.enum(metricSourceKind.enumValues, { error: "Samples are pushed or polled from Prometheus" }).default("push"),
  ),
  sourceId: optionalId("a metric source"),
  promql: z.preprocess(blankToNull, z.string().trim().max(2000, { error: "Use at most 2,000 characters" }).nullable()),
  // A rate polled as counts: promql gives the numerator (errors), this the denominator (requests).
  denominatorPromql: z.preprocess(
    blankToNull,
    z.string().trim().max(2000, { error: "Use at most 2,000 characters" }).nullable().default(null),
  ),
};

export const metricKeySchema = z
  .string({ error: "Enter a key" })
  .trim()
  .max(64, { error: "Use at most 64 characters" })
  .regex(METRIC_KEY_PATTERN, { error: "Start with a lowercase letter; use lowercase letters, digits, _ and . only" });

export const addMetricSchema = z.discriminatedUnion(
  "from",
  [
    z.object({
      ...planRef,
      from: z.literal("catalogue"),
      catalogueKey: z.string({ error: "Choose a KPI" }).trim().min(1, { error: "Choose a KPI" }),
    }),
    z.object({
      ...planRef,
      from: z.literal("custom"),
      key: z.preprocess(blankToUndefined, metricKeySchema.optional()),
      ...metricFields,
    }),
  ],
  { error: "Add a KPI from the catalogue or a custom one" },
);

export const updateMetricSchema = z.object({
  ...planRef,
  metricId: z.uuid({ error: "Choose a KPI" }),
  ...metricFields,
});

export const removeMetricSchema = z.object({
  ...planRef,
  metricId: z.uuid({ error: "Choose a KPI" }),
  confirm: z.string().trim().max(64).default(""),
});

export const moveMetricSchema = z.object({
  ...planRef,
  metricId: z.uuid({ error: "Choose a KPI" }),
  direction: z.enum(["up", "down"], { error: "Move up or down" }),
});

// The canary judge's settings as the editor sends them (percentages, blanks for the defaults);
// lib/domain/judge-settings.ts reads them once the KPI is known.
const judgeFields = {
  judgeMethod: z.preprocess(blankToUndefined, z.string().max(40).optional()),
  judgeAlphaPercent: z.preprocess(blankToUndefined, z.union([z.string().max(40), z.number()]).optional()),
  judgeMinSample: z.preprocess(blankToUndefined, z.union([z.string().max(40), z.number()]).optional()),
  judgeTolerancePercent: z.preprocess(blankToUndefined, z.union([z.string().max(40), z.number()]).optional()),
  judgeSmallestRegressionPercent: z.preprocess(blankToUndefined, z.union([z.string().max(40), z.number()]).optional()),
};

const criterionFields = {
  metricId: z.uuid({ error: "Choose a KPI" }),
  kind: z.preprocess(
    blankToUndefined,
    z.enum(criterionKind.enumValues, { error: "Choose a threshold or the canary judge" }).default("threshold"),
  ),
  // A threshold's fields; the canary judge's criterion needs none of them.
  comparison: z.preprocess(
    blankToUndefined,
    z.enum(comparison.enumValues, { error: "Choose <, ≤, > or ≥" }).optional(),
  ),
  value: z.preprocess(blankToUndefined, finite("the value").optional()),
  sustainedMinutes: minutes("how long it must hold"),
  ...judgeFields,
};

export const addCriterionSchema = z.object({
  ...planRef,
  phaseId: z.uuid({ error: "Choose a phase" }),
  ...criterionFields,
});
export const updateCriterionSchema = z.object({
  ...planRef,
  criterionId: z.uuid({ error: "Choose a criterion" }),
  ...criterionFields,
});
export const removeCriterionSchema = z.object({ ...planRef, criterionId: z.uuid({ error: "Choose a criterion" }) });

const triggerFields = {
  metricId: optionalId("a KPI"),
  phaseId: optionalId("a phase"),
  description: z.preprocess(
    blankToNull,
    z.string().trim().max(300, { error: "Use at most 300 characters" }).nullable(),
  ),
  mode: z.enum(triggerMode.enumValues, {
    error: "Choose absolute, relative to baseline, degradation or canary worse than baseline",
  }),
  // A threshold rule's fields; a canary_worse trigger is judged by its settings instead.
  comparison: z.preprocess(
    blankToUndefined,
    z.enum(comparison.enumValues, { error: "Choose <, ≤, > or ≥" }).optional(),
  ),
  value: z.preprocess(blankToUndefined, finite("the value").optional()),
  durationMinutes: minutes("how long it must hold"),
  action: z.enum(triggerAction.enumValues, { error: "Choose automatic rollback or alert only" }),
  ...judgeFields,
};

export const addTriggerSchema = z.object({ ...planRef, ...triggerFields, enabled: enabledSwitch });
export const updateTriggerSchema = z.object({
  ...planRef,
  triggerId: z.uuid({ error: "Choose a trigger" }),
  ...triggerFields,
});
export const removeTriggerSchema = z.object({ ...planRef, triggerId: z.uuid({ error: "Choose a trigger" }) });
export const setTriggerEnabledSchema = z.object({
  ...planRef,
  triggerId: z.uuid({ error: "Choose a trigger" }),
  enabled: enabledSwitch,
});
