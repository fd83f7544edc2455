import { z } from "zod";
import { yesNo } from "./form-values";
import { TEMPLATE_KEYS } from "@/lib/domain/templates";

const text = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Use at most ${max} characters` });
const optionalDate = z
  .union([z.literal(""), z.null(), z.coerce.date({ error: "Enter a valid date" })])
  .optional()
  .transform((v) => (v instanceof Date ? v : v === undefined ? undefined : null));

export const planVersionSchema = z.coerce
  .number({ error: "The page is missing the plan version; reload" })
  .int({ error: "The plan version is a whole number; reload" })
  .min(1, { error: "The plan version starts at 1; reload" })
  .max(2_147_483_647, { error: "No plan has a version that large; reload" });

export const createPlanSchema = z.object({
  projectId: z.uuid({ error: "Choose a project" }),
  template: z.enum(TEMPLATE_KEYS, { error: "Choose a template" }),
  name: text(120, "a name"),
  releaseVersion: text(40, "the release version (e.g. 2.4.0)"),
  summary: z.string().trim().max(2000).default(""),
  targetStartAt: optionalDate,
});

export const updatePlanSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  name: text(120, "a name").optional(),
  releaseVersion: text(40, "the release version").optional(),
  summary: z.string().trim().max(2000).optional(),
  targetStartAt: optionalDate,
  targetEndAt: optionalDate,
});

/** A form checkbox ("on" when ticked, absent when not) or a JSON boolean. */
const checkbox = yesNo("Choose yes or no", false);

export const phaseFieldsSchema = z.object({
  name: text(80, "a phase name"),
  audience: z.string().trim().max(300).default(""),
  trafficPercent: z.coerce
    .number({ error: "Enter a traffic share" })
    .min(0, { error: "Traffic is between 0 and 100%" })
    .max(100, { error: "Traffic is between 0 and 100%" }),
  plannedStartAt: optionalDate,
  plannedEndAt: optionalDate,
  minDurationMinutes: z.coerce
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 90)
    .default(0),
  requiredApprovals: z.coerce.number().int().min(0).max(20).default(1),
  autoAdvance: checkbox,
});

export const addPhaseSchema = phaseFieldsSchema.extend({ planId: z.uuid(), version: planVersionSchema });
export const updatePhaseSchema = phaseFieldsSchema.extend({
  planId: z.uuid(),
  version: planVersionSchema,
  phaseId: z.uuid(),
});
export const phaseAutoAdvanceSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  phaseId: z.uuid(),
  autoAdvance: checkbox,
});
export const removePhaseSchema = z.object({ planId: z.uuid(), version: planVersionSchema, phaseId: z.uuid() });
export const movePhaseSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  phaseId: z.uuid(),
  direction: z.enum(["up", "down"]),
});

export const transitionSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  action: z.enum(["schedule", "unschedule", "start", "pause", "resume", "cancel"], { error: "Unknown action" }),
  reason: z.string().trim().max(2000).default(""),
});

export const approveSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  comment: z.string().trim().max(1000).default(""),
});

export const decisionSchema = z.object({
  planId: z.uuid(),
  version: planVersionSchema,
  kind: z.enum(["go", "no_go", "rollback"], { error: "A decision is go, no_go or rollback" }),
  rationale: text(4000, "the rationale"),
  overrideReason: z
    .string()
    .trim()
    .max(4000)
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || v.length >= 10, { error: "Explain the override in at least 10 characters" }),
});

// The API body: the plan id comes from the path.
export const decisionBodySchema = decisionSchema.omit({ planId: true });
