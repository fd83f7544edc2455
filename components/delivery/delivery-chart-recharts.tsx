"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ChartPoint, ChartSeries } from "./delivery-chart";

// The delivery charts' drawing (loaded after the page; see delivery-chart.tsx). Hidden from
// assistive technology, which reads the table beside each chart, so nothing in it takes focus.

const axisTick = { fontSize: 11, fill: "var(--chart-axis)" };

export function DeliveryBars({
  data,
  series,
  stacked,
  unit,
}: {
  data: ChartPoint[];
  series: ChartSeries[];
  stacked: boolean;
  unit: string;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" stroke="var(--chart-axis)" tick={axisTick} minTickGap={16} />
        <YAxis allowDecimals={false} stroke="var(--chart-axis)" tick={axisTick} width={40} unit={unit} />
        <Tooltip
          contentStyle={{ fontSize: 12, borderRadius: 6 }}
          cursor={{ fill: "var(--chart-grid)", opacity: 0.4 }}
        />
        {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            fill={s.color}
            isAnimationActive={false}
            {...(stacked ? { stackId: "a" } : {})}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function DeliveryLines({ data, series, unit }: { data: ChartPoint[]; series: ChartSeries[]; unit: string }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" stroke="var(--chart-axis)" tick={axisTick} minTickGap={16} />
        <YAxis stroke="var(--chart-axis)" tick={axisTick} width={48} unit={unit} />
        <Tooltip contentStyle={{ fontSize: 12, borderRadius: 6 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            strokeWidth={2}
            dot={{ r: 3 }}
            connectNulls
            isAnimationActive={false}
            {...(s.dashed ? { strokeDasharray: "5 4" } : {})}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
