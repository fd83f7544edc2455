"use client";

import dynamic from "next/dynamic";
import { ChartLoading } from "@/components/charts/chart-loading";

// A delivery chart loads after the page, like every chart (see components/charts/kpi-chart.tsx);
// its figures are in the table beside it from the start.

export type ChartPoint = { label: string } & Record<string, number | string | null>;

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}

const DeliveryBars = dynamic(() => import("./delivery-chart-recharts").then((m) => m.DeliveryBars), {
  ssr: false,
  loading: () => <ChartLoading className="h-44" />,
});
const DeliveryLines = dynamic(() => import("./delivery-chart-recharts").then((m) => m.DeliveryLines), {
  ssr: false,
  loading: () => <ChartLoading className="h-44" />,
});

export function DeliveryChart({
  kind,
  data,
  series,
  unit = "",
  stacked = false,
}: {
  kind: "bars" | "lines";
  data: ChartPoint[];
  series: ChartSeries[];
  unit?: string;
  stacked?: boolean;
}) {
  return (
    <div className="h-44 w-full" aria-hidden="true">
      {kind === "bars" ? (
        <DeliveryBars data={data} series={series} stacked={stacked} unit={unit} />
      ) : (
        <DeliveryLines data={data} series={series} unit={unit} />
      )}
    </div>
  );
}
