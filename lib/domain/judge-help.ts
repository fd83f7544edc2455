// The canary judge's settings as the editor shows them: field names, one line of help each, and
// the data form a KPI most likely carries. Free of zod and of the statistics, for client code.

/** The data a KPI most likely carries: a percentage is usually a rate pushed as counts. */
export function likelyForm(unit: string): "counts" | "values" {
  return unit.trim() === "%" ? "counts" : "values";
}

export const JUDGE_FORM_FIELDS = [
  "judgeMethod",
  "judgeAlphaPercent",
  "judgeMinSample",
  "judgeTolerancePercent",
  "judgeSmallestRegressionPercent",
] as const;

/** One line per setting, for the editor. */
export const JUDGE_SETTING_HELP: Record<(typeof JUDGE_FORM_FIELDS)[number], string> = {
  judgeMethod:
    "Sequential stays honest however often it is checked (every minute here); Mann–Whitney is Kayenta's one-look rank test, robust to outliers.",
  judgeAlphaPercent:
    "How often a healthy canary may be judged worse by chance: 5% for sequential (GrowthBook), 2% for Mann–Whitney (Kayenta's 98% confidence).",
  judgeMinSample:
    "Per cohort before any verdict: requests for a rate pushed as counts (150, GrowthBook), per-minute points for values (50, Kayenta).",
  judgeTolerancePercent:
    "How much worse the canary may be and still pass: the phase may advance once the interval's worse end is inside it (25%, Kayenta).",
  judgeSmallestRegressionPercent:
    "The regression that matters: the plan rolls back once the whole interval lies beyond it (10% = above 1.1×).",
};
