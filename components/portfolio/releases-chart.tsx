"use client";

import dynamic from "next/dynamic";
import { ChartLoading } from "@/components/charts/chart-loading";
import type { ReleaseWeek } from "@/lib/domain/portfolio";

// The bars load after the page, like every chart (see components/charts/kpi-chart.tsx); the
// figures are in the table below from the start.
const ReleasesBars = dynamic(() => import("./releases-chart-recharts").then((m) => m.ReleasesBars), {
  ssr: false,
  loading: () => <ChartLoading className="h-40" />,
});

const weekFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** Per week: rollouts started, completed and rolled back; the same figures as a table for screen readers. */
export function ReleasesChart({ weeks }: { weeks: ReleaseWeek[] }) {
  const data = weeks.map((w) => ({ ...w, label: weekFormat.format(w.week) }));
  return (
    <figure
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="releases-chart"
    >
      <figcaption className="text-sm font-semibold">Releases over the last {weeks.length} weeks</figcaption>
      <div className="mt-2 h-40 w-full" aria-hidden="true">
        <ReleasesBars data={data} />
      </div>
      <table className="sr-only">
        <caption>Rollouts started, completed and rolled back per week</caption>
        <thead>
          <tr>
            <th scope="col">Week of</th>
            <th scope="col">Started</th>
            <th scope="col">Completed</th>
            <th scope="col">Rolled back</th>
          </tr>
        </thead>
        <tbody>
          {data.map((w) => (
            <tr key={w.week}>
              <th scope="row">{w.label}</th>
              <td>{w.started}</td>
              <td>{w.completed}</td>
              <td>{w.rolledBack}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
