import { Card } from "@/components/ui/card";
import { LiveKpiCard } from "./live-kpi-card";
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
          <LiveKpiCard
            key={m.id}
            planId={view.plan.id}
            kpi={{
              key: m.key,
              label: m.label,
              unit: m.unit,
              direction: m.direction,
              target: m.target,
              alertThreshold: m.alertThreshold,
              criticalThreshold: m.criticalThreshold,
            }}
            initial={{
              readAt: view.readAt,
              health: m.health,
              recent: m.recent,
              from: view.chartRange.from.getTime(),
              to: view.chartRange.to.getTime(),
              series: m.series,
            }}
            phaseStarts={phaseStarts}
          />
        ))}
      </div>
    </section>
  );
}
