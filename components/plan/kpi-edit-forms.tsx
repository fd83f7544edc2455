"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useId, useState } from "react";
import {
  addCriterionAction,
  addMetricAction,
  moveMetricAction,
  removeCriterionAction,
  removeMetricAction,
  updateCriterionAction,
  updateMetricAction,
} from "@/app/plans/kpi-actions";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import {
  DecimalField,
  Field,
  FieldErrors,
  Hidden,
  type Option,
  SelectField,
  SubmitButton,
} from "@/components/forms/fields";
import { Disclosure, Named } from "@/components/ui/disclosure";
import type { Comparison, CriterionKind, MetricDirection } from "@/db/schema/enums";
import type { JudgeSettings } from "@/lib/domain/judge-defaults";
import { ActionButton } from "./action-form";
import { StaleAwareMessage } from "@/components/forms/messages";
import { JudgeFields, type MetricChoice } from "./judge-fields";
import { ThresholdFields } from "./threshold-fields";

// The plan editor's KPIs and success criteria; rollback triggers are in trigger-edit-forms.tsx.
// Each form carries the plan version it was rendered with: an edit made meanwhile makes it stale.

type Action = (prev: FormState, form: FormData) => Promise<FormState>;
type Errors = Record<string, string[]> | undefined;
type Values = Record<string, string> | undefined;

export interface KpiMetric {
  id: string;
  key: string;
  label: string;
  unit: string;
  direction: MetricDirection;
  target: number | null;
  alertThreshold: number | null;
  criticalThreshold: number | null;
  sourceKind: "push" | "prometheus";
  sourceId: string | null;
  promql: string | null;
  denominatorPromql: string | null;
  samples: number;
  uses: number;
}

export interface KpiCriterion {
  id: string;
  metricId: string;
  kind: CriterionKind;
  comparison: Comparison;
  value: number;
  sustainedMinutes: number;
  /** The canary judge's settings (kind canary_not_worse), the KPI's defaults when none are stored. */
  judge: JudgeSettings | null;
  description: string;
  /** The judge's settings in words, for a canary_not_worse criterion. */
  judgeWords: string | null;
}

const directionOptions: Option[] = [
  { value: "lower_is_better", label: "Lower is better" },
  { value: "higher_is_better", label: "Higher is better" },
];
const sourceKindOptions: Option[] = [
  { value: "push", label: "Pushed by pipelines (API)" },
  { value: "prometheus", label: "Polled from Prometheus (PromQL)" },
];

/** A KPI's thresholds, in the order things get worse. */
const thresholdFields = [
  { name: "target", label: "Target" },
  { name: "alertThreshold", label: "Alert threshold" },
  { name: "criticalThreshold", label: "Critical threshold" },
] as const;

const text = (v: string | number | null | undefined) => (v === null || v === undefined ? "" : String(v));
function MetricFields({
  metric,
  sources,
  errors,
  values,
}: {
  metric?: KpiMetric;
  sources: Option[];
  errors: Errors;
  values: Values;
}) {
  const pick = (name: keyof KpiMetric & string, fallback = "") =>
    values?.[name] ?? (metric ? text(metric[name] as string | number | null) : fallback);
  // A query and its source only matter when samples are polled.
  const [sourceKind, setSourceKind] = useState(pick("sourceKind", "push"));
  const polled = sourceKind === "prometheus";
  return (
    <div className="grid gap-3 sm:grid-cols-3">
      <Field label="Label" name="label" defaultValue={pick("label")} errors={errors?.label} />
      <Field label="Unit" name="unit" defaultValue={pick("unit")} errors={errors?.unit} hint="%, ms, jobs…" />
      <SelectField
        label="Direction"
        name="direction"
        options={directionOptions}
        defaultValue={pick("direction", "lower_is_better")}
        errors={errors?.direction}
      />
      {thresholdFields.map(({ name, label }) => (
        <DecimalField key={name} label={label} name={name} defaultValue={pick(name)} errors={errors?.[name]} />
      ))}
      <SelectField
        label="Samples arrive"
        name="sourceKind"
        options={sourceKindOptions}
        value={sourceKind}
        onChange={setSourceKind}
        errors={errors?.sourceKind}
      />
      <fieldset hidden={!polled} disabled={!polled} className="grid min-w-0 gap-3 sm:col-span-3 sm:grid-cols-3">
        <legend className="sr-only">Prometheus query</legend>
        <SelectField
          label="Prometheus source"
          name="sourceId"
          options={[{ value: "", label: sources.length ? "— none —" : "No sources in this project" }, ...sources]}
          defaultValue={pick("sourceId")}
          errors={errors?.sourceId}
        />
        <Field
          label="PromQL query"
          name="promql"
          defaultValue={pick("promql")}
          errors={errors?.promql}
          hint="For a rate as counts: the errors, per cohort"
          spellCheck={false}
        />
        <Field
          label="Denominator query (rate as counts)"
          name="denominatorPromql"
          defaultValue={pick("denominatorPromql")}
          errors={errors?.denominatorPromql}
          hint="Give errors in the query above and requests here, per cohort: the canary judge then tests counts, not averaged percentages."
          spellCheck={false}
        />
      </fieldset>
    </div>
  );
}

function UpdateMetricForm({
  planId,
  version,
  metric,
  sources,
}: {
  planId: string;
  version: number;
  metric: KpiMetric;
  sources: Option[];
}) {
  const [state, action] = useActionState<FormState, FormData>(updateMetricAction, null);
  return (
    <form action={action} className="space-y-2" noValidate aria-label={`Edit KPI ${metric.label}`}>
      <Hidden fields={{ planId, version, metricId: metric.id }} />
      <MetricFields metric={metric} sources={sources} {...failed(state)} />
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Thresholds run target → alert → critical in the direction things get worse. The key {metric.key} stays:
        pipelines push by it.
      </p>
      <StaleAwareMessage state={state} />
      <SubmitButton variant="secondary">Save {metric.label}</SubmitButton>
    </form>
  );
}

const thresholdWords = (m: KpiMetric) => {
  const fmt = (v: number | null) => (v === null ? "—" : `${v}${m.unit === "%" ? "%" : m.unit ? ` ${m.unit}` : ""}`);
  return `target ${fmt(m.target)} · alert ${fmt(m.alertThreshold)} · critical ${fmt(m.criticalThreshold)}`;
};

export function MetricEditor({
  planId,
  version,
  metric,
  sources,
  first,
  last,
}: {
  planId: string;
  version: number;
  metric: KpiMetric;
  sources: Option[];
  first: boolean;
  last: boolean;
}) {
  const fields = { planId, version, metricId: metric.id };
  const consequence = [
    metric.samples
      ? `Its ${metric.samples.toLocaleString("en")} sample${metric.samples === 1 ? "" : "s"} go with it.`
      : "It has no samples yet.",
    metric.uses
      ? metric.uses === 1
        ? "The success criterion or rollback trigger that uses it is removed too."
        : `The ${metric.uses} success criteria and rollback triggers that use it are removed too.`
      : "",
  ].join(" ");
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <span className="font-medium">{metric.label}</span>
        <code className="text-xs text-slate-600 dark:text-slate-400">{metric.key}</code>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          {metric.direction === "lower_is_better" ? "lower is better" : "higher is better"} · {thresholdWords(metric)} ·{" "}
          {metric.sourceKind === "push" ? "pushed" : "polled from Prometheus"}
        </span>
      </div>
      <div className="flex flex-wrap items-start gap-2">
        <Disclosure summary={<Named verb="Edit" name={metric.label} />}>
          <UpdateMetricForm planId={planId} version={version} metric={metric} sources={sources} />
        </Disclosure>
        {!first ? (
          <ActionButton
            action={moveMetricAction}
            fields={{ ...fields, direction: "up" }}
            label={<Named verb="Move up" name={metric.label} />}
          />
        ) : null}
        {!last ? (
          <ActionButton
            action={moveMetricAction}
            fields={{ ...fields, direction: "down" }}
            label={<Named verb="Move down" name={metric.label} />}
          />
        ) : null}
        <ConfirmRemove
          action={removeMetricAction}
          fields={fields}
          name={metric.label}
          consequence={consequence}
          confirmKey={metric.key}
          confirmRequired={metric.samples > 0}
        />
      </div>
    </div>
  );
}

export function AddCatalogueMetricForm({
  planId,
  version,
  available,
}: {
  planId: string;
  version: number;
  available: Option[];
}) {
  const [state, action] = useActionState<FormState, FormData>(addMetricAction, null);
  const { errors, values } = failed(state);
  if (!available.length)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">Every KPI of the catalogue is already in this plan.</p>
    );
  return (
    <form
      action={action}
      className="flex flex-wrap items-end gap-2"
      noValidate
      aria-label="Add a KPI from the catalogue"
    >
      <Hidden fields={{ planId, version, from: "catalogue" }} />
      <div className="min-w-48 flex-1">
        <SelectField
          label="KPI from the catalogue"
          name="catalogueKey"
          options={available}
          defaultValue={values?.catalogueKey}
          errors={errors?.catalogueKey}
          hint="Comes with the template's unit, direction and thresholds"
        />
      </div>
      <SubmitButton>Add KPI</SubmitButton>
      <div className="basis-full">
        <StaleAwareMessage state={state} />
      </div>
    </form>
  );
}

export function AddCustomMetricForm({
  planId,
  version,
  sources,
}: {
  planId: string;
  version: number;
  sources: Option[];
}) {
  const [state, action] = useActionState<FormState, FormData>(addMetricAction, null);
  const { errors, values } = failed(state);
  return (
    <form action={action} className="space-y-2" noValidate aria-label="Add a custom KPI">
      <Hidden fields={{ planId, version, from: "custom" }} />
      <Field
        label="Key"
        name="key"
        defaultValue={values?.key ?? ""}
        errors={errors?.key}
        hint="What pipelines push by, e.g. checkout_success; leave empty to derive it from the label"
        spellCheck={false}
        autoComplete="off"
      />
      <MetricFields sources={sources} errors={errors} values={values} />
      <StaleAwareMessage state={state} />
      <SubmitButton>Add custom KPI</SubmitButton>
    </form>
  );
}

const kindOptions: { value: CriterionKind; label: string; hint: string }[] = [
  { value: "threshold", label: "Threshold on the canary", hint: "e.g. error rate < 1% for 3 days" },
  {
    value: "canary_not_worse",
    label: "Canary not worse than baseline (canary judge)",
    hint: "passes once the judge is sure the canary is within the tolerance",
  },
];

function CriterionFields({
  criterion,
  metrics,
  errors,
  values,
}: {
  criterion?: KpiCriterion;
  metrics: MetricChoice[];
  errors: Errors;
  values: Values;
}) {
  const [metricId, setMetricId] = useState(values?.metricId ?? criterion?.metricId ?? metrics[0]?.value ?? "");
  // The radios are uncontrolled, their default following `kind`: React resets a form after its
  // action runs, and a reset puts radios back on their default (a controlled radio has none).
  const [kind, setKind] = useState<CriterionKind>(
    (values?.kind ?? criterion?.kind) === "canary_not_worse" ? "canary_not_worse" : "threshold",
  );
  const judged = kind === "canary_not_worse";
  const threshold = criterion?.kind === "canary_not_worse" ? undefined : criterion;
  const name = useId();
  return (
    <div className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          label="KPI"
          name="metricId"
          options={metrics}
          value={metricId}
          onChange={setMetricId}
          errors={errors?.metricId}
        />
        <fieldset className="min-w-0 space-y-1" aria-describedby={errors?.kind ? `${name}-kind-error` : undefined}>
          <legend className="mb-1 block text-sm font-medium">Judged by</legend>
          {kindOptions.map((o) => (
            <label key={o.value} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="kind"
                value={o.value}
                defaultChecked={kind === o.value}
                onChange={() => setKind(o.value)}
                className="mt-0.5 h-4 w-4 border-slate-300 dark:border-slate-700"
                aria-describedby={`${name}-${o.value}`}
              />
              <span>
                {o.label}
                <span id={`${name}-${o.value}`} className="block text-xs text-slate-600 dark:text-slate-400">
                  {o.hint}
                </span>
              </span>
            </label>
          ))}
          <FieldErrors id={`${name}-kind`} errors={errors?.kind} />
        </fieldset>
      </div>
      <ThresholdFields
        active={!judged}
        comparison={values?.comparison ?? threshold?.comparison ?? "lt"}
        value={values?.value ?? text(threshold?.value)}
        minutes={{
          name: "sustainedMinutes",
          label: "Sustained for (min)",
          value: values?.sustainedMinutes ?? text(threshold?.sustainedMinutes ?? 0),
          hint: "0: judged on the last 15 min",
        }}
        errors={errors}
      />
      <JudgeFields
        active={judged}
        metric={metrics.find((m) => m.value === metricId)}
        stored={criterion?.kind === "canary_not_worse" ? criterion.judge : null}
        errors={errors}
        values={values}
      />
    </div>
  );
}

function CriterionForm({
  action,
  fields,
  criterion,
  metrics,
  submit,
  label,
}: {
  action: Action;
  fields: Record<string, string | number>;
  criterion?: KpiCriterion;
  metrics: MetricChoice[];
  submit: string;
  label: string;
}) {
  const [state, formAction] = useActionState<FormState, FormData>(action, null);
  return (
    <form action={formAction} className="space-y-2" noValidate aria-label={label}>
      <Hidden fields={fields} />
      <CriterionFields {...(criterion ? { criterion } : {})} metrics={metrics} {...failed(state)} />
      <StaleAwareMessage state={state} />
      <SubmitButton variant={criterion ? "secondary" : "primary"}>{submit}</SubmitButton>
    </form>
  );
}

/** One phase's success criteria in words; editable while the phase is pending or active. */
export function PhaseCriteriaEditor({
  planId,
  version,
  phase,
  criteria,
  metrics,
}: {
  planId: string;
  version: number;
  phase: { id: string; name: string; open: boolean };
  criteria: KpiCriterion[];
  metrics: MetricChoice[];
}) {
  const base = { planId, version };
  return (
    <div className="space-y-2">
      {criteria.length ? (
        <ul className="space-y-2">
          {criteria.map((c) => (
            <li key={c.id} className="space-y-2">
              <div>
                <p className="text-sm">{c.description}</p>
                {c.judgeWords ? (
                  <p className="text-xs text-slate-600 dark:text-slate-400">Canary judge: {c.judgeWords}</p>
                ) : null}
              </div>
              {phase.open ? (
                <div className="flex flex-wrap items-start gap-2">
                  <Disclosure summary={<Named verb="Edit" name={`“${c.description}”`} />}>
                    <CriterionForm
                      action={updateCriterionAction}
                      fields={{ ...base, criterionId: c.id }}
                      criterion={c}
                      metrics={metrics}
                      submit="Save criterion"
                      label={`Edit criterion ${c.description}`}
                    />
                  </Disclosure>
                  <ConfirmRemove
                    action={removeCriterionAction}
                    fields={{ ...base, criterionId: c.id }}
                    name={`“${c.description}”`}
                    consequence={`${phase.name}'s gate will no longer wait for it.`}
                  />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No success criteria: the gate waits on approvals and checklists only.
        </p>
      )}
      {phase.open ? (
        metrics.length ? (
          <Disclosure summary={`Add a criterion to ${phase.name}`}>
            <CriterionForm
              action={addCriterionAction}
              fields={{ ...base, phaseId: phase.id }}
              metrics={metrics}
              submit="Add criterion"
              label={`Add a success criterion to ${phase.name}`}
            />
          </Disclosure>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Add a KPI first: criteria are judged on KPI samples.
          </p>
        )
      ) : (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {phase.name} has finished: its criteria are history.
        </p>
      )}
    </div>
  );
}
