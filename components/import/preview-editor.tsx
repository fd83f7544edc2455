"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useId, useState } from "react";
import { saveImportAction } from "@/app/plans/import-actions";
import { FieldErrors, FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { PlanImportPreview } from "@/lib/domain/plan-markdown/schema";
import { savingProblems } from "@/lib/domain/plan-markdown/draft";
import {
  ChecklistsPreview,
  NotesPreview,
  RemoveButton,
  RowsPreview,
  TriggersPreview,
  type Update,
} from "./preview-lists";
import { Understood } from "./understood";

type Doc = PlanImportPreview;

const strategies: [Doc["strategy"], string][] = [
  ["canary", "Canary"],
  ["blue_green", "Blue-green"],
  ["rolling", "Rolling update"],
  ["flag_based", "Feature flag"],
];

const small = `${inputClass} !px-2 !py-1`;

const numberOrNull = (value: string) => (value.trim() === "" || !Number.isFinite(Number(value)) ? null : Number(value));

/** The preview as an editor: what was understood, editable, and what was kept as notes. */
export function PreviewEditor({
  preview,
  projects,
  defaultProjectId,
}: {
  preview: Doc;
  projects: { id: string; name: string }[];
  defaultProjectId: string;
}) {
  const [doc, setDoc] = useState<Doc>(preview);
  const [state, action] = useActionState<FormState, FormData>(saveImportAction, null);
  const id = useId().replace(/:/g, "");
  const update: Update = (change) => setDoc((d) => change(d));
  const { errors } = failed(state);
  const parts = { doc, update, id, errors };

  return (
    <form action={action} className="space-y-4" data-testid="import-preview">
      <input type="hidden" name="preview" value={JSON.stringify(doc)} />
      <Understood doc={doc} update={update} />
      <PlanDetails {...parts} projects={projects} defaultProjectId={defaultProjectId} />
      <PhasesEditor {...parts} />
      <ChecklistsPreview doc={doc} update={update} />
      <MetricsEditor {...parts} />
      <TriggersPreview doc={doc} update={update} />
      <RowsPreview doc={doc} update={update} />
      <NotesPreview doc={doc} update={update} />
      <SaveBar doc={doc} state={state} errors={errors} />
    </form>
  );
}

/** What each part works with: the document, how to change it, the ids' prefix and the server's field errors. */
interface PartProps {
  doc: Doc;
  update: Update;
  id: string;
  errors: Record<string, string[]> | undefined;
}

/** Name, version, project, strategy and summary. */
function PlanDetails({
  doc,
  update,
  id,
  errors,
  projects,
  defaultProjectId,
}: PartProps & { projects: { id: string; name: string }[]; defaultProjectId: string }) {
  const [projectId, setProjectId] = useState(defaultProjectId);
  return (
    <Card title="Plan">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          id={`${id}-name`}
          label="Name"
          value={doc.name}
          onChange={(name) => update((d) => ({ ...d, name }))}
          errors={errors?.["preview.name"]}
          testId="import-name"
        />
        <TextInput
          id={`${id}-version`}
          label="Release version"
          value={doc.version}
          onChange={(version) => update((d) => ({ ...d, version }))}
          errors={errors?.version ?? errors?.["preview.version"]}
          testId="import-version"
          placeholder="e.g. 2.4.0"
        />
        <div className="space-y-1">
          <label htmlFor={`${id}-project`} className="block text-sm font-medium">
            Project
          </label>
          <select
            id={`${id}-project`}
            name="projectId"
            value={projectId}
            onChange={(e) => setProjectId(e.target.value)}
            className={inputClass}
          >
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-strategy`} className="block text-sm font-medium">
            Strategy (a guess from the document)
          </label>
          <select
            id={`${id}-strategy`}
            value={doc.strategy}
            onChange={(e) => update((d) => ({ ...d, strategy: e.target.value as Doc["strategy"] }))}
            className={inputClass}
          >
            {strategies.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={`${id}-summary`} className="block text-sm font-medium">
            Summary
          </label>
          <textarea
            id={`${id}-summary`}
            rows={2}
            value={doc.summary}
            onChange={(e) => update((d) => ({ ...d, summary: e.target.value }))}
            className={inputClass}
          />
        </div>
      </div>
    </Card>
  );
}

/** The phases (a runbook's steps): names and traffic editable, what else was read said below each. */
function PhasesEditor({ doc, update, id, errors }: PartProps) {
  // What would keep the plan from starting, said while editing (the server checks again).
  const problems = savingProblems(doc);
  const removePhase = (i: number) =>
    update((d) => ({
      ...d,
      phases: d.phases.filter((_, j) => j !== i),
      // A phase's checklists go with it; later phases' lists keep pointing at their phase.
      checklists: d.checklists
        .filter((c) => c.phase !== i)
        .map((c) => (c.phase !== null && c.phase > i ? { ...c, phase: c.phase - 1 } : c)),
    }));
  const setPhase = (i: number, patch: Partial<Doc["phases"][number]>) =>
    update((d) => ({ ...d, phases: d.phases.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  return (
    <Card
      title={doc.kind === "rollback_runbook" ? `Runbook steps (${doc.phases.length})` : `Phases (${doc.phases.length})`}
    >
      {doc.phases.length === 0 ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">
          No phases were found. A plan needs at least one: add “## Stage 1: …” sections or a stages table and preview
          again.
        </p>
      ) : null}
      <ol className="space-y-3">
        {doc.phases.map((p, i) => (
          <li
            key={i}
            className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-[1fr_7rem_auto] dark:border-slate-800"
            data-testid="import-phase"
          >
            <TextInput
              id={`${id}-phase-${i}`}
              label={`Phase ${i + 1} name`}
              value={p.name}
              onChange={(name) => setPhase(i, { name })}
              errors={errors?.[`preview.phases.${i}.name`]}
            />
            <div className="space-y-1">
              <label htmlFor={`${id}-traffic-${i}`} className="block text-sm font-medium">
                Traffic %
              </label>
              <input
                id={`${id}-traffic-${i}`}
                type="number"
                min={0}
                max={100}
                step="any"
                value={p.trafficPercent}
                onChange={(e) => setPhase(i, { trafficPercent: numberOrNull(e.target.value) ?? 0 })}
                className={inputClass}
                data-testid="import-traffic"
                disabled={doc.kind === "rollback_runbook"}
                aria-invalid={problems[`phases.${i}.trafficPercent`] ? true : undefined}
                aria-describedby={problems[`phases.${i}.trafficPercent`] ? `${id}-traffic-${i}-problem` : undefined}
              />
            </div>
            {problems[`phases.${i}.trafficPercent`] ? (
              <p
                id={`${id}-traffic-${i}-problem`}
                className="text-xs text-amber-800 sm:col-span-3 dark:text-amber-300"
                data-testid="import-traffic-problem"
              >
                {problems[`phases.${i}.trafficPercent`]!.join(" ")}
              </p>
            ) : null}
            <div className="flex items-end">
              <RemoveButton label={`Remove phase ${p.name} and its checklists`} onRemove={() => removePhase(i)} />
            </div>
            <PhaseFacts phase={p} />
          </li>
        ))}
      </ol>
    </Card>
  );
}

/** The KPIs with their direction and thresholds; removing one leaves its triggers alerting only. */
function MetricsEditor({ doc, update, id, errors }: PartProps) {
  const removeMetric = (i: number) =>
    update((d) => {
      const key = d.metrics[i]!.key;
      return {
        ...d,
        metrics: d.metrics.filter((_, j) => j !== i),
        triggers: d.triggers.map((t) => (t.metric === key ? { ...t, metric: null, action: "alert_only" as const } : t)),
      };
    });
  const setMetric = (i: number, patch: Partial<Doc["metrics"][number]>) =>
    update((d) => ({ ...d, metrics: d.metrics.map((m, j) => (j === i ? { ...m, ...patch } : m)) }));
  return (
    <Card title={`KPIs with thresholds (${doc.metrics.length})`}>
      {doc.metrics.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No KPI table or list was found.</p>
      ) : null}
      <ul className="space-y-3">
        {doc.metrics.map((m, i) => (
          <li
            key={m.key}
            className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
            data-testid="import-metric"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="text-sm font-medium">
                {m.label} <code className="text-xs text-slate-500 dark:text-slate-400">{m.key}</code>{" "}
                {m.unit ? <span className="text-xs text-slate-500 dark:text-slate-400">({m.unit})</span> : null}
              </span>
              <RemoveButton label={`Remove KPI ${m.label}`} onRemove={() => removeMetric(i)} />
            </div>
            <MetricFields metric={m} index={i} id={id} errors={errors} onChange={(patch) => setMetric(i, patch)} />
            {(["target", "alert", "critical", "key"] as const)
              .flatMap((f) => errors?.[`preview.metrics.${i}.${f}`] ?? [])
              .map((message) => (
                <p key={message} className="mt-1 text-xs text-red-700 dark:text-red-300">
                  {message}
                </p>
              ))}
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** What else the document said of a phase: its audience, duration and goal. */
function PhaseFacts({ phase }: { phase: Doc["phases"][number] }) {
  return (
    <p className="text-xs text-slate-600 sm:col-span-3 dark:text-slate-400">
      {phase.audience ? <>Audience: {phase.audience}. </> : null}
      {phase.durationText ? (
        <>
          Duration: {phase.durationText}
          {phase.plannedDays !== null
            ? ` (planned ${phase.plannedDays} ${phase.plannedDays === 1 ? "day" : "days"})`
            : " (no planned length)"}
          .{" "}
        </>
      ) : null}
      {phase.goal ? <>Goal: {phase.goal}.</> : null}
    </p>
  );
}

/** A KPI's direction and its target, alert and critical thresholds. */
function MetricFields({
  metric,
  index,
  id,
  errors,
  onChange,
}: {
  metric: Doc["metrics"][number];
  index: number;
  id: string;
  errors: PartProps["errors"];
  onChange: (patch: Partial<Doc["metrics"][number]>) => void;
}) {
  return (
    <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
      <div className="space-y-1">
        <label htmlFor={`${id}-dir-${index}`} className="block text-xs font-medium">
          Direction
        </label>
        <select
          id={`${id}-dir-${index}`}
          value={metric.direction}
          onChange={(e) => onChange({ direction: e.target.value as typeof metric.direction })}
          className={small}
        >
          <option value="lower_is_better">Lower is better</option>
          <option value="higher_is_better">Higher is better</option>
        </select>
      </div>
      {(["target", "alert", "critical"] as const).map((field) => (
        <div key={field} className="space-y-1">
          <label htmlFor={`${id}-${field}-${index}`} className="block text-xs font-medium capitalize">
            {field}
          </label>
          <input
            id={`${id}-${field}-${index}`}
            type="number"
            step="any"
            value={metric[field] ?? ""}
            onChange={(e) => onChange({ [field]: numberOrNull(e.target.value) })}
            className={small}
            placeholder="none"
            aria-invalid={errors?.[`preview.metrics.${index}.${field}`] ? true : undefined}
          />
        </div>
      ))}
    </div>
  );
}

/** The save button, what the server refused, and a count of what will be saved. */
function SaveBar({ doc, state, errors }: { doc: Doc; state: FormState; errors: PartProps["errors"] }) {
  return (
    <div className="sticky bottom-0 space-y-3 border-t border-slate-200 bg-slate-50/95 py-3 dark:border-slate-800 dark:bg-slate-950/95">
      <FormMessage state={state} />
      {errors ? (
        <ul className="list-disc pl-5 text-xs text-red-700 dark:text-red-300">
          {Object.entries(errors).map(([field, messages]) => (
            <li key={field}>
              {field.replace(/^preview\./, "")}: {messages.join(" ")}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton pendingText="Saving…">Save plan</SubmitButton>
        <Badge tone="grey">
          {doc.phases.length} phases · {doc.checklists.length} checklists · {doc.metrics.length} KPIs ·{" "}
          {doc.notes.length} notes
        </Badge>
      </div>
    </div>
  );
}

function TextInput({
  id,
  label,
  value,
  onChange,
  errors,
  testId,
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[] | undefined;
  testId?: string;
  placeholder?: string;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        data-testid={testId}
        placeholder={placeholder}
      />
      <FieldErrors id={id} errors={errors} />
    </div>
  );
}
