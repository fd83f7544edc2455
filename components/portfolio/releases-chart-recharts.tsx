"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReleaseWeek } from "@/lib/domain/portfolio";

/** The stacked bars of releases per week (loaded after the page; see releases-chart.tsx). */
export function ReleasesBars({ data }: { data: (ReleaseWeek & { label: string })[] }) {
  // Room for the widest tick: a busy week's count may run to three or four digits.
  const most = Math.max(0, ...data.map((w) => w.started + w.completed + w.rolledBack));
  const axisWidth = 16 + 8 * String(most).length;
  return (
    <ResponsiveContainer width="100%" height="100%">
      {/* Hidden from assistive technology (the table beside it has the figures), so nothing in it
          may take focus: no keyboard layer. */}
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="label"
          stroke="var(--chart-axis)"
          tick={{ fontSize: 11, fill: "var(--chart-axis)" }}
          minTickGap={16}
        />
        <YAxis
          allowDecimals={false}
          stroke="var(--chart-axis)"
          tick={{ fontSize: 11, fill: "var(--chart-axis)" }}
          width={axisWidth}
        />
        <Tooltip
          contentStyle={{ fontSize: 12, borderRadius: 6 }}
          cursor={{ fill: "var(--chart-grid)", opacity: 0.4 }}
        />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Bar dataKey="started" name="Started" stackId="a" fill="var(--chart-canary)" isAnimationActive={false} />
        <Bar dataKey="completed" name="Completed" stackId="a" fill="#059669" isAnimationActive={false} />
        <Bar
          dataKey="rolledBack"
          name="Rolled back"
          stackId="a"
          fill="var(--chart-critical)"
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}
