import { EffectChart, type EffectChartPoint } from "@/components/charts/effect-chart";
import { timeFormat } from "@/components/charts/time-axis";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { Cohort } from "@/db/schema/enums";
import type { DataForm } from "@/lib/domain/canary-data";
import { formatInterval, formatRatio } from "@/lib/domain/judge";
import { describeJudgeSettings, likelyForm } from "@/lib/domain/judge-settings";
import type { CanaryPanel as CanaryPanelData, CanaryPanelKpi } from "@/lib/queries/canary";
import {
  confidenceWords,
  effectWords,
  judgeLines,
  sampleWords,
  valueWords,
  VerdictBadge,
  verdictLabel,
} from "./judgement";

// The canary judge on the plan page: for each KPI a canary trigger or criterion judges, the verdict
// and its sentence, both cohorts side by side, and canary ÷ baseline over the phase.

export function CanaryPanel({ canary, now }: { canary: CanaryPanelData; now: Date }) {
  const { phase } = canary;
  return (
    <section aria-labelledby="canary-title" className="space-y-3" id="canary" data-testid="canary-panel">
      <div>
        <h2 id="canary-title" className="text-sm font-semibold">
          Canary against baseline · {phase.name}
        </h2>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {phase.active ? (
            <>
              Judged on everything both cohorts sent since {phase.name} started{" "}
              <RelativeTime date={phase.from} now={now} />.
            </>
          ) : (
            <>{phase.name} has ended: the judgement as it stood at its end.</>
          )}
        </p>
      </div>
      <div className="space-y-4">
        {canary.kpis.map((k) => (
          <CanaryKpiCard key={k.metricId} kpi={k} phase={phase} now={now} />
        ))}
      </div>
    </section>
  );
}

const usesInWords = (uses: CanaryPanelKpi["uses"], phase: string) =>
  uses
    .map((u) =>
      u === "automatic rollback"
        ? "an automatic rollback"
        : u === "alert"
          ? "an alert"
          : `${phase}’s success criterion`,
    )
    .join(" and ");

function CanaryKpiCard({ kpi, phase, now }: { kpi: CanaryPanelKpi; phase: CanaryPanelData["phase"]; now: Date }) {
  const { judgement, newest } = kpi.reading;
  // Before either cohort has sent anything the data's form is unknown: a % KPI is most likely a
  // rate pushed as counts, so its minimum sample is in requests.
  const form: DataForm = newest.canary === null && newest.baseline === null ? likelyForm(kpi.unit) : kpi.reading.form;
  // The sentence says what the judge still needs; each cohort shows its own share of it.
  const needs = judgement.verdict === "not_enough_data" ? judgement.needs : null;
  const lines = judgeLines(kpi.settings, kpi.direction);
  const missing = (["canary", "baseline"] as const).filter((c) => newest[c] === null);
  const failWord = kpi.uses.includes("automatic rollback") ? "rolls back" : "fails";
  return (
    <div data-testid={`canary-kpi-${kpi.key}`} className="min-w-0">
      <Card
        title={kpi.label}
        action={<VerdictBadge verdict={judgement.verdict} testId={`canary-verdict-${kpi.key}`} />}
      >
        <div className="grid gap-4 lg:grid-cols-5">
          <div className="min-w-0 space-y-3 lg:col-span-2">
            <p className="text-sm font-medium">{judgement.sentence}</p>
            <dl className="grid grid-cols-2 gap-2">
              {(["canary", "baseline"] as const).map((cohort) => (
                <CohortStat
                  key={cohort}
                  cohort={cohort}
                  value={cohort === "canary" ? judgement.canaryValue : judgement.baselineValue}
                  samples={judgement.samples[cohort]}
                  needs={needs?.[cohort] ?? 0}
                  kpi={kpi}
                  form={form}
                  newest={newest[cohort]}
                  now={now}
                />
              ))}
            </dl>
            <p className="text-xs text-slate-600 dark:text-slate-400">
              <span className="font-medium text-slate-700 dark:text-slate-300">Canary judge:</span>{" "}
              {describeJudgeSettings(kpi.settings, kpi.direction)}.
              {kpi.uses.length ? ` Used by ${usesInWords(kpi.uses, phase.name)}.` : ""}
            </p>
          </div>
          <div className="min-w-0 lg:col-span-3">
            {kpi.series.length === 0 || missing.length ? (
              <EmptyEffect kpi={kpi} phase={phase.name} missing={missing} form={form} />
            ) : (
              <EffectChart
                kpiKey={kpi.key}
                from={phase.from.getTime()}
                to={phase.to.getTime()}
                points={chartPoints(kpi)}
                failLine={lines.fail}
                passLine={lines.pass}
                failWord={failWord}
                summary={chartSummary(kpi, lines)}
                intervalName={`${confidenceWords(judgement.effect.confidence)} interval`}
                ongoing={phase.active}
              />
            )}
          </div>
        </div>
      </Card>
    </div>
  );
}

function CohortStat({
  cohort,
  value,
  samples,
  needs,
  kpi,
  form,
  newest,
  now,
}: {
  cohort: Cohort;
  value: number | null;
  samples: number;
  needs: number;
  kpi: CanaryPanelKpi;
  form: DataForm;
  newest: number | null;
  now: Date;
}) {
  // A rate pushed as counts shows what it is made of: "4,392 of 833,296 requests".
  const counted = form === "counts" ? kpi.counts?.[cohort] : undefined;
  return (
    <div className="min-w-0 rounded-md border border-slate-200 p-2.5 dark:border-slate-800">
      <dt className="text-xs text-slate-600 dark:text-slate-400">
        {cohort === "canary" ? "Canary" : "Baseline"}
        {form === "values" && samples > 0 ? " (median)" : ""}
      </dt>
      <dd>
        <span className="block text-xl font-semibold tabular-nums">{valueWords(value, kpi.unit)}</span>
        <span className="block text-xs text-slate-700 tabular-nums dark:text-slate-300">
          {counted
            ? `${counted.numerator.toLocaleString("en-US")} of ${sampleWords(counted.denominator, "counts")}`
            : sampleWords(samples, form)}
        </span>
        {needs > 0 ? (
          <span
            className="block text-xs font-medium text-amber-800 dark:text-amber-300"
            data-testid={`canary-needs-${kpi.key}-${cohort}`}
          >
            needs {needs.toLocaleString("en-US")} more {form === "counts" ? "request" : "point"}
            {needs === 1 ? "" : "s"}
          </span>
        ) : null}
        {newest === null ? null : (
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            latest <RelativeTime date={new Date(newest)} now={now} />
          </span>
        )}
      </dd>
    </div>
  );
}

function EmptyEffect({
  kpi,
  phase,
  missing,
  form,
}: {
  kpi: CanaryPanelKpi;
  phase: string;
  missing: Cohort[];
  form: DataForm;
}) {
  const what = form === "counts" || kpi.unit.trim() === "%" ? "errors and requests per minute" : "one value per minute";
  const which = missing.length === 1 ? `No ${missing[0]} samples` : "No samples from both cohorts";
  const push = missing.length === 1 ? `Push ${missing[0]} samples` : "Push canary and baseline samples";
  return (
    <div
      className="flex h-full min-h-40 items-center justify-center rounded-md border border-dashed border-slate-300 p-4 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400"
      data-testid={`effect-empty-${kpi.key}`}
    >
      <p className="max-w-prose">
        {which} since {phase} started. {push} ({what}) to <code className="break-all">/api/v1/metrics</code>.
      </p>
    </div>
  );
}

function chartPoints(kpi: CanaryPanelKpi): EffectChartPoint[] {
  return kpi.series.map((p) => ({
    t: p.t,
    estimate: p.estimate,
    lower: p.lower,
    upper: p.upper,
    verdict: verdictLabel[p.verdict],
    decided: p.verdict !== "not_enough_data",
    text: {
      estimate: p.estimate === null ? "no estimate yet" : `${formatRatio(p.estimate)}×`,
      interval: p.lower === null || p.upper === null ? "not yet bounded" : formatInterval(p.lower, p.upper),
      canary: valueWords(p.canary, kpi.unit),
      baseline: valueWords(p.baseline, kpi.unit),
    },
  }));
}

function chartSummary(kpi: CanaryPanelKpi, lines: { fail: number; pass: number }): string {
  const last = kpi.series.at(-1);
  const worse = kpi.direction === "lower_is_better" ? ["above", "below"] : ["below", "above"];
  const head = `${kpi.label}, canary ÷ baseline over the phase`;
  const rule = `It fails ${worse[0]} ${formatRatio(lines.fail)}× and passes ${worse[1]} ${formatRatio(lines.pass)}×.`;
  if (!last) return `${head}: no data yet. ${rule}`;
  const effect = effectWords({
    estimate: last.estimate,
    lower: last.lower,
    upper: last.upper,
    confidence: kpi.reading.judgement.effect.confidence,
  });
  return `${head}. At ${timeFormat.format(last.t)} UTC: ${effect}, ${verdictLabel[last.verdict].toLowerCase()}. ${rule}`;
}
