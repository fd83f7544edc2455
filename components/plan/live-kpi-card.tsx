"use client";

import { StaleNotice } from "@/components/live/stale-notice";
import { useLiveReading } from "@/components/live/use-live-reading";
import { KpiChart } from "@/components/charts/kpi-chart";
import { Card } from "@/components/ui/card";
import { HealthBadge } from "@/components/ui/status-badges";
import { queryKeys } from "@/lib/live/query-keys";
import type { KpiReading } from "@/lib/queries/plan";

export interface KpiDefinition {
  key: string;
  label: string;
  unit: string;
  direction: "lower_is_better" | "higher_is_better";
  target: number | null;
  alertThreshold: number | null;
  criticalThreshold: number | null;
}

/**
 * One KPI's card: its thresholds, its health and its chart. It starts from the server's render
 * and redraws by itself when the page's live stream says samples for this KPI arrived
 * (components/plan/live-refresh.tsx invalidates its query), without re-rendering the rest of the page.
 */
export function LiveKpiCard({
  planId,
  kpi,
  initial,
  phaseStarts,
}: {
  planId: string;
  kpi: KpiDefinition;
  initial: KpiReading;
  phaseStarts: { t: number; name: string }[];
}) {
  const { data: reading, isError } = useLiveReading(
    queryKeys.kpi(planId, kpi.key),
    `/plans/${planId}/kpis/${encodeURIComponent(kpi.key)}`,
    "The KPI's reading",
    initial,
  );
  return (
    <Card
      title={
        <span>
          {kpi.label}
          <span className="ml-2 font-normal text-slate-600 dark:text-slate-400">
            target {kpi.direction === "lower_is_better" ? "<" : ">"} {kpi.target}
            {kpi.unit === "%" ? "%" : ` ${kpi.unit}`} · alert {kpi.alertThreshold} · critical {kpi.criticalThreshold}
          </span>
        </span>
      }
      action={
        <HealthBadge
          health={reading.health}
          title={reading.recent === null ? "No samples" : `Last 15 min: ${reading.recent.toFixed(2)}`}
        />
      }
    >
      {isError ? <StaleNotice what="The chart" /> : null}
      {reading.series.points.length === 0 ? (
        <p className="py-10 text-center text-sm text-slate-600 dark:text-slate-400">
          No samples yet. Pipelines push them to the metrics API; the chart fills in as they arrive.
        </p>
      ) : (
        <KpiChart
          label={kpi.label}
          unit={kpi.unit}
          direction={kpi.direction}
          target={kpi.target}
          alert={kpi.alertThreshold}
          critical={kpi.criticalThreshold}
          from={reading.from}
          to={reading.to}
          points={reading.series.points}
          phaseStarts={phaseStarts}
        />
      )}
    </Card>
  );
}
