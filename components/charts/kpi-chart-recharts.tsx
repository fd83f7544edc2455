"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { timeAxisProps, timeFormat } from "./time-axis";

export interface KpiChartProps {
  label: string;
  unit: string;
  direction: "lower_is_better" | "higher_is_better";
  target: number | null;
  alert: number | null;
  critical: number | null;
  from: number;
  to: number;
  points: { t: number; canary: number | null; baseline: number | null }[];
  phaseStarts: { t: number; name: string }[];
}

// One KPI against its thresholds: canary and baseline lines, alert and critical bands, phase starts.
export function KpiChart(props: KpiChartProps) {
  const { unit, direction, target, alert, critical, points, from, to } = props;
  const values = points.flatMap((p) => [p.canary, p.baseline]).filter((v): v is number => v !== null);
  const limits = [target, alert, critical].filter((v): v is number => v !== null);
  const domain = yDomain([...values, ...limits], unit);
  const [yMin, yMax] = domain;
  const worseAbove = direction === "lower_is_better";
  const fmt = (v: number) => `${Number.isInteger(v) ? v : v.toFixed(2)}${unit === "%" ? "%" : unit ? ` ${unit}` : ""}`;
  // Axis ticks carry % only; other units are in the card title, so ticks stay short on a phone.
  const tick = (v: number) => `${Number.isInteger(v) ? v : Number(v.toFixed(2))}${unit === "%" ? "%" : ""}`;

  return (
    <div className="h-56 w-full" data-testid="kpi-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
          {alert !== null ? (
            <ReferenceArea
              y1={worseAbove ? alert : (critical ?? yMin)}
              y2={worseAbove ? (critical ?? yMax) : alert}
              fill="var(--chart-alert)"
              fillOpacity={0.1}
              ifOverflow="hidden"
            />
          ) : null}
          {critical !== null ? (
            <ReferenceArea
              y1={worseAbove ? critical : yMin}
              y2={worseAbove ? yMax : critical}
              fill="var(--chart-critical)"
              fillOpacity={0.12}
              ifOverflow="hidden"
            />
          ) : null}
          <XAxis {...timeAxisProps(from, to)} />
          <YAxis
            domain={domain}
            width={48}
            stroke="var(--chart-axis)"
            tick={{ fontSize: 11, fill: "var(--chart-axis)" }}
            tickFormatter={tick}
          />
          <Tooltip
            labelFormatter={(t) => `${timeFormat.format(Number(t))} UTC`}
            formatter={(v) => (typeof v === "number" ? fmt(v) : String(v))}
            contentStyle={{ fontSize: 12, borderRadius: 6 }}
          />
          {target !== null ? (
            <ReferenceLine
              y={target}
              stroke="var(--chart-target)"
              strokeDasharray="4 4"
              label={{
                value: `target ${fmt(target)}`,
                position: "insideTopLeft",
                fontSize: 10,
                fill: "var(--chart-target)",
              }}
            />
          ) : null}
          {alert !== null ? <ReferenceLine y={alert} stroke="var(--chart-alert)" strokeDasharray="2 2" /> : null}
          {critical !== null ? (
            <ReferenceLine y={critical} stroke="var(--chart-critical)" strokeDasharray="2 2" />
          ) : null}
          {/* A phase that starts with the chart needs no line: the axis already marks it. */}
          {props.phaseStarts
            .filter((p) => p.t > from + (to - from) * 0.02)
            .map((p) => (
              <ReferenceLine
                key={p.t}
                x={p.t}
                stroke="var(--chart-phase)"
                label={{ value: p.name, position: "insideTopRight", fontSize: 10, fill: "var(--chart-axis)" }}
              />
            ))}
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="monotone"
            dataKey="canary"
            name="Canary"
            stroke="var(--chart-canary)"
            strokeWidth={1.75}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
          <Line
            type="monotone"
            dataKey="baseline"
            name="Baseline"
            stroke="var(--chart-baseline)"
            strokeWidth={1.25}
            strokeDasharray="5 3"
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A padded, rounded y range that never dips below 0 or above 100% when the data cannot. */
function yDomain(all: number[], unit: string): [number, number] {
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const range = hi - lo || Math.abs(hi) || 1;
  const step = 10 ** Math.floor(Math.log10(range)) / 2;
  let min = Math.floor((lo - range * 0.08) / step) * step;
  let max = Math.ceil((hi + range * 0.08) / step) * step;
  if (lo >= 0) min = Math.max(0, min);
  if (unit === "%" && hi <= 100) max = Math.min(100, max);
  return [Number(min.toPrecision(6)), Number(max.toPrecision(6))];
}
