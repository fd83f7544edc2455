"use client";

import dynamic from "next/dynamic";
import { ChartLoading } from "./chart-loading";
import type { EffectChartPoint, EffectChartProps } from "./effect-chart-recharts";

export type { EffectChartPoint, EffectChartProps };

// Loaded after the page, like every chart (see kpi-chart.tsx).
export const EffectChart = dynamic<EffectChartProps>(
  () => import("./effect-chart-recharts").then((m) => m.EffectChart),
  {
    ssr: false,
    loading: () => <ChartLoading className="h-56" />,
  },
);
