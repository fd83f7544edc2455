import { z } from "zod";
import { blankToNull, yesNo } from "./form-values";
import { migrationKind, riskLevel, riskStatus } from "@/db/schema/enums";

// A plan's migration steps, risks and escalation levels as forms and callers send them: numbers
// may arrive as text, an empty box means "none", a yes/no choice arrives as "true" or "false".

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

const text = (max: number, what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Use at most ${max} characters` });
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? "" : v),
    z
      .string()
      .trim()
      .max(max, { error: `Use at most ${max} characters` }),
  );
const wholeNumber = (what: string, min: number, max: number, unit = "") =>
  z.coerce
    .number({ error: `Enter ${what} as a whole number` })
    .int({ error: `Enter ${what} as a whole number` })
    .min(min, { error: `Use ${min} or more${unit}` })
    .max(max, { error: `Use at most ${max.toLocaleString("en")}${unit}` });

const planId = z.uuid({ error: "The page is missing the plan; reload" });
const level = (what: string) => z.enum(riskLevel.enumValues, { error: `Choose the ${what}: low, medium or high` });
// Absent means reversible (the safe assumption that asks nothing more); forms always send one.
const reversible = yesNo("Choose whether the step can be reversed", true);

const stepFields = {
  kind: z.enum(migrationKind.enumValues, { error: "Choose schema, code, backfill or cleanup" }),
  action: text(300, "what the step does"),
  reversible,
  expectedDurationMinutes: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? 0 : v),
    wholeNumber("the expected duration", 0, 60 * 24 * 30, " minutes"),
  ),
  risk: level("risk"),
  validation: optionalText(500),
};

const stepRef = { planId, stepId: z.uuid({ error: "Choose a migration step" }) };

export const addStepSchema = z.object({
  planId,
  ...stepFields,
  /** "Insert as step N" (from 1); without it the step goes after the last one of its kind or an earlier kind. */
  position: z.preprocess(blankToUndefined, wholeNumber("the step number", 1, 1000).optional()),
});
export const updateStepSchema = z.object({ ...stepRef, ...stepFields });
export const removeStepSchema = z.object(stepRef);
export const moveStepSchema = z.object({ ...stepRef, direction: z.enum(["up", "down"], { error: "Move up or down" }) });
export const stepTransitionSchema = z.object({
  ...stepRef,
  transition: z.enum(["start", "validate", "complete", "fail", "revert"], {
    error: "Choose start, mark validated, complete, mark failed or revert",
  }),
});

const riskFields = {
  description: text(500, "the risk"),
  likelihood: level("likelihood"),
  impact: level("impact"),
  mitigation: optionalText(1000),
  ownerId: z.preprocess(blankToNull, z.uuid({ error: "Choose someone in this project" }).nullable()),
  ownerLabel: optionalText(120),
};

const riskRef = { planId, riskId: z.uuid({ error: "Choose a risk" }) };
const status = z.enum(riskStatus.enumValues, { error: "Choose open, mitigated, accepted or closed" });

export const addRiskSchema = z.object({
  planId,
  ...riskFields,
  status: z.preprocess(blankToUndefined, status.default("open")),
});
export const updateRiskSchema = z.object({ ...riskRef, ...riskFields });
export const setRiskStatusSchema = z.object({ ...riskRef, status });
export const removeRiskSchema = z.object(riskRef);

const levelFields = {
  level: wholeNumber("the level", 1, 20),
  who: text(120, "who is called"),
  afterMinutes: wholeNumber("after how many minutes", 0, 60 * 24 * 7, " minutes"),
  contact: optionalText(200),
};

const levelRef = { planId, levelId: z.uuid({ error: "Choose an escalation level" }) };

export const addLevelSchema = z.object({ planId, ...levelFields });
export const updateLevelSchema = z.object({ ...levelRef, ...levelFields });
export const removeLevelSchema = z.object(levelRef);
