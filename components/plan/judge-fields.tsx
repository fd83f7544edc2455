"use client";

import { useState } from "react";
import { Field, type Option, SelectField } from "@/components/forms/fields";
import type { MetricDirection } from "@/db/schema/enums";
import { defaultJudgeSettings, type JudgeMethod, type JudgeSettings } from "@/lib/domain/judge-defaults";
import { JUDGE_SETTING_HELP, likelyForm } from "@/lib/domain/judge-help";

// The canary judge's settings in the trigger and criterion editors: percentages as people type
// them, each box empty for the default of the chosen KPI (shown as its placeholder).

type Errors = Record<string, string[]> | undefined;
type Values = Record<string, string> | undefined;

/** A KPI to choose, with what its judge defaults depend on. */
export interface MetricChoice extends Option {
  unit: string;
  direction: MetricDirection;
}

const methodOptions: Option[] = [
  { value: "sequential", label: "Sequential (always valid)" },
  { value: "mann_whitney", label: "Mann–Whitney (Kayenta)" },
];

const percent = (fraction: number) => String(Number((fraction * 100).toPrecision(6)));

/** Stored settings as the boxes show them. */
function asFields(s: JudgeSettings): Record<string, string> {
  return {
    judgeMethod: s.method,
    judgeAlphaPercent: percent(s.alpha),
    judgeMinSample: String(s.minSample),
    judgeTolerancePercent: percent(s.tolerance),
    judgeSmallestRegressionPercent: percent(s.smallestRegression),
  };
}

/** The judge's number boxes, each with its bounds and how the chosen KPI's default is shown in it. */
const numberBoxes: {
  name: "judgeAlphaPercent" | "judgeMinSample" | "judgeTolerancePercent" | "judgeSmallestRegressionPercent";
  label: string;
  min: number;
  max?: number;
  /** 1 for whole numbers, "any" for percentages. */
  step: 1 | "any";
  shown: (defaults: JudgeSettings) => string;
}[] = [
  {
    name: "judgeAlphaPercent",
    label: "False-alarm rate (%)",
    min: 0.1,
    max: 20,
    step: "any",
    shown: (d) => percent(d.alpha),
  },
  { name: "judgeMinSample", label: "Minimum sample per cohort", min: 1, step: 1, shown: (d) => String(d.minSample) },
  { name: "judgeTolerancePercent", label: "Tolerance (%)", min: 0, step: "any", shown: (d) => percent(d.tolerance) },
  {
    name: "judgeSmallestRegressionPercent",
    label: "Smallest regression (%)",
    min: 1,
    step: "any",
    shown: (d) => percent(d.smallestRegression),
  },
];

/** Shown (and sent) only while `active`: the rule or criterion is the canary judge's. */
export function JudgeFields({
  active,
  metric,
  stored,
  errors,
  values,
}: {
  active: boolean;
  metric: MetricChoice | undefined;
  stored: JudgeSettings | null;
  errors: Errors;
  values: Values;
}) {
  const initial = stored ? asFields(stored) : {};
  const pick = (name: string) => values?.[name] ?? initial[name] ?? "";
  const [method, setMethod] = useState<JudgeMethod>(
    pick("judgeMethod") === "mann_whitney" ? "mann_whitney" : "sequential",
  );
  const form = likelyForm(metric?.unit ?? "");
  const defaults = defaultJudgeSettings(method, form);
  const placeholder = (v: string) => `${v} (default)`;
  return (
    <fieldset
      hidden={!active}
      disabled={!active}
      className="min-w-0 rounded-md border border-slate-200 p-3 pt-1 dark:border-slate-700"
    >
      <legend className="px-1 text-sm font-medium">Canary judge</legend>
      <p className="mb-3 text-xs text-slate-600 dark:text-slate-400">
        Compares canary with baseline on everything both cohorts sent since the phase started. An empty box takes the
        default{metric ? ` for ${metric.label}` : ""}, shown in it
        {metric ? (form === "counts" ? " (a rate pushed as counts: errors and requests)" : " (per-minute values)") : ""}
        .
      </p>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <SelectField
          label="Method"
          name="judgeMethod"
          options={methodOptions}
          value={method}
          onChange={(v) => setMethod(v === "mann_whitney" ? "mann_whitney" : "sequential")}
          errors={errors?.judgeMethod}
          hint={JUDGE_SETTING_HELP.judgeMethod}
        />
        {numberBoxes.map((box) => (
          <Field
            key={box.name}
            label={box.label}
            name={box.name}
            type="number"
            min={box.min}
            max={box.max}
            step={box.step}
            inputMode={box.step === 1 ? "numeric" : "decimal"}
            placeholder={placeholder(box.shown(defaults))}
            defaultValue={pick(box.name)}
            errors={errors?.[box.name]}
            hint={JUDGE_SETTING_HELP[box.name]}
          />
        ))}
      </div>
    </fieldset>
  );
}
