"use client";

import dynamic from "next/dynamic";
import { ChartLoading } from "./chart-loading";
import type { KpiChartProps } from "./kpi-chart-recharts";

export type { KpiChartProps };

// The chart library (recharts, about 140 KB gzipped) loads after the page rather than before it:
// the plan page is readable and usable at once, and its charts fill in (bench:pages measures both).
export const KpiChart = dynamic<KpiChartProps>(() => import("./kpi-chart-recharts").then((m) => m.KpiChart), {
  ssr: false,
  loading: () => <ChartLoading className="h-56" />,
});
