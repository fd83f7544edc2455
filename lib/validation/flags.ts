import { z } from "zod";
import { blankToNull, yesNo } from "./form-values";
import { flagType, segmentKind, segmentOperator, type FlagType } from "@/db/schema/enums";
import type { FlagValue } from "@/db/schema/flags";

// Feature flags and segments as forms and callers send them. Forms send variants as text, one
// `name = value` per line, and lists (targeting keys, attribute values) one per line or
// comma-separated; API callers may send an object and arrays instead.

/** The same shape as the database's flags_key_shape check. */
export const FLAG_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const VARIANT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ATTRIBUTE_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const MAX_VARIANTS = 20;
export const MAX_USER_KEYS = 10_000;
export const MAX_RULE_VALUES = 1_000;
export const MAX_RULES = 50;
const MAX_VARIANTS_JSON = 32_000;

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

const keySchema = (what: string) =>
  z
    .string({ error: `Enter the ${what} key` })
    .trim()
    .min(1, { error: `Enter the ${what} key` })
    .regex(FLAG_KEY_PATTERN, {
      error: "Start with a letter or digit; use letters, digits, _ . and - only (at most 128)",
    });

const description = z.string({ error: "Enter a description" }).trim().max(500, { error: "Use at most 500 characters" });
const flagId = z.uuid({ error: "The page is missing the flag; reload" });
const segmentId = z.uuid({ error: "The page is missing the segment; reload" });
const variantName = (what: string) =>
  z
    .string({ error: `Choose the ${what}` })
    .trim()
    .min(1, { error: `Choose the ${what}` });

// ---- Variants -------------------------------------------------------------------------------

/** Variants before they are checked against the flag's type: each name with what was sent. */
type RawVariants = [name: string, raw: unknown][];

const rawVariantsSchema = z.preprocess(
  (v) => {
    if (typeof v === "string") {
      return v
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const at = line.indexOf("=");
          return at < 0 ? [line, undefined] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
        });
    }
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.entries(v);
    return v;
  },
  z.array(z.tuple([z.string(), z.unknown()]), { error: "List the variants, one “name = value” per line" }),
);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A variant's value read for the flag type, or why it cannot be one. */
export function readVariantValue(
  type: FlagType,
  raw: unknown,
): { ok: true; value: FlagValue } | { ok: false; message: string } {
  if (raw === undefined) return { ok: false, message: "give a value after “=”" };
  switch (type) {
    case "boolean": {
      if (typeof raw === "boolean") return { ok: true, value: raw };
      const text = typeof raw === "string" ? raw.toLowerCase() : "";
      if (text === "true" || text === "false") return { ok: true, value: text === "true" };
      return { ok: false, message: "a boolean flag serves true or false" };
    }
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      return Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, message: "a number flag serves a number, e.g. 0.5" };
    }
    case "string": {
      if (typeof raw !== "string") return { ok: false, message: "a string flag serves text" };
      // Quotes keep spaces at either end: "  padded  ".
      if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
        try {
          const unquoted: unknown = JSON.parse(raw);
          if (typeof unquoted === "string") return { ok: true, value: unquoted };
        } catch {
          // Not JSON: the quotes are part of the text.
        }
      }
      return { ok: true, value: raw };
    }
    case "object": {
      let value: unknown = raw;
      if (typeof raw === "string") {
        try {
          value = JSON.parse(raw);
        } catch {
          return { ok: false, message: 'an object flag serves a JSON object, e.g. {"layout": "compact"}' };
        }
      }
      return isPlainObject(value)
        ? { ok: true, value }
        : { ok: false, message: 'an object flag serves a JSON object, e.g. {"layout": "compact"}' };
    }
  }
}

/** Every problem with the variants for this type, in words naming the variant. */
function variantProblems(type: FlagType, raw: RawVariants): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (raw.length < 2)
    problems.push("Give at least two variants: what everyone gets by default and what the rollout gets");
  if (raw.length > MAX_VARIANTS) problems.push(`Use at most ${MAX_VARIANTS} variants`);
  for (const [name, value] of raw) {
    if (!VARIANT_NAME_PATTERN.test(name))
      problems.push(`“${name}” is not a variant name: use letters, digits, _ . and - (at most 64)`);
    else if (seen.has(name)) problems.push(`Variant “${name}” appears twice`);
    seen.add(name);
    const read = readVariantValue(type, value);
    if (!read.ok) problems.push(`Variant “${name}”: ${read.message}`);
  }
  if (problems.length === 0 && JSON.stringify(toVariants(type, raw)).length > MAX_VARIANTS_JSON)
    problems.push("The variants are too large: keep them under 32 KB together");
  return problems;
}

function toVariants(type: FlagType, raw: RawVariants): Record<string, FlagValue> {
  const out: Record<string, FlagValue> = {};
  for (const [name, value] of raw) {
    const read = readVariantValue(type, value);
    if (read.ok) out[name] = read.value;
  }
  return out;
}

interface VariantChoice {
  variants?: RawVariants | undefined;
  defaultVariant?: string | undefined;
  rolloutVariant?: string | undefined;
}

/**
 * Checks variants against the type, and that the default and rollout variants are among them
 * (`current` gives what is stored for whatever an update leaves out).
 */
function checkVariantChoice(
  type: FlagType | undefined,
  data: VariantChoice,
  ctx: z.RefinementCtx,
  current?: { variants: Record<string, FlagValue>; defaultVariant: string; rolloutVariant: string },
) {
  if (!type) return;
  let names: string[];
  if (data.variants) {
    for (const message of variantProblems(type, data.variants))
      ctx.addIssue({ code: "custom", path: ["variants"], message });
    names = data.variants.map(([name]) => name);
  } else {
    names = Object.keys(current?.variants ?? {}).sort();
  }
  const known = (name: string | undefined) => name === undefined || names.includes(name);
  const list = names.length ? names.join(", ") : "none yet";
  const defaultVariant = data.defaultVariant ?? current?.defaultVariant;
  const rolloutVariant = data.rolloutVariant ?? current?.rolloutVariant;
  if (!known(defaultVariant))
    ctx.addIssue({
      code: "custom",
      path: ["defaultVariant"],
      message: `“${defaultVariant}” is not one of the variants (${list})`,
    });
  if (!known(rolloutVariant))
    ctx.addIssue({
      code: "custom",
      path: ["rolloutVariant"],
      message: `“${rolloutVariant}” is not one of the variants (${list})`,
    });
}

// ---- Rollout --------------------------------------------------------------------------------

const PERCENT_MESSAGE = "Enter a share from 0 to 100";
const percent = z.coerce
  .number({ error: PERCENT_MESSAGE })
  .refine(Number.isFinite, { error: PERCENT_MESSAGE })
  .min(0, { error: PERCENT_MESSAGE })
  .max(100, { error: PERCENT_MESSAGE });
/** Blank: the rollout % is set by hand; a plan id: it follows the plan's active phase. */
const boundPlan = z.preprocess(blankToNull, z.uuid({ error: "Choose a plan, or set the share by hand" }).nullable());
const manualPercent = z.preprocess(blankToNull, percent.nullable());

function checkRollout(
  data: { planId?: string | null | undefined; manualRolloutPercent?: number | null | undefined },
  ctx: z.RefinementCtx,
  current?: { planId: string | null; manualRolloutPercent: number | null },
) {
  const planId = data.planId === undefined ? current?.planId : data.planId;
  const manual = data.manualRolloutPercent === undefined ? current?.manualRolloutPercent : data.manualRolloutPercent;
  if (!planId && (manual === null || manual === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: ["manualRolloutPercent"],
      message: "Set the share by hand (0 to 100), or bind the flag to a plan",
    });
  }
}

// ---- Flags ----------------------------------------------------------------------------------

export const createFlagSchema = z
  .object({
    projectId: z.uuid({ error: "Name the project (its id)" }),
    key: keySchema("flag"),
    description: description.default(""),
    type: z.enum(flagType.enumValues, { error: "Choose boolean, string, number or object" }),
    variants: rawVariantsSchema,
    defaultVariant: variantName("default variant"),
    rolloutVariant: variantName("rollout variant"),
    planId: boundPlan.default(null),
    manualRolloutPercent: manualPercent.default(null),
  })
  .superRefine((data, ctx) => {
    checkVariantChoice(data.type, data, ctx);
    checkRollout(data, ctx);
  })
  .transform(({ variants, ...data }) => ({
    ...data,
    variants: toVariants(data.type, variants),
    manualRolloutPercent: data.planId ? null : data.manualRolloutPercent,
  }));

export const flagRefSchema = z.object({ flagId });

export interface StoredFlagShape {
  type: FlagType;
  variants: Record<string, FlagValue>;
  defaultVariant: string;
  rolloutVariant: string;
  planId: string | null;
  manualRolloutPercent: number | null;
}

/** An update is checked against the flag as stored: its type is fixed, left-out fields keep their values. */
export function updateFlagSchema(current: StoredFlagShape) {
  return z
    .object({
      flagId,
      description: z.preprocess((v) => (v === null ? undefined : v), description.optional()),
      variants: z.preprocess(blankToUndefined, rawVariantsSchema.optional()),
      defaultVariant: z.preprocess(blankToUndefined, variantName("default variant").optional()),
      rolloutVariant: z.preprocess(blankToUndefined, variantName("rollout variant").optional()),
      // Left out: unchanged; blank: unbound (or no share by hand).
      planId: z.preprocess(
        (v) => (v === "" ? null : v),
        z.uuid({ error: "Choose a plan, or set the share by hand" }).nullable().optional(),
      ),
      manualRolloutPercent: z.preprocess((v) => (v === "" ? null : v), percent.nullable().optional()),
    })
    .superRefine((data, ctx) => {
      checkVariantChoice(current.type, data, ctx, current);
      checkRollout(data, ctx, current);
    })
    .transform(({ variants, ...data }) => ({
      ...data,
      variants: variants ? toVariants(current.type, variants) : undefined,
    }));
}

const onOff = yesNo("Say whether the flag is on or off");

export const setFlagEnabledSchema = z
  .object({
    flagId,
    enabled: onOff,
    reason: z.preprocess(
      (v) => (v === null || v === undefined ? "" : v),
      z.string({ error: "Say why" }).trim().max(500, { error: "Use at most 500 characters" }),
    ),
  })
  .superRefine((data, ctx) => {
    if (!data.enabled && data.reason === "")
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: "Say why the flag is switched off: everyone will be told",
      });
  });

// ---- Segments -------------------------------------------------------------------------------

/** Text (one per line or comma-separated) or an array → trimmed, distinct, non-empty entries. */
const list = (max: number, what: string, maxLength: number) =>
  z.preprocess(
    (v) => {
      const items =
        typeof v === "string" ? v.split(/[\n,]/) : Array.isArray(v) ? v : v === undefined || v === null ? [] : v;
      return Array.isArray(items)
        ? [
            ...new Set(
              items.map((item) => (typeof item === "string" ? item.trim() : item)).filter((item) => item !== ""),
            ),
          ]
        : items;
    },
    z
      .array(
        z
          .string({ error: `Each ${what} is text` })
          .max(maxLength, { error: `Keep each ${what} under ${maxLength} characters` }),
        { error: `List the ${what}s, one per line` },
      )
      .max(max, { error: `Use at most ${max.toLocaleString("en")} ${what}s` }),
  );

const segmentFields = {
  key: keySchema("segment"),
  name: z
    .string({ error: "Enter a name" })
    .trim()
    .min(1, { error: "Enter a name" })
    .max(80, { error: "Use at most 80 characters" }),
  kind: z.enum(segmentKind.enumValues, { error: "Choose a list of people or an attribute rule" }),
  userKeys: list(MAX_USER_KEYS, "targeting key", 256),
  attribute: z.preprocess(
    blankToNull,
    z
      .string({ error: "Enter the attribute, e.g. region" })
      .trim()
      .regex(ATTRIBUTE_PATTERN, { error: "Start with a letter or _; use letters, digits, _ . and - (at most 64)" })
      .nullable(),
  ),
  operator: z.preprocess(
    blankToNull,
    z.enum(segmentOperator.enumValues, { error: "Choose in, not in, equals or not equals" }).nullable(),
  ),
  values: list(MAX_RULE_VALUES, "value", 256),
};

type SegmentData = {
  kind: (typeof segmentKind.enumValues)[number];
  userKeys: string[];
  attribute: string | null;
  operator: (typeof segmentOperator.enumValues)[number] | null;
  values: string[];
};

/** A segment holds either people or a rule: the other half is cleared so it cannot mislead. */
function checkSegment(data: SegmentData, ctx: z.RefinementCtx) {
  if (data.kind === "user_list") {
    if (data.userKeys.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["userKeys"],
        message: "List at least one targeting key (user id, e-mail…)",
      });
    return;
  }
  if (!data.attribute)
    ctx.addIssue({ code: "custom", path: ["attribute"], message: "Enter the attribute, e.g. region" });
  if (!data.operator)
    ctx.addIssue({ code: "custom", path: ["operator"], message: "Choose in, not in, equals or not equals" });
  if (data.values.length === 0) ctx.addIssue({ code: "custom", path: ["values"], message: "Give at least one value" });
  if ((data.operator === "equals" || data.operator === "not_equals") && data.values.length > 1) {
    ctx.addIssue({ code: "custom", path: ["values"], message: "Equals compares with one value; use “in” for several" });
  }
}

const normaliseSegment = <T extends SegmentData>(data: T): T =>
  data.kind === "user_list" ? { ...data, attribute: null, operator: null, values: [] } : { ...data, userKeys: [] };

export const createSegmentSchema = z
  .object({ projectId: z.uuid({ error: "Name the project (its id)" }), ...segmentFields })
  .superRefine(checkSegment)
  .transform(normaliseSegment);

export const updateSegmentSchema = z
  .object({ segmentId, ...segmentFields })
  .superRefine(checkSegment)
  .transform(normaliseSegment);

export const segmentRefSchema = z.object({ segmentId });

// ---- Rules ----------------------------------------------------------------------------------

export const setFlagRulesSchema = z.object({
  flagId,
  rules: z.preprocess(
    (v) => {
      if (typeof v !== "string") return v ?? [];
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    },
    z
      .array(
        z.object({
          segmentId: z.uuid({ error: "Choose a segment" }),
          variant: variantName("variant to serve"),
        }),
        { error: "Send the rules as a list of segment and variant" },
      )
      .max(MAX_RULES, { error: `Use at most ${MAX_RULES} rules` }),
  ),
});

export type CreateFlagInput = z.input<typeof createFlagSchema>;
export type CreateSegmentInput = z.input<typeof createSegmentSchema>;
