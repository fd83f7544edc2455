"use client";

import { Bar, BarChart, Cell, LabelList, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from "recharts";
import { formatSpan, type StageTiming } from "@/lib/domain/incident-timing";

export interface IncidentTimingChartProps {
  stages: StageTiming[];
  /** The same timing in words: what assistive technology reads instead of the bars. */
  sentence: string;
}

// Bars are drawn as a share of each stage's own target, so one dashed line at 100% is every target.
const TARGET = 100;
const CAP = 400;

function colourOf(s: StageTiming): string {
  if (s.state === "met") return "var(--chart-target)";
  if (s.state === "missed" || s.overdue) return "var(--chart-critical)";
  return "var(--chart-canary)";
}

// Colour is never the only signal: the label says "over" or "so far" in words.
function labelOf(s: StageTiming): string {
  if (s.durationMs === null) return "not started";
  const length = formatSpan(s.durationMs);
  if (s.state === "in_progress") return `${length} so far${s.overdue ? " · over" : ""}`;
  return s.state === "missed" ? `${length} · over` : length;
}

const stateWords = {
  met: "Within target",
  missed: "Over target",
  in_progress: "In progress",
  not_started: "Not started",
} as const;

export function IncidentTimingChart({ stages, sentence }: IncidentTimingChartProps) {
  const rows = stages.map((s) => ({
    label: s.label,
    share: s.durationMs === null ? 0 : Math.min(CAP, (s.durationMs / s.targetMs) * 100),
    text: labelOf(s),
    fill: colourOf(s),
  }));
  const widest = Math.max(TARGET, ...rows.map((r) => r.share));
  // Room to the right of the longest bar for its label.
  const domainMax = Math.ceil((widest * 1.6) / 50) * 50;

  return (
    <figure
      className="h-36 w-full"
      aria-label="Rollback timing against the plan's targets"
      data-testid="incident-timing-chart"
    >
      <figcaption className="sr-only">{sentence}</figcaption>
      <table className="sr-only">
        <caption>Rollback timing by stage</caption>
        <tbody>
          {stages.map((s) => (
            <tr key={s.stage}>
              <th scope="row">{s.label}</th>
              <td>{s.durationMs === null ? "—" : formatSpan(s.durationMs)}</td>
              <td>target {formatSpan(s.targetMs)}</td>
              <td>{s.overdue ? "In progress, over target" : stateWords[s.state]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div aria-hidden="true" className="h-full w-full">
        <ResponsiveContainer width="100%" height="100%">
          {/* Hidden from assistive technology (the sentence and table say it), so not focusable either. */}
          <BarChart
            data={rows}
            layout="vertical"
            margin={{ top: 14, right: 4, bottom: 0, left: 0 }}
            barCategoryGap={6}
            accessibilityLayer={false}
          >
            <XAxis type="number" domain={[0, domainMax]} hide />
            <YAxis
              type="category"
              dataKey="label"
              width={56}
              stroke="var(--chart-axis)"
              tick={{ fontSize: 11, fill: "var(--chart-axis)" }}
              tickLine={false}
              axisLine={false}
            />
            <Bar dataKey="share" isAnimationActive={false} radius={[0, 3, 3, 0]}>
              {rows.map((r) => (
                <Cell key={r.label} fill={r.fill} />
              ))}
              <LabelList dataKey="text" position="right" fontSize={11} fill="var(--chart-axis)" />
            </Bar>
            <ReferenceLine
              x={TARGET}
              stroke="var(--chart-axis)"
              strokeDasharray="3 3"
              label={{ value: "target", position: "top", fontSize: 10, fill: "var(--chart-axis)" }}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
