import { z } from "zod";
import { Badge, type Tone } from "@/components/ui/badge";
import type { DataForm } from "@/lib/domain/canary-data";
import { formatInterval, formatRatio, type Judgement, type JudgeMethod, type Verdict } from "@/lib/domain/judge";

// The canary judge's findings in the words and badges the plan page, the triggers and the
// incidents share.

export const verdictLabel: Record<Verdict, string> = {
  pass: "Pass",
  marginal: "Marginal",
  fail: "Fail",
  not_enough_data: "Not enough data",
};
// Marginal is amber like an alert: worse, but not surely by enough to roll back.
const verdictTone: Record<Verdict, Tone> = { pass: "green", marginal: "amber", fail: "red", not_enough_data: "grey" };
export const methodLabel: Record<JudgeMethod, string> = {
  sequential: "Sequential test",
  mann_whitney: "Mann–Whitney (Kayenta)",
};

export function VerdictBadge({ verdict, testId }: { verdict: Verdict; testId?: string }) {
  return (
    <span data-testid={testId} data-verdict={verdict} className="inline-flex">
      <Badge tone={verdictTone[verdict]}>{verdictLabel[verdict]}</Badge>
    </span>
  );
}

/** "95%" for a confidence of 0.95. */
export const confidenceWords = (confidence: number) => `${Number((confidence * 100).toFixed(1))}%`;

/** A cohort's value with the KPI's unit: "0.52%", "412 ms". */
export function valueWords(value: number | null, unit: string): string {
  if (value === null) return "no data";
  const abs = Math.abs(value);
  const shown =
    abs >= 100
      ? Math.round(value).toLocaleString("en-US")
      : abs >= 10
        ? value.toFixed(1)
        : value === 0
          ? "0"
          : value.toPrecision(3);
  return `${shown}${unit === "%" ? "%" : unit ? ` ${unit}` : ""}`;
}

/** "12,430 requests" for a rate pushed as counts, "58 points" for per-minute values. */
export function sampleWords(n: number, form: DataForm): string {
  const word = form === "counts" ? "request" : "point";
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/** "1.05× (95% interval 0.9–1.22×)", or why there is no estimate yet. */
export function effectWords(effect: Judgement["effect"]): string {
  if (effect.estimate === null) return "no estimate yet";
  const interval =
    effect.lower !== null && effect.upper !== null
      ? `${confidenceWords(effect.confidence)} interval ${formatInterval(effect.lower, effect.upper)}`
      : `${confidenceWords(effect.confidence)} interval not yet bounded`;
  return `${formatRatio(effect.estimate)}× (${interval})`;
}

/** The ratios where the judge fails the canary and where it passes it, for the KPI's direction. */
export function judgeLines(
  settings: { tolerance: number; smallestRegression: number },
  direction: "lower_is_better" | "higher_is_better",
) {
  const line = (margin: number) => (direction === "lower_is_better" ? 1 + margin : 1 / (1 + margin));
  return { fail: line(settings.smallestRegression), pass: line(settings.tolerance) };
}

const ratioOrNull = z.number().nullable();
const storedJudgement = z.object({
  verdict: z.enum(["pass", "marginal", "fail", "not_enough_data"]),
  method: z.enum(["sequential", "mann_whitney"]),
  effect: z.object({ estimate: ratioOrNull, lower: ratioOrNull, upper: ratioOrNull, confidence: z.number() }),
  samples: z.object({ canary: z.number(), baseline: z.number() }),
  canaryValue: ratioOrNull,
  baselineValue: ratioOrNull,
  needs: z.object({ canary: z.number(), baseline: z.number() }).nullable(),
  pValue: ratioOrNull,
  sentence: z.string(),
}) satisfies z.ZodType<Judgement>;

/** A judgement kept as JSON (on an incident), or null when there is none or it cannot be read. */
export function readStoredJudgement(stored: unknown): Judgement | null {
  if (stored === null || stored === undefined) return null;
  const parsed = storedJudgement.safeParse(stored);
  return parsed.success ? parsed.data : null;
}
