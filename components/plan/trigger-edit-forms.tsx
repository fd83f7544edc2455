"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useActionState, useState } from "react";
import {
  addTriggerAction,
  removeTriggerAction,
  triggerEnabledAction,
  updateTriggerAction,
} from "@/app/plans/kpi-actions";
import { Field, type Option, SelectField, SubmitButton } from "@/components/forms/fields";
import type { Comparison, TriggerAction, TriggerMode, TriggerState } from "@/db/schema/enums";
import type { JudgeSettings } from "@/lib/domain/judge-defaults";
import { ActionButton } from "./action-form";
import { StaleAwareMessage } from "@/components/forms/messages";
import { JudgeFields, type MetricChoice } from "./judge-fields";
import { ThresholdFields } from "./threshold-fields";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import { Disclosure, Named } from "@/components/ui/disclosure";
import { failed } from "@/lib/actions/form-state";
import { Hidden } from "@/components/forms/fields";

// The plan editor's rollback triggers: the rule, what happens when it holds, where it applies,
// and whether it is armed. Each form carries the plan version it was rendered with.

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export interface KpiTrigger {
  id: string;
  metricId: string | null;
  phaseId: string | null;
  description: string;
  mode: TriggerMode;
  comparison: Comparison;
  value: number;
  durationMinutes: number;
  action: TriggerAction;
  enabled: boolean;
  /** The canary judge's settings (mode canary_worse), the KPI's defaults when none are stored. */
  judge: JudgeSettings | null;
  /** Those settings in words. */
  judgeWords: string | null;
  state: TriggerState;
  stateReason: string | null;
  /** Scoped to a phase that has finished: history, shown but not changed. */
  locked: boolean;
  scope: string;
}

const modeOptions: Option[] = [
  { value: "absolute", label: "Absolute value (e.g. error rate > 5%)" },
  { value: "relative_to_baseline", label: "Relative to baseline (e.g. p95 > 2× baseline)" },
  { value: "degradation_pct", label: "Degradation against baseline, % (e.g. > 50%)" },
  { value: "canary_worse", label: "Canary worse than baseline (canary judge)" },
];
const actionOptions: Option[] = [
  { value: "automatic_rollback", label: "Roll back automatically" },
  { value: "alert_only", label: "Alert only (people decide)" },
];
const stateWords: Partial<Record<TriggerState, string>> = {
  ok: "holding",
  breached: "breached",
  stale: "data stopped arriving",
  no_data: "no data yet",
};

function TriggerForm({
  action,
  fields,
  trigger,
  metrics,
  phases,
  submit,
  label,
}: {
  action: Action;
  fields: Record<string, string | number>;
  trigger?: KpiTrigger;
  metrics: MetricChoice[];
  phases: Option[];
  submit: string;
  label: string;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, null);
  const { errors, values } = failed(state);
  const pick = (name: string, current: string | number | null | undefined, fallback = "") =>
    values?.[name] ?? (current === null || current === undefined ? fallback : String(current));
  // The rule and the KPI decide which fields show and the judge's defaults.
  const [mode, setMode] = useState(pick("mode", trigger?.mode, "absolute"));
  const [metricId, setMetricId] = useState(pick("metricId", trigger?.metricId));
  const canary = mode === "canary_worse";
  return (
    <form action={formAction} className="space-y-3" noValidate aria-label={label}>
      <Hidden fields={fields} />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="KPI watched"
          name="metricId"
          options={[{ value: "", label: "None: a condition people judge" }, ...metrics]}
          value={metricId}
          onChange={setMetricId}
          errors={errors?.metricId}
        />
        <SelectField
          label="Rule"
          name="mode"
          options={modeOptions}
          value={mode}
          onChange={setMode}
          errors={errors?.mode}
        />
        <SelectField
          label="When it holds"
          name="action"
          options={actionOptions}
          defaultValue={pick("action", trigger?.action, "alert_only")}
          errors={errors?.action}
        />
      </div>
      <ThresholdFields
        active={!canary}
        comparison={pick("comparison", trigger?.comparison, "gt")}
        value={pick("value", trigger?.mode === "canary_worse" ? null : trigger?.value)}
        valueHint="The KPI's unit, the factor of the baseline, or the degradation %"
        minutes={{
          name: "durationMinutes",
          label: "Held for (min)",
          value: pick("durationMinutes", trigger?.durationMinutes, "0"),
        }}
        errors={errors}
      />
      <JudgeFields
        active={canary}
        metric={metrics.find((m) => m.value === metricId)}
        stored={trigger?.mode === "canary_worse" ? trigger.judge : null}
        errors={errors}
        values={values}
      />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Applies to"
          name="phaseId"
          options={[{ value: "", label: "Every phase" }, ...phases]}
          defaultValue={pick("phaseId", trigger?.phaseId)}
          errors={errors?.phaseId}
        />
        <div className="sm:col-span-2">
          <Field
            label="Description"
            name="description"
            defaultValue={pick("description", trigger?.description)}
            errors={errors?.description}
            hint="Leave empty to describe the rule in words"
          />
        </div>
      </div>
      {trigger ? null : (
        <label className="flex items-center gap-2 text-sm">
          {/* The box comes first: checked, its "true" is the value read; unchecked, the hidden "false" is. */}
          <input
            type="checkbox"
            name="enabled"
            value="true"
            defaultChecked={values?.enabled !== "false"}
            className="h-4 w-4 rounded border-slate-300 dark:border-slate-700"
          />
          <input type="hidden" name="enabled" value="false" />
          Enabled: evaluated from now on
        </label>
      )}
      <StaleAwareMessage state={state} />
      <SubmitButton variant={trigger ? "secondary" : "primary"}>{submit}</SubmitButton>
    </form>
  );
}

export function TriggerEditor({
  planId,
  version,
  trigger,
  metrics,
  phases,
}: {
  planId: string;
  version: number;
  trigger: KpiTrigger;
  metrics: MetricChoice[];
  phases: Option[];
}) {
  const fields = { planId, version, triggerId: trigger.id };
  const judged = stateWords[trigger.state];
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="font-medium">{trigger.description}</span>
        <span
          className={`rounded px-1.5 py-0.5 text-xs ${trigger.action === "automatic_rollback" ? "bg-red-50 text-red-800 dark:bg-red-950/50 dark:text-red-200" : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300"}`}
        >
          {trigger.action === "automatic_rollback" ? "Automatic rollback" : "Alert only"}
        </span>
        {trigger.mode === "canary_worse" ? (
          <span className="rounded bg-accent-50 px-1.5 py-0.5 text-xs text-accent-700 dark:bg-accent-700/20 dark:text-accent-300">
            Canary judge
          </span>
        ) : null}
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {trigger.scope} · {trigger.enabled ? "enabled" : "disabled"}
          {trigger.enabled && judged
            ? ` · last check: ${judged}${trigger.stateReason ? ` (${trigger.stateReason})` : ""}`
            : ""}
        </span>
      </div>
      {trigger.judgeWords ? <p className="text-xs text-slate-600 dark:text-slate-400">{trigger.judgeWords}</p> : null}
      {trigger.locked ? (
        <p className="text-xs text-slate-600 dark:text-slate-400">Its phase has finished: this trigger is history.</p>
      ) : (
        <div className="flex flex-wrap items-start gap-2">
          <ActionButton
            action={triggerEnabledAction}
            fields={{ ...fields, enabled: trigger.enabled ? "false" : "true" }}
            label={<Named verb={trigger.enabled ? "Disable" : "Enable"} name={`“${trigger.description}”`} />}
          />
          <Disclosure summary={<Named verb="Edit" name={`“${trigger.description}”`} />}>
            <TriggerForm
              action={updateTriggerAction}
              fields={fields}
              trigger={trigger}
              metrics={metrics}
              phases={phases}
              submit="Save trigger"
              label={`Edit trigger ${trigger.description}`}
            />
          </Disclosure>
          <ConfirmRemove
            action={removeTriggerAction}
            fields={fields}
            name={`“${trigger.description}”`}
            consequence={
              trigger.action === "automatic_rollback" && trigger.enabled
                ? "This automatic rollback stops guarding the rollout."
                : "It will no longer be evaluated or shown."
            }
          />
        </div>
      )}
    </div>
  );
}

export function AddTriggerForm({
  planId,
  version,
  metrics,
  phases,
}: {
  planId: string;
  version: number;
  metrics: MetricChoice[];
  phases: Option[];
}) {
  return (
    <Disclosure summary="Add a rollback trigger">
      <TriggerForm
        action={addTriggerAction}
        fields={{ planId, version }}
        metrics={metrics}
        phases={phases}
        submit="Add trigger"
        label="Add a rollback trigger"
      />
    </Disclosure>
  );
}
