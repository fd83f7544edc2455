"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReleaseWeek } from "@/lib/domain/portfolio";

const weekFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** Per week: rollouts started, completed and rolled back; the same figures as a table for screen readers. */
export function ReleasesChart({ weeks }: { weeks: ReleaseWeek[] }) {
  const data = weeks.map((w) => ({ ...w, label: weekFormat.format(w.week) }));
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900" data-testid="releases-chart">
      <figcaption className="text-sm font-semibold">Releases over the last {weeks.length} weeks</figcaption>
      <div className="mt-2 h-40 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" stroke="var(--chart-axis)" tick={{ fontSize: 11, fill: "var(--chart-axis)" }} minTickGap={16} />
            <YAxis allowDecimals={false} stroke="var(--chart-axis)" tick={{ fontSize: 11, fill: "var(--chart-axis)" }} width={40} />
            <Tooltip contentStyle={{ fontSize: 12, borderRadius: 6 }} cursor={{ fill: "var(--chart-grid)", opacity: 0.4 }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="started" name="Started" stackId="a" fill="var(--chart-canary)" isAnimationActive={false} />
            <Bar dataKey="completed" name="Completed" stackId="a" fill="#059669" isAnimationActive={false} />
            <Bar dataKey="rolledBack" name="Rolled back" stackId="a" fill="var(--chart-critical)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
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
