"use client";

import {
  Area,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  type LabelProps,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from "recharts";
import { timeAxisProps, timeFormat } from "./time-axis";
import { ScrollRegion } from "@/components/ui/scroll-region";

type LabelPosition = NonNullable<LabelProps["position"]>;

/** One instant of the canary judge: canary ÷ baseline with its interval, and the same in words. */
export interface EffectChartPoint {
  t: number;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  /** The verdict as it stood then ("Not enough data"), and whether it was one. */
  verdict: string;
  decided: boolean;
  /** The same in words: "1.05×" (or "no estimate yet"), "0.9–1.22×" (or "not yet bounded"), "0.52%", "0.49%". */
  text: { estimate: string; interval: string; canary: string; baseline: string };
}

export interface EffectChartProps {
  kpiKey: string;
  from: number;
  to: number;
  points: EffectChartPoint[];
  /** The ratios where the judge fails the canary and where it passes it. */
  failLine: number;
  passLine: number;
  /** What failing does: "rolls back" when an automatic rollback uses it. */
  failWord: string;
  /** The last instant in words, read instead of the drawing. */
  summary: string;
  /** "95% interval", for the legend. */
  intervalName: string;
  /** The phase still runs: a young one gets room on the axis for the minutes to come. */
  ongoing: boolean;
}

// An interval reaching far beyond the lines (early, on little data) would flatten everything that
// matters: the axis stops at 4× and the band is cut there; the numbers below the chart are exact.
const CAP = 4;
const MINUTE = 60_000;
const MIN_SPAN = 10 * MINUTE;
const STEPS = [0.05, 0.1, 0.2, 0.25, 0.5, 1];

/**
 * Around the lines, the estimates and the intervals the judge decided on, with a margin, so a
 * canary within a few percent of its baseline is not a flat line at the top of a 0–1.5× axis.
 * Intervals from before any verdict (the first minutes, on a handful of requests) run off the
 * edges rather than flatten everything that matters.
 */
function yAxisOf(points: EffectChartPoint[], lines: number[]): { min: number; max: number; ticks: number[] } {
  const seen = [
    ...points.map((p) => p.estimate),
    ...points.filter((p) => p.decided).flatMap((p) => [p.lower, p.upper]),
  ].filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.max(0, Math.min(1, ...lines, ...seen));
  const hi = Math.min(CAP, Math.max(1, ...lines, ...seen));
  const pad = (hi - lo) * 0.1;
  const step = STEPS.find((s) => (hi - lo + 2 * pad) / s <= 6) ?? 1;
  const min = Math.max(0, Math.floor((lo - pad) / step + 1e-9) * step);
  const max = Math.ceil((hi + pad) / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + 1e-9; i++) ticks.push(Number((min + i * step).toFixed(2)));
  return { min: Number(min.toFixed(2)), max: Number(max.toFixed(2)), ticks };
}

const ratioTick = (v: number) => `${Number(v.toFixed(2))}×`;

function EffectTooltip({ active, payload }: TooltipContentProps) {
  const point = payload?.[0]?.payload as (EffectChartPoint & { band: unknown }) | undefined;
  if (!active || !point) return null;
  return (
    <div className="max-w-64 rounded-md border border-slate-200 bg-white px-2.5 py-1.5 text-xs text-slate-800 shadow-md dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <div className="font-medium">{timeFormat.format(point.t)} UTC</div>
      <div>
        Canary ÷ baseline {point.text.estimate}, interval {point.text.interval}
      </div>
      <div>Verdict then: {point.verdict}</div>
      <div className="text-slate-600 dark:text-slate-400">
        Canary {point.text.canary} · baseline {point.text.baseline}
      </div>
    </div>
  );
}

// The canary judge over a phase: canary ÷ baseline with its interval as a band, against the line
// where it fails (and may roll back) and the line within which it passes.
export function EffectChart({
  kpiKey,
  from,
  to,
  points,
  failLine,
  passLine,
  failWord,
  summary,
  intervalName,
  ongoing,
}: EffectChartProps) {
  const { min, max, ticks } = yAxisOf(points, [failLine, passLine]);
  const clip = (v: number | null) => (v === null ? null : Math.min(Math.max(v, min), max));
  const rows = points.map((p) => {
    const [estimate, lower, upper] = [clip(p.estimate), clip(p.lower), clip(p.upper)];
    const band = lower !== null && upper !== null ? [lower, upper] : null;
    return {
      ...p,
      estimate,
      band,
      whisker: band && estimate !== null ? [estimate - band[0]!, band[1]! - estimate] : null,
    };
  });
  // A phase a few minutes old has too few instants for a band: each is a dot with its interval.
  const few = rows.length <= 3;
  // Points are minutes, and the phase may have started within the first. A phase of a few minutes
  // starts its axis a minute early, so its first instants sit clear of the axis rather than on
  // it; while it runs, the axis spans ten minutes, room for the minutes to come.
  const first = Math.min(from, rows[0]?.t ?? from);
  const last = Math.max(to, rows.at(-1)?.t ?? to);
  const short = last - first < MIN_SPAN;
  const [x0, x1] = short ? [first - MINUTE, ongoing ? Math.max(last, first - MINUTE + MIN_SPAN) : last] : [first, last];
  // Each line's label sits on its worse side, the fail line's on the right and the pass line's on
  // the left, so lines close together never stack their labels; a halo in the card's colour keeps
  // them legible where the band or the estimate crosses.
  const worseUp = failLine >= 1;
  const label = (value: string, position: LabelPosition) => ({
    value,
    position,
    fontSize: 10,
    fill: "var(--chart-axis)",
    stroke: "var(--chart-surface)",
    strokeWidth: 3,
    paintOrder: "stroke",
  });
  // On a horizontal line "insideBottom…" is drawn above it and "insideTop…" below it.
  const [above, below] = ["insideBottom", "insideTop"] as const;
  const worse = worseUp ? above : below;
  const better = worseUp ? below : above;

  return (
    <div className="space-y-2">
      <div role="img" aria-label={summary} className="h-56 w-full" data-testid={`effect-chart-${kpiKey}`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke="var(--chart-grid)" strokeDasharray="3 3" />
            <XAxis {...timeAxisProps(x0, x1)} />
            <YAxis
              domain={[min, max]}
              ticks={ticks}
              allowDataOverflow
              width={40}
              stroke="var(--chart-axis)"
              tick={{ fontSize: 11, fill: "var(--chart-axis)" }}
              tickFormatter={ratioTick}
            />
            <Tooltip content={EffectTooltip} />
            <ReferenceLine
              y={1}
              stroke="var(--chart-axis)"
              strokeDasharray="3 3"
              label={label("no difference", `${better}Left`)}
            />
            <ReferenceLine
              y={failLine}
              stroke="var(--chart-critical)"
              strokeDasharray="5 3"
              label={label(`${failWord} ${worseUp ? "above" : "below"} ${ratioTick(failLine)}`, `${worse}Right`)}
            />
            <ReferenceLine
              y={passLine}
              stroke="var(--chart-target)"
              strokeDasharray="2 2"
              label={label(`passes ${worseUp ? "below" : "above"} ${ratioTick(passLine)}`, `${worse}Left`)}
            />
            <Area
              type="linear"
              dataKey="band"
              name={intervalName}
              stroke="none"
              fill="var(--chart-canary)"
              fillOpacity={0.18}
              isAnimationActive={false}
              activeDot={false}
            />
            <Line
              type="linear"
              dataKey="estimate"
              name="Canary ÷ baseline"
              stroke="var(--chart-canary)"
              strokeWidth={2}
              dot={few ? { r: 3, fill: "var(--chart-canary)" } : false}
              isAnimationActive={false}
            >
              {few ? (
                <ErrorBar dataKey="whisker" direction="y" width={6} strokeWidth={1.5} stroke="var(--chart-canary)" />
              ) : null}
            </Line>
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <div aria-hidden="true" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <span className="inline-flex items-center gap-1.5">
          <span className="h-0.5 w-4 rounded bg-accent-600 dark:bg-accent-300" />
          canary ÷ baseline
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="h-2.5 w-4 rounded-sm bg-accent-600/20 dark:bg-accent-300/25" />
          {intervalName}
        </span>
      </div>
      <details className="text-xs">
        <summary className="cursor-pointer text-slate-700 dark:text-slate-300">Numbers behind the chart</summary>
        <ScrollRegion
          label="Numbers behind the chart"
          className="mt-2 max-h-64 overflow-auto rounded-md border border-slate-200 dark:border-slate-800"
        >
          <table className="w-full text-left whitespace-nowrap tabular-nums">
            <caption className="sr-only">The canary judge at each instant of the phase, oldest first</caption>
            <thead className="sticky top-0 bg-slate-50 dark:bg-slate-900">
              <tr>
                <th scope="col" className="px-2 py-1 font-medium">
                  Time (UTC)
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  Canary ÷ baseline
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  {intervalName}
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  Verdict
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  Canary
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  Baseline
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {points.map((p) => (
                <tr key={p.t}>
                  <td className="px-2 py-1">{timeFormat.format(p.t)}</td>
                  <td className="px-2 py-1">{p.text.estimate}</td>
                  <td className="px-2 py-1">{p.text.interval}</td>
                  <td className="px-2 py-1">{p.verdict}</td>
                  <td className="px-2 py-1">{p.text.canary}</td>
                  <td className="px-2 py-1">{p.text.baseline}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </details>
    </div>
  );
}
