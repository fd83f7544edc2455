import { KpiChart } from "@/components/charts/kpi-chart";
import { Card } from "@/components/ui/card";
import { HealthBadge } from "@/components/ui/status-badges";
import type { PlanView } from "@/lib/queries/plan";

export function KpiPanel({ view }: { view: PlanView }) {
  const phaseStarts = view.plan.phases
    .filter((p) => p.actualStartAt)
    .map((p) => ({ t: p.actualStartAt!.getTime(), name: p.name }));
  if (view.metrics.length === 0) {
    return (
      <Card title="KPIs">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No KPIs defined. Add metrics with their target, alert and critical thresholds so the gate and rollback
          triggers have something to watch.
        </p>
      </Card>
    );
  }
  return (
    <section aria-labelledby="kpis-title" className="space-y-3">
      <h2 id="kpis-title" className="text-sm font-semibold">
        KPIs against thresholds
      </h2>
      <div className="grid gap-4 lg:grid-cols-2">
        {view.metrics.map((m) => (
          <Card
            key={m.id}
            title={
              <span>
                {m.label}
                <span className="ml-2 font-normal text-slate-600 dark:text-slate-400">
                  target {m.direction === "lower_is_better" ? "<" : ">"} {m.target}
                  {m.unit === "%" ? "%" : ` ${m.unit}`} · alert {m.alertThreshold} · critical {m.criticalThreshold}
                </span>
              </span>
            }
            action={
              <HealthBadge
                health={m.health}
                title={m.recent === null ? "No samples" : `Last 15 min: ${m.recent.toFixed(2)}`}
              />
            }
          >
            {m.series.points.length === 0 ? (
              <p className="py-10 text-center text-sm text-slate-600 dark:text-slate-400">
                No samples yet. Pipelines push them to the metrics API; the chart fills in as they arrive.
              </p>
            ) : (
              <KpiChart
                label={m.label}
                unit={m.unit}
                direction={m.direction}
                target={m.target}
                alert={m.alertThreshold}
                critical={m.criticalThreshold}
                from={view.chartRange.from.getTime()}
                to={view.chartRange.to.getTime()}
                points={m.series.points}
                phaseStarts={phaseStarts}
              />
            )}
          </Card>
        ))}
      </div>
    </section>
  );
}
