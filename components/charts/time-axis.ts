// The time axis the charts share: UTC, whole days for long ranges, hours or minutes for short ones.

import type { XAxisProps } from "recharts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const timeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});
const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const hourFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

const MINUTE = 60_000;

/** Ticks on whole days (UTC) for long ranges, whole hours for short ones, minutes for a phase just started; at most ~8. */
export function timeTicks(from: number, to: number): number[] {
  const span = to - from;
  const unit = span > 2 * DAY ? DAY : span > 3 * HOUR ? HOUR : span > 30 * MINUTE ? 10 * MINUTE : MINUTE;
  const step = Math.max(1, Math.ceil(span / unit / 8)) * unit;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label: the day for ranges over two days, the hour otherwise. */
export function timeTickLabel(from: number, to: number): (t: number) => string {
  return (t) => (to - from > 2 * DAY ? dayFormat.format(t) : hourFormat.format(t));
}

/** The x axis of a chart over time, from `from` to `to` (epoch ms), as every chart draws it. */
export function timeAxisProps(from: number, to: number): XAxisProps {
  return {
    dataKey: "t",
    type: "number",
    domain: [from, to],
    scale: "time",
    ticks: timeTicks(from, to),
    tickFormatter: timeTickLabel(from, to),
    stroke: "var(--chart-axis)",
    tick: { fontSize: 11, fill: "var(--chart-axis)" },
    minTickGap: 32,
  };
}
