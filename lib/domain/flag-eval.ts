import type { FlagValue } from "@/db/schema/flags";
import type { FlagType } from "@/db/schema/enums";
import { inRollout } from "./bucketing";

// Evaluating one flag for one evaluation context, as OpenFeature's remote evaluation protocol
// (OFREP) answers it. Pure: the app and the edge evaluator serve the same answers from the same
// compiled flags.
//
// Order: a killed flag serves its default to everyone (DISABLED); then the flag's segment rules in
// order, the first match serving its variant (TARGETING_MATCH); then the rollout percentage, which
// follows the bound plan's active phase or is set by hand: 0% or 100% serve one variant to all
// (STATIC), anything between splits by sticky bucket (SPLIT).

export type SegmentOperator = "in" | "not_in" | "equals" | "not_equals";

export type CompiledSegment =
  | { key: string; name: string; kind: "user_list"; userKeys: ReadonlySet<string> }
  | {
      key: string;
      name: string;
      kind: "attribute_rule";
      attribute: string;
      operator: SegmentOperator;
      values: readonly string[];
    };

export interface CompiledFlag {
  key: string;
  type: FlagType;
  variants: Readonly<Record<string, FlagValue>>;
  defaultVariant: string;
  rolloutVariant: string;
  enabled: boolean;
  rolloutPercent: number;
  version: number;
  /** Where the percentage comes from, for metadata: a plan's phase or a hand-set value. */
  source: { kind: "plan"; plan: string; phase: string | null } | { kind: "manual" };
  rules: readonly { segment: CompiledSegment; variant: string }[];
}

export type EvaluationReason = "STATIC" | "TARGETING_MATCH" | "SPLIT" | "DISABLED";
export type EvaluationErrorCode =
  "PARSE_ERROR" | "TARGETING_KEY_MISSING" | "INVALID_CONTEXT" | "FLAG_NOT_FOUND" | "GENERAL";
export type FlagMetadata = Record<string, string | number | boolean>;

export type Evaluation =
  | { ok: true; key: string; value: FlagValue; variant: string; reason: EvaluationReason; metadata: FlagMetadata }
  | { ok: false; key: string; errorCode: EvaluationErrorCode; errorDetails: string };

export type EvaluationContext = Readonly<Record<string, unknown>>;

/** The context's targeting key: absent (null), or an error when it is not a non-empty string. */
function targetingKeyOf(context: EvaluationContext): { key: string | null } | { error: string } {
  const raw = context.targetingKey;
  if (raw === undefined || raw === null || raw === "") return { key: null };
  if (typeof raw !== "string")
    return { error: `targetingKey must be a string (got ${Array.isArray(raw) ? "array" : typeof raw})` };
  return { key: raw };
}

/** Attribute values compare as text; a missing or structured attribute matches no rule. */
function attributeText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

export function segmentMatches(
  segment: CompiledSegment,
  targetingKey: string | null,
  context: EvaluationContext,
): boolean | "needs_key" {
  if (segment.kind === "user_list") {
    if (targetingKey === null) return "needs_key";
    return segment.userKeys.has(targetingKey);
  }
  const value = attributeText(segment.attribute === "targetingKey" ? targetingKey : context[segment.attribute]);
  if (value === null) return false;
  switch (segment.operator) {
    case "in":
      return segment.values.includes(value);
    case "not_in":
      return !segment.values.includes(value);
    case "equals":
      return value === segment.values[0];
    case "not_equals":
      return value !== segment.values[0];
  }
}

function metadataOf(flag: CompiledFlag, extra: FlagMetadata = {}): FlagMetadata {
  const base: FlagMetadata = { flagVersion: flag.version, rolloutPercent: flag.rolloutPercent };
  if (flag.source.kind === "plan") {
    base.plan = flag.source.plan;
    if (flag.source.phase) base.phase = flag.source.phase;
  } else {
    base.rolloutSource = "manual";
  }
  return { ...base, ...extra };
}

function served(flag: CompiledFlag, variant: string, reason: EvaluationReason, extra?: FlagMetadata): Evaluation {
  if (!(variant in flag.variants)) {
    return {
      ok: false,
      key: flag.key,
      errorCode: "GENERAL",
      errorDetails: `variant "${variant}" is not defined on this flag`,
    };
  }
  return {
    ok: true,
    key: flag.key,
    value: flag.variants[variant]!,
    variant,
    reason,
    metadata: metadataOf(flag, extra),
  };
}

export function evaluateFlag(flag: CompiledFlag, context: EvaluationContext): Evaluation {
  if (!flag.enabled) return served(flag, flag.defaultVariant, "DISABLED");
  const tk = targetingKeyOf(context);
  if ("error" in tk) return { ok: false, key: flag.key, errorCode: "INVALID_CONTEXT", errorDetails: tk.error };
  for (const rule of flag.rules) {
    const match = segmentMatches(rule.segment, tk.key, context);
    if (match === "needs_key") {
      return {
        ok: false,
        key: flag.key,
        errorCode: "TARGETING_KEY_MISSING",
        errorDetails: `segment "${rule.segment.name}" lists people by targeting key; send context.targetingKey`,
      };
    }
    if (match) return served(flag, rule.variant, "TARGETING_MATCH", { segment: rule.segment.key });
  }
  const percent = flag.rolloutPercent;
  if (percent <= 0) return served(flag, flag.defaultVariant, "STATIC");
  if (percent >= 100) return served(flag, flag.rolloutVariant, "STATIC");
  if (tk.key === null) {
    return {
      ok: false,
      key: flag.key,
      errorCode: "TARGETING_KEY_MISSING",
      errorDetails: `the flag is rolled out to ${percent}%; send context.targetingKey so each person gets a stable answer`,
    };
  }
  return served(flag, inRollout(flag.key, tk.key, percent) ? flag.rolloutVariant : flag.defaultVariant, "SPLIT");
}
