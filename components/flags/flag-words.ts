import type { FlagType } from "@/db/schema/enums";
import { formatPercent } from "@/lib/domain/milestones";

// Flags, segments and rules as the pages say them: "Internal team (4 people) → on",
// "region not in Jakarta, Surabaya → off", "follows Checkout pilot — Pilot 10%".

export type FlagValue = boolean | string | number | { [key: string]: unknown } | unknown[];

export interface SegmentData {
  id: string;
  key: string;
  name: string;
  kind: "user_list" | "attribute_rule";
  userKeys: string[];
  attribute: string | null;
  operator: "in" | "not_in" | "equals" | "not_equals" | null;
  values: string[];
}

export interface RuleData {
  segmentId: string;
  variant: string;
  segment: SegmentData;
}

export type RolloutSourceData =
  { kind: "plan"; planId: string; planName: string; phaseName: string | null } | { kind: "manual" };

export interface FlagData {
  id: string;
  key: string;
  description: string;
  type: FlagType;
  variants: Record<string, FlagValue>;
  defaultVariant: string;
  rolloutVariant: string;
  enabled: boolean;
  planId: string | null;
  manualRolloutPercent: number | null;
  version: number;
  rules: RuleData[];
  rolloutPercent: number;
  source: RolloutSourceData;
  lastSwitch: { enabled: boolean; by: string; at: Date; reason: string | null } | null;
}

const operatorWords: Record<NonNullable<SegmentData["operator"]>, string> = {
  in: "in",
  not_in: "not in",
  equals: "is",
  not_equals: "is not",
};

export const operatorLabels: { value: NonNullable<SegmentData["operator"]>; label: string }[] = [
  { value: "in", label: "is one of (in)" },
  { value: "not_in", label: "is none of (not in)" },
  { value: "equals", label: "equals" },
  { value: "not_equals", label: "does not equal" },
];

export const people = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "person" : "people"}`;

/** Who a segment matches, in words. */
export function segmentInWords(segment: SegmentData): string {
  if (segment.kind === "user_list") return `${segment.name} (${people(segment.userKeys.length)})`;
  return `${segment.attribute ?? "?"} ${segment.operator ? operatorWords[segment.operator] : "?"} ${segment.values.join(", ")}`;
}

/** A variant's value as written in the variants box: text is quoted only where reading it back needs quotes. */
export function formatValue(value: FlagValue): string {
  if (typeof value !== "string") return JSON.stringify(value);
  const needsQuotes =
    value === "" || value.trim() !== value || (value.startsWith('"') && value.endsWith('"')) || value.includes("\n");
  return needsQuotes ? JSON.stringify(value) : value;
}

/** The variants as the form's text: one `name = value` per line, default first, then the rollout variant. */
export function variantsToText(flag: Pick<FlagData, "variants" | "defaultVariant" | "rolloutVariant">): string {
  return orderedVariants(flag)
    .map(([name, value]) => `${name} = ${formatValue(value)}`)
    .join("\n");
}

/** Default variant first, then the rollout variant, then the rest by name (storage keeps no order). */
export function orderedVariants(
  flag: Pick<FlagData, "variants" | "defaultVariant" | "rolloutVariant">,
): [string, FlagValue][] {
  const rank = (name: string) => (name === flag.defaultVariant ? 0 : name === flag.rolloutVariant ? 1 : 2);
  return Object.entries(flag.variants).sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Where the rollout % comes from. */
export function sourceInWords(source: RolloutSourceData): string {
  if (source.kind === "manual") return "set by hand";
  return source.phaseName ? `follows ${source.planName} — ${source.phaseName}` : `follows ${source.planName}`;
}

/** What the flag serves right now, in one sentence. */
export function servingInWords(flag: FlagData): string {
  if (!flag.enabled) return `Killed: everyone gets ${flag.defaultVariant}.`;
  const rules = flag.rules.length ? "After the segment rules, " : "";
  return `${rules}${formatPercent(flag.rolloutPercent)} get ${flag.rolloutVariant}, everyone else ${flag.defaultVariant}.`;
}

export const typeLabels: Record<FlagType, string> = {
  boolean: "Boolean",
  string: "String",
  number: "Number",
  object: "Object (JSON)",
};

export const variantsHint: Record<FlagType, string> = {
  boolean: "One per line: name = true or false, e.g. on = true",
  string: "One per line: name = text, e.g. layout = compact (quote text with spaces at either end)",
  number: "One per line: name = number, e.g. limit = 25",
  object: 'One per line: name = JSON object, e.g. config = {"layout": "compact"}',
};
