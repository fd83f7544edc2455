import { z } from "zod";
import { defaultJudgeSettings, type JudgeMethod, type JudgeSettings } from "./judge-defaults";
import { type JUDGE_FORM_FIELDS, likelyForm } from "./judge-help";

export { JUDGE_FORM_FIELDS, JUDGE_SETTING_HELP, likelyForm } from "./judge-help";

// The canary judge's settings as a trigger or criterion stores them (jsonb), as the editor shows
// them (percentages), and in one line each for people choosing them.

export const JUDGE_METHODS = ["sequential", "mann_whitney"] as const satisfies readonly JudgeMethod[];

export const LIMITS = {
  alpha: { min: 0.001, max: 0.2 },
  minSample: { min: 1, max: 100_000_000 },
  tolerance: { min: 0, max: 10 },
  smallestRegression: { min: 0.01, max: 10 },
} as const;

/** Stored settings, checked whenever they are read or written. */
export const judgeSettingsSchema = z.object({
  method: z.enum(JUDGE_METHODS, { error: "Choose the sequential test or Mann–Whitney" }),
  alpha: z
    .number({ error: "Enter the false-alarm rate as a number" })
    .min(LIMITS.alpha.min, { error: "Use a false-alarm rate of at least 0.1%" })
    .max(LIMITS.alpha.max, { error: "Use a false-alarm rate of at most 20%" }),
  minSample: z
    .number({ error: "Enter the minimum sample as a whole number" })
    .int({ error: "Enter the minimum sample as a whole number" })
    .min(LIMITS.minSample.min, { error: "Use a minimum sample of at least 1" })
    .max(LIMITS.minSample.max, { error: "Use a minimum sample of at most 100,000,000" }),
  tolerance: z
    .number({ error: "Enter the tolerance as a number" })
    .min(LIMITS.tolerance.min, { error: "Use a tolerance of 0% or more" })
    .max(LIMITS.tolerance.max, { error: "Use a tolerance of at most 1,000%" }),
  smallestRegression: z
    .number({ error: "Enter the smallest regression as a number" })
    .min(LIMITS.smallestRegression.min, { error: "Use a smallest regression of at least 1%" })
    .max(LIMITS.smallestRegression.max, { error: "Use a smallest regression of at most 1,000%" }),
});

/** Stored settings, or the defaults for the KPI when none (or unreadable ones) are stored. */
export function readJudgeSettings(stored: unknown, unit: string): JudgeSettings {
  const parsed = judgeSettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : defaultJudgeSettings("sequential", likelyForm(unit));
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** What the editor sends: percentages as typed, any of them blank for the default. */
export interface JudgeFormFields {
  judgeMethod?: unknown;
  judgeAlphaPercent?: unknown;
  judgeMinSample?: unknown;
  judgeTolerancePercent?: unknown;
  judgeSmallestRegressionPercent?: unknown;
}

const FIELD_OF: Record<keyof JudgeSettings, (typeof JUDGE_FORM_FIELDS)[number]> = {
  method: "judgeMethod",
  alpha: "judgeAlphaPercent",
  minSample: "judgeMinSample",
  tolerance: "judgeTolerancePercent",
  smallestRegression: "judgeSmallestRegressionPercent",
};

/**
 * The editor's fields as settings: blanks take the defaults for the method and the KPI's likely
 * form; percentages become fractions. Problems are named by the form field.
 */
export function judgeSettingsFromForm(
  fields: JudgeFormFields,
  unit: string,
): { ok: true; settings: JudgeSettings } | { ok: false; problems: Record<string, string[]> } {
  const method = blank(fields.judgeMethod) ? "sequential" : fields.judgeMethod;
  if (method !== "sequential" && method !== "mann_whitney")
    return { ok: false, problems: { judgeMethod: ["Choose the sequential test or Mann–Whitney"] } };
  const defaults = defaultJudgeSettings(method, likelyForm(unit));
  const problems: Record<string, string[]> = {};
  const number = (raw: unknown, field: string, fallback: number, scale: number): number => {
    if (blank(raw)) return fallback;
    const n = typeof raw === "number" ? raw : Number(String(raw).trim().replace(/%$/, ""));
    if (!Number.isFinite(n)) {
      problems[field] = ["Enter a number"];
      return fallback;
    }
    return n / scale;
  };
  const candidate = {
    method,
    alpha: number(fields.judgeAlphaPercent, "judgeAlphaPercent", defaults.alpha, 100),
    minSample: number(fields.judgeMinSample, "judgeMinSample", defaults.minSample, 1),
    tolerance: number(fields.judgeTolerancePercent, "judgeTolerancePercent", defaults.tolerance, 100),
    smallestRegression: number(
      fields.judgeSmallestRegressionPercent,
      "judgeSmallestRegressionPercent",
      defaults.smallestRegression,
      100,
    ),
  };
  // Every field is checked, so one answer names all of them (a field that is not a number took
  // its default above and is not named twice).
  const parsed = judgeSettingsSchema.safeParse(candidate);
  if (parsed.success && Object.keys(problems).length === 0) return { ok: true, settings: parsed.data };
  for (const issue of parsed.error?.issues ?? []) {
    const field = FIELD_OF[issue.path[0] as keyof JudgeSettings] ?? "judgeMethod";
    if (!problems[field]) problems[field] = [issue.message];
  }
  return { ok: false, problems };
}

const pct = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;
const ratio = (r: number) => `${Math.round(r * 100) / 100}×`;

/** "sequential test, 5% false alarms, ≥ 150 per cohort, rolls back above 1.1×, passes within 1.25×" */
export function describeJudgeSettings(s: JudgeSettings, direction: "lower_is_better" | "higher_is_better"): string {
  const lower = direction === "lower_is_better";
  const line = (margin: number) => ratio(lower ? 1 + margin : 1 / (1 + margin));
  return [
    s.method === "sequential" ? "sequential test" : "Mann–Whitney",
    `${pct(s.alpha)} false alarms`,
    `≥ ${s.minSample.toLocaleString("en-US")} per cohort`,
    `fails ${lower ? "above" : "below"} ${line(s.smallestRegression)}`,
    `passes ${lower ? "below" : "above"} ${line(s.tolerance)}`,
  ].join(", ");
}
