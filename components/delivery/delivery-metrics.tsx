import type React from "react";
import {
  type DeliveryMetrics,
  type DurationWeek,
  type FailureRatio,
  METRIC_DEFINITIONS,
} from "@/lib/domain/delivery-metrics";
import { formatDuration } from "@/lib/domain/time";
import { type ChartPoint, DeliveryChart } from "./delivery-chart";

// The delivery metrics, one figure each: its headline numbers, its one-line definition, its chart,
// and the same figures as a table for screen readers.

const weekFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const weekLabel = (week: number) => weekFormat.format(week);
const percent = (ratio: number | null) => (ratio === null ? "—" : `${Math.round(ratio * 100)}%`);
const duration = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));
export const ratioWords = (r: FailureRatio) =>
  r.finished === 0 ? "none finished" : `${r.rolledBack} of ${r.finished} (${percent(r.rate)})`;

/** Hours when the longest duration runs past two hours, else minutes; rounded for the axis. */
function durationScale(weeks: readonly DurationWeek[]) {
  const most = Math.max(0, ...weeks.map((w) => w.p90Ms ?? 0));
  const [unit, per] = most >= 2 * 3_600_000 ? [" h", 3_600_000] : [" min", 60_000];
  return { unit, value: (ms: number | null) => (ms === null ? null : Math.round((ms / per) * 10) / 10) };
}

function Figure({
  id,
  title,
  definition,
  headline,
  children,
  table,
}: {
  id: string;
  title: string;
  definition: string;
  headline: React.ReactNode;
  children: React.ReactNode;
  table: React.ReactNode;
}) {
  return (
    <figure
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-definition`}
      data-testid={`delivery-${id}`}
    >
      <figcaption>
        <h2 id={`${id}-title`} className="text-base font-semibold">
          {title}
        </h2>
        <p
          id={`${id}-definition`}
          className="mt-0.5 text-xs text-slate-600 dark:text-slate-400"
          data-testid="delivery-definition"
        >
          {definition}
        </p>
      </figcaption>
      <div className="mt-2 text-sm" data-testid="delivery-headline">
        {headline}
      </div>
      <div className="mt-2">{children}</div>
      <table className="sr-only">{table}</table>
    </figure>
  );
}

function DurationTable({ caption, weeks }: { caption: string; weeks: DurationWeek[] }) {
  return (
    <>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Week of</th>
          <th scope="col">Count</th>
          <th scope="col">Median</th>
          <th scope="col">90th percentile</th>
        </tr>
      </thead>
      <tbody>
        {weeks.map((w) => (
          <tr key={w.week}>
            <th scope="row">{weekLabel(w.week)}</th>
            <td>{w.count}</td>
            <td>{duration(w.medianMs)}</td>
            <td>{duration(w.p90Ms)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

function durationPoints(weeks: DurationWeek[]): { data: ChartPoint[]; unit: string } {
  const scale = durationScale(weeks);
  return {
    unit: scale.unit,
    data: weeks.map((w) => ({ label: weekLabel(w.week), median: scale.value(w.medianMs), p90: scale.value(w.p90Ms) })),
  };
}

const durationSeries = [
  { key: "median", name: "Median", color: "var(--chart-canary)" },
  { key: "p90", name: "90th percentile", color: "var(--chart-alert)", dashed: true },
];

const stageLabel = { decide: "Decide", execute: "Execute", verify: "Verify", total: "Total" } as const;

export function DeliveryFigures({ metrics }: { metrics: DeliveryMetrics }) {
  const { releases, leadTime, changeFailureRate: cfr, timeToRestore: ttr, rollbackTargets } = metrics;
  const lead = durationPoints(leadTime.weeks);
  const restore = durationPoints(ttr.weeks);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Figure
        id="releases"
        title="Releases completed per week"
        definition={METRIC_DEFINITIONS.releases}
        headline={
          <p>
            <strong className="text-2xl font-semibold tabular-nums">{releases.total}</strong> completed,{" "}
            {Math.round(releases.perWeek * 10) / 10} a week on average
          </p>
        }
        table={
          <>
            <caption>Rollouts completed per week</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Completed</th>
              </tr>
            </thead>
            <tbody>
              {releases.weeks.map((w) => (
                <tr key={w.week}>
                  <th scope="row">{weekLabel(w.week)}</th>
                  <td>{w.completed}</td>
                </tr>
              ))}
            </tbody>
          </>
        }
      >
        <DeliveryChart
          kind="bars"
          data={releases.weeks.map((w) => ({ label: weekLabel(w.week), completed: w.completed }))}
          series={[{ key: "completed", name: "Completed", color: "#059669" }]}
        />
      </Figure>
      <Figure
        id="lead-time"
        title="Lead time: plan start to 100% traffic"
        definition={METRIC_DEFINITIONS.leadTime}
        headline={
          <p>
            Median <strong className="text-2xl font-semibold tabular-nums">{duration(leadTime.medianMs)}</strong>, 90th
            percentile <strong className="tabular-nums">{duration(leadTime.p90Ms)}</strong> over {leadTime.count}{" "}
            release{leadTime.count === 1 ? "" : "s"}
            {leadTime.unmeasured ? `; ${leadTime.unmeasured} completed without a phase at 100% or a start` : ""}
          </p>
        }
        table={<DurationTable caption="Lead time per week" weeks={leadTime.weeks} />}
      >
        <DeliveryChart kind="lines" data={lead.data} series={durationSeries} unit={lead.unit} />
      </Figure>
      <Figure
        id="change-failure"
        title="Change failure rate"
        definition={METRIC_DEFINITIONS.changeFailureRate}
        headline={
          <p>
            <strong className="text-2xl font-semibold tabular-nums">{percent(cfr.rate)}</strong>:{" "}
            {cfr.finished === 0
              ? "no rollout finished in the period"
              : `${cfr.rolledBack} of ${cfr.finished} rolled back`}
          </p>
        }
        table={
          <>
            <caption>Rollouts rolled back of those finished, per week</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Rolled back of finished</th>
              </tr>
            </thead>
            <tbody>
              {cfr.weeks.map((w) => (
                <tr key={w.week}>
                  <th scope="row">{weekLabel(w.week)}</th>
                  <td>{ratioWords(w)}</td>
                </tr>
              ))}
            </tbody>
          </>
        }
      >
        <DeliveryChart
          kind="bars"
          stacked
          data={cfr.weeks.map((w) => ({
            label: weekLabel(w.week),
            completed: w.finished - w.rolledBack,
            rolledBack: w.rolledBack,
          }))}
          series={[
            { key: "completed", name: "Completed", color: "#059669" },
            { key: "rolledBack", name: "Rolled back", color: "var(--chart-critical)" },
          ]}
        />
      </Figure>
      <Figure
        id="restore"
        title="Time to restore: incident detected to verified"
        definition={METRIC_DEFINITIONS.timeToRestore}
        headline={
          <p>
            Median <strong className="text-2xl font-semibold tabular-nums">{duration(ttr.medianMs)}</strong>, 90th
            percentile <strong className="tabular-nums">{duration(ttr.p90Ms)}</strong> over {ttr.count} incident
            {ttr.count === 1 ? "" : "s"}
            {ttr.open ? `; ${ttr.open} not verified yet` : ""}
          </p>
        }
        table={<DurationTable caption="Time to restore per week" weeks={ttr.weeks} />}
      >
        <DeliveryChart kind="lines" data={restore.data} series={durationSeries} unit={restore.unit} />
      </Figure>
      <Figure
        id="rollback-targets"
        title="Rollback timing against targets"
        definition={METRIC_DEFINITIONS.rollbackTargets}
        headline={
          <p>
            Over {rollbackTargets.incidents} rollback{rollbackTargets.incidents === 1 ? "" : "s"}:{" "}
            {rollbackTargets.stages
              .map((s) => `${stageLabel[s.stage]} ${s.measured ? `${s.met} of ${s.measured}` : "not measured"}`)
              .join(", ")}
          </p>
        }
        table={
          <>
            <caption>Rollback stages within their targets</caption>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Met</th>
                <th scope="col">Measured</th>
                <th scope="col">Still running</th>
              </tr>
            </thead>
            <tbody>
              {rollbackTargets.stages.map((s) => (
                <tr key={s.stage}>
                  <th scope="row">{stageLabel[s.stage]}</th>
                  <td>
                    {s.met} ({percent(s.ratio)})
                  </td>
                  <td>{s.measured}</td>
                  <td>{s.pending}</td>
                </tr>
              ))}
            </tbody>
          </>
        }
      >
        <DeliveryChart
          kind="bars"
          stacked
          data={rollbackTargets.stages.map((s) => ({
            label: stageLabel[s.stage],
            met: s.met,
            missed: s.measured - s.met,
          }))}
          series={[
            { key: "met", name: "Within target", color: "#059669" },
            { key: "missed", name: "Missed", color: "var(--chart-critical)" },
          ]}
        />
      </Figure>
    </div>
  );
}
