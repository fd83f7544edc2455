/** Where a chart will be while its library loads: the chart's own height, so nothing jumps. */
export function ChartLoading({ className }: { className: string }) {
  return (
    <div
      className={`${className} flex w-full items-center justify-center rounded-md bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/40 dark:text-slate-400`}
      aria-busy="true"
    >
      Loading chart…
    </div>
  );
}
