"use client";

import { DecimalField, MinutesField, type Option, SelectField } from "@/components/forms/fields";

// The threshold half of a success criterion and of a rollback trigger: a KPI compared with a value
// for some minutes. Both editors show it while their rule is a threshold, not the canary judge.

export const comparisonOptions: Option[] = [
  { value: "lt", label: "< below" },
  { value: "lte", label: "≤ at most" },
  { value: "gt", label: "> above" },
  { value: "gte", label: "≥ at least" },
];

/** Shown (and sent) only while `active`; each default is what the form shows before any edit. */
export function ThresholdFields({
  active,
  comparison,
  value,
  valueHint,
  minutes,
  errors,
}: {
  active: boolean;
  comparison: string;
  value: string;
  valueHint?: string;
  /** The minutes the comparison must hold: a criterion's "sustained for", a trigger's "held for". */
  minutes: { name: string; label: string; value: string; hint?: string };
  errors: Record<string, string[]> | undefined;
}) {
  return (
    <fieldset hidden={!active} disabled={!active} className="grid min-w-0 gap-3 sm:grid-cols-3">
      <legend className="sr-only">Threshold</legend>
      <SelectField
        label="Comparison"
        name="comparison"
        options={comparisonOptions}
        defaultValue={comparison}
        errors={errors?.comparison}
      />
      <DecimalField label="Value" name="value" defaultValue={value} errors={errors?.value} hint={valueHint} />
      <MinutesField
        label={minutes.label}
        name={minutes.name}
        defaultValue={minutes.value}
        errors={errors?.[minutes.name]}
        hint={minutes.hint}
      />
    </fieldset>
  );
}
