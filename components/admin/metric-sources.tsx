"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { AnswerExcerpt } from "@/components/ui/answer-excerpt";
import { useActionState } from "react";
import {
  createMetricSourceAction,
  deleteMetricSourceAction,
  type SourceActionResult,
  updateMetricSourceAction,
} from "@/app/projects/source-actions";
import { Field, FormMessage, SubmitButton, SaveTarget } from "@/components/forms/fields";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";

export interface MetricSourceRow {
  id: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  pollIntervalSeconds: number;
  lastPolledAt: Date | null;
  lastError: string | null;
  /** The start of Prometheus's failing answer: present for administrators only. */
  lastResponseExcerpt: string | null;
  /** Metrics (of any plan) whose query runs against this source. */
  metrics: number;
}

/** The project's Prometheus servers with how their last poll went; forms only for those who may edit. */
export function MetricSources({
  projectId,
  sources,
  canEdit,
  now,
}: {
  projectId: string;
  sources: MetricSourceRow[];
  canEdit: boolean;
  now: Date;
}) {
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Prometheus servers this project’s metrics can be polled from. A metric with a PromQL query against a source is
        polled while its plan is running; the query should return one series per cohort (label{" "}
        <code className="text-xs">cohort=&quot;baseline&quot;</code> for the baseline).
      </p>
      {sources.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No metric sources yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {sources.map((source) => (
            <li key={source.id} data-testid="metric-source" className="space-y-1 py-3">
              <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{source.name}</span>
                    <SourceStatus source={source} />
                  </div>
                  <code className="block text-xs break-all text-slate-600 dark:text-slate-400">{source.baseUrl}</code>
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    Every {source.pollIntervalSeconds} s · used by {source.metrics} metric
                    {source.metrics === 1 ? "" : "s"} · last polled{" "}
                    {source.lastPolledAt ? <RelativeTime date={source.lastPolledAt} now={now} /> : "never"}
                  </p>
                  {source.lastError ? (
                    <p className="rounded-md bg-red-50 px-2 py-1 text-xs break-words text-red-800 dark:bg-red-950/50 dark:text-red-200">
                      <span className="font-medium">Last error:</span> {source.lastError}
                    </p>
                  ) : null}
                  {source.lastError && source.lastResponseExcerpt ? (
                    <AnswerExcerpt text={source.lastResponseExcerpt} />
                  ) : null}
                </div>
                {canEdit ? (
                  <div className="flex shrink-0 gap-3">
                    <details className="relative">
                      <summary
                        className="cursor-pointer list-none text-sm underline"
                        aria-label={`Edit metric source ${source.name}`}
                      >
                        Edit
                      </summary>
                      <div className="absolute right-0 z-10 mt-1 w-80 rounded-md border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                        <SourceForm source={source} />
                      </div>
                    </details>
                    <details className="relative">
                      <summary
                        className="cursor-pointer list-none text-sm text-red-700 underline dark:text-red-300"
                        aria-label={`Delete metric source ${source.name}`}
                      >
                        Delete…
                      </summary>
                      <div className="absolute right-0 z-10 mt-1 w-72 rounded-md border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900">
                        <DeleteSourceForm source={source} />
                      </div>
                    </details>
                  </div>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
          <h3 className="mb-2 text-sm font-semibold">New metric source</h3>
          <SourceForm projectId={projectId} />
        </div>
      ) : null}
    </div>
  );
}

function SourceStatus({ source }: { source: MetricSourceRow }) {
  if (!source.enabled) return <Badge tone="grey">Disabled</Badge>;
  if (source.lastError) return <Badge tone="red">Failing</Badge>;
  if (!source.lastPolledAt) return <Badge tone="grey">Not polled yet</Badge>;
  return <Badge tone="green">Working</Badge>;
}

/** Adds a source (with `projectId`) or edits one (with `source`). */
function SourceForm({ projectId, source }: { projectId?: string; source?: MetricSourceRow }) {
  const [state, action] = useActionState<SourceActionResult | null, FormData>(
    source ? updateMetricSourceAction : createMetricSourceAction,
    null,
  );
  const { errors, values } = failed(state);
  const enabled = values ? values.enabled === "on" : (source?.enabled ?? true);
  return (
    <form action={action} className="space-y-3" noValidate>
      <SaveTarget idName="sourceId" id={source?.id} projectId={projectId} />
      <Field
        label="Name"
        name="name"
        required
        placeholder="e.g. Production Prometheus"
        errors={errors?.name}
        defaultValue={values?.name ?? source?.name}
      />
      <Field
        label="Prometheus URL"
        name="baseUrl"
        type="url"
        required
        placeholder="http://prometheus:9090"
        hint="The address /api/v1 is under; no user name or password in it. Private and internal addresses work once an administrator allows them (PHASEGATE_EGRESS_ALLOW)."
        errors={errors?.baseUrl}
        defaultValue={values?.baseUrl ?? source?.baseUrl}
      />
      <Field
        label="Poll every (seconds)"
        name="pollIntervalSeconds"
        type="number"
        min={5}
        max={3600}
        step={1}
        required
        errors={errors?.pollIntervalSeconds}
        defaultValue={values?.pollIntervalSeconds ?? source?.pollIntervalSeconds ?? 15}
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={enabled} /> Poll this source
      </label>
      {errors?.enabled ? <p className="text-xs text-red-700 dark:text-red-300">{errors.enabled.join(" ")}</p> : null}
      <FormMessage state={state} />
      <SubmitButton variant={source ? "secondary" : "primary"} pendingText="Saving…">
        {source ? "Save source" : "Add source"}
      </SubmitButton>
    </form>
  );
}

function DeleteSourceForm({ source }: { source: MetricSourceRow }) {
  const [state, action] = useActionState<FormState, FormData>(deleteMetricSourceAction, null);
  return (
    <form action={action} className="space-y-2 text-sm">
      <input type="hidden" name="sourceId" value={source.id} />
      <p>
        Delete “{source.name}”?{" "}
        {source.metrics > 0
          ? `${source.metrics} metric${source.metrics === 1 ? "" : "s"} using it stop${source.metrics === 1 ? "s" : ""} being polled; samples already stored stay.`
          : "No metric uses it."}
      </p>
      {state && !state.ok ? <FormMessage state={state} /> : null}
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete source
      </SubmitButton>
    </form>
  );
}
