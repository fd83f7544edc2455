import { IncidentTimingChart } from "@/components/charts/incident-timing-chart";
import { Badge, type Tone } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { notesFingerprint } from "@/lib/domain/incident-notes";
import { incidentTiming, type RollbackTargets, STAGE_LABELS } from "@/lib/domain/incident-timing";
import type { IncidentActivity, IncidentEdit } from "@/lib/queries/incidents";
import type { PlanView } from "@/lib/queries/plan";
import { IncidentDetailsForms, MarkVerifiedForm, PostmortemEditor, ReopenForm, ResolveButton } from "./incident-forms";
import { effectWords, methodLabel, readStoredJudgement, valueWords, VerdictBadge } from "./judgement";

type Incident = PlanView["plan"]["incidents"][number];

const statusBadge: Record<Incident["status"], { tone: Tone; label: string }> = {
  open: { tone: "red", label: "Open" },
  mitigated: { tone: "amber", label: "Mitigated" },
  resolved: { tone: "green", label: "Resolved" },
};

export interface IncidentCardProps {
  incident: Incident;
  targets: RollbackTargets;
  /** What set off an automatic rollback, or who decided a manual one. */
  origin: string;
  /** The KPI a canary judge trigger watched, for the units of its judgement. */
  judgedMetric?: { unit: string } | undefined;
  activity: IncidentActivity | undefined;
  now: Date;
  canEdit: boolean;
}

function By({ edit, now }: { edit: IncidentEdit | undefined; now: Date }) {
  if (!edit) return null;
  return (
    <>
      {" "}
      by {edit.by}, <RelativeTime date={edit.at} now={now} />
    </>
  );
}

export function IncidentCard({
  incident: i,
  targets,
  origin,
  judgedMetric,
  activity,
  now,
  canEdit,
}: IncidentCardProps) {
  const timing = incidentTiming(i, targets, now);
  const status = statusBadge[i.status];
  const running = timing.stages.some((s) => s.state === "in_progress");
  const verdict = timing.late.length
    ? {
        tone: "red" as const,
        label: `Over target: ${timing.late.map((s) => STAGE_LABELS[s].toLowerCase()).join(", ")}`,
      }
    : running
      ? { tone: "accent" as const, label: "Within targets so far" }
      : { tone: "green" as const, label: "Within targets" };
  const ids = { planId: i.planId, incidentId: i.id };
  const times = [
    { label: "Detected", at: i.detectedAt },
    { label: "Decided", at: i.decidedAt },
    { label: "Executed", at: i.executedAt },
    { label: "Verified", at: i.verifiedAt, by: activity?.verified },
  ];

  return (
    <article className="space-y-3" data-testid="incident" aria-labelledby={`incident-${i.id}-title`}>
      <header>
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={status.tone}>{status.label}</Badge>
          <h3 id={`incident-${i.id}-title`} className="font-medium">
            {i.title}
          </h3>
        </div>
        <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{origin}</p>
        {i.status === "resolved" && activity?.resolved ? (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            Resolved
            <By edit={activity.resolved} now={now} />
          </p>
        ) : null}
      </header>

      {i.summary ? <p className="text-sm break-words whitespace-pre-wrap">{i.summary}</p> : null}

      <IncidentJudgement id={`incident-${i.id}-judgement`} stored={i.judgement} unit={judgedMetric?.unit ?? ""} />

      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs sm:grid-cols-4">
        {times.map((t) => (
          <div key={t.label}>
            <dt className="text-slate-600 dark:text-slate-400">{t.label}</dt>
            <dd>
              {t.at ? <RelativeTime date={t.at} now={now} /> : "—"}
              {t.at && t.by ? <span className="block text-slate-600 dark:text-slate-400">by {t.by.by}</span> : null}
            </dd>
          </div>
        ))}
      </dl>

      <div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <span className="text-xs font-medium text-slate-700 dark:text-slate-300">Rollback timing</span>
          <Badge tone={verdict.tone}>{verdict.label}</Badge>
        </div>
        <IncidentTimingChart stages={timing.stages} sentence={timing.sentence} />
      </div>

      {canEdit ? (
        <div className="flex flex-wrap items-start gap-3">
          {i.status === "open" && i.executedAt ? (
            <MarkVerifiedForm {...ids} executedAt={i.executedAt.toISOString()} />
          ) : null}
          {i.status === "open" && !i.executedAt ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Verify once the rollback has been executed.</p>
          ) : null}
          {i.status === "mitigated" ? <ResolveButton {...ids} /> : null}
          {i.status === "resolved" ? <ReopenForm {...ids} /> : null}
        </div>
      ) : null}

      <section aria-label="Post-mortem" className="space-y-1">
        {canEdit ? (
          <PostmortemEditor {...ids} text={i.postmortem} fingerprint={notesFingerprint(i.postmortem)} />
        ) : (
          <>
            <h4 className="text-sm font-medium">Post-mortem</h4>
            {i.postmortem ? (
              // Shown as text: whatever was typed, markup included, is never interpreted.
              <div className="rounded-md bg-slate-50 p-2 font-mono text-xs break-words whitespace-pre-wrap dark:bg-slate-950">
                {i.postmortem}
              </div>
            ) : (
              <p className="text-sm text-slate-600 dark:text-slate-400">Not written yet.</p>
            )}
          </>
        )}
        {activity?.postmortem ? (
          <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="postmortem-last-edit">
            Last edited
            <By edit={activity.postmortem} now={now} />
          </p>
        ) : null}
      </section>

      {canEdit ? (
        <IncidentDetailsForms
          {...ids}
          summary={i.summary}
          fingerprint={notesFingerprint(i.summary)}
          manual={i.origin === "manual"}
          detectedAt={i.detectedAt.toISOString()}
        />
      ) : null}
    </article>
  );
}

/** An always-valid p-value is small by design once the judge fails the canary: a few figures are enough. */
function pWords(p: number): string {
  return p < 0.0001 ? "< 0.0001" : String(Number(p.toPrecision(2)));
}

/** The canary judgement an automatic rollback acted on, as it stood at that moment. */
function IncidentJudgement({ id, stored, unit }: { id: string; stored: unknown; unit: string }) {
  const j = readStoredJudgement(stored);
  if (!j) return null;
  const facts = [
    { label: "Effect (canary ÷ baseline)", value: effectWords(j.effect) },
    {
      label: "Canary vs baseline",
      value: `${valueWords(j.canaryValue, unit)} vs ${valueWords(j.baselineValue, unit)}`,
    },
    {
      label: "Sample size",
      value: `canary ${j.samples.canary.toLocaleString("en-US")} · baseline ${j.samples.baseline.toLocaleString("en-US")}`,
    },
    { label: "Method", value: methodLabel[j.method] },
    ...(j.pValue === null
      ? []
      : [{ label: j.method === "sequential" ? "Always-valid p" : "p-value", value: pWords(j.pValue) }]),
  ];
  return (
    <section
      aria-labelledby={id}
      className="space-y-2 rounded-md border border-slate-200 p-2.5 dark:border-slate-700"
      data-testid="incident-judgement"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h4 id={id} className="text-xs font-medium text-slate-700 dark:text-slate-300">
          Judgement that rolled it back
        </h4>
        <VerdictBadge verdict={j.verdict} />
      </div>
      <p className="text-sm">{j.sentence}</p>
      <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-xs sm:grid-cols-2">
        {facts.map((f) => (
          <div key={f.label} className="min-w-0">
            <dt className="text-slate-600 dark:text-slate-400">{f.label}</dt>
            <dd className="tabular-nums">{f.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
