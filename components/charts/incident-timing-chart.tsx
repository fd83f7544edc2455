"use client";

import dynamic from "next/dynamic";
import { ChartLoading } from "./chart-loading";
import type { IncidentTimingChartProps } from "./incident-timing-chart-recharts";

export type { IncidentTimingChartProps };

// Loaded after the page, like every chart (see kpi-chart.tsx).
export const IncidentTimingChart = dynamic<IncidentTimingChartProps>(
  () => import("./incident-timing-chart-recharts").then((m) => m.IncidentTimingChart),
  {
    ssr: false,
    loading: () => <ChartLoading className="h-36" />,
  },
);
