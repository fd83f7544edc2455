import { forbidden, notFound } from "next/navigation";
import { phaseOrderAction } from "@/app/plans/actions";
import { ActionButton } from "@/components/plan/action-form";
import type { MetricChoice } from "@/components/plan/judge-fields";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import {
  AddCatalogueMetricForm,
  AddCustomMetricForm,
  type KpiMetric,
  MetricEditor,
  PhaseCriteriaEditor,
} from "@/components/plan/kpi-edit-forms";
import { AddPhaseForm, PhaseForm, PlanDetailsForm } from "@/components/plan/plan-edit-forms";
import { AddTriggerForm, type KpiTrigger, TriggerEditor } from "@/components/plan/trigger-edit-forms";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { PhaseStatusBadge } from "@/components/ui/status-badges";
import { userCan } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import { describeCriterion } from "@/lib/domain/gate-summary";
import { describeJudgeSettings, readJudgeSettings } from "@/lib/domain/judge-settings";
import { isPhaseEditable, TERMINAL } from "@/lib/domain/lifecycle";
import { formatPercent } from "@/lib/domain/milestones";
import { metricCatalogue } from "@/lib/domain/templates";
import { loadPlanRecord, type PlanRecord } from "@/lib/queries/plan";
import { readWithDatabase } from "@/lib/queries/read";
import { loadKpiEditorData } from "@/lib/queries/kpis";

export const dynamic = "force-dynamic";
export const metadata = { title: "Edit plan" };

type Props = { params: Promise<{ planId: string }> };

// Everything of a plan that is not yet history: its details, its future phases, its KPIs, success
// criteria and rollback triggers.
export default async function EditPlanPage({ params }: Props) {
  const { planId } = await params;
  const result = await readWithDatabase(async (db) => {
    // The editor needs the plan as stored, not the page's charts, health and gate.
    const plan = await loadPlanRecord(db, planId);
    return {
      user: await requireUser(),
      plan,
      kpis: plan
        ? await loadKpiEditorData(
            db,
            plan.projectId,
            plan.metrics.map((m) => m.id),
          )
        : null,
    };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, plan, kpis } = result.data;
  if (!plan || !kpis) notFound();
  if (!userCan(user, "plan:edit", plan.projectId)) forbidden();
  const finished = TERMINAL.includes(plan.status);
  const fields = { planId: plan.id, version: plan.version };

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ href: `/plans/${plan.id}`, label: plan.name }]} current="Edit" />
      <h1 className="text-2xl font-semibold tracking-tight">Edit {plan.name}</h1>
      {finished ? (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-800">
          This plan is {plan.status.replace("_", " ")}: it is history and cannot change.
        </p>
      ) : (
        <>
          <Card title="Plan">
            <PlanDetailsForm plan={plan} />
          </Card>
          <Card title="Phases">
            <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
              Phases that are running or finished are history. Future phases can be edited, reordered among themselves
              and removed.
            </p>
            <ol className="space-y-4">
              {plan.phases.map((p, i) => (
                <li
                  key={p.id}
                  className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
                  data-testid="edit-phase"
                >
                  <div className="mb-2 flex flex-wrap items-center gap-2">
                    <span className="font-medium">
                      {i + 1}. {p.name}
                    </span>
                    <span className="text-sm text-slate-600 dark:text-slate-400">
                      {formatPercent(p.trafficPercent)}
                    </span>
                    <PhaseStatusBadge status={p.status} />
                  </div>
                  {isPhaseEditable(p.status) ? (
                    <div className="space-y-3">
                      <PhaseForm
                        planId={plan.id}
                        version={plan.version}
                        phase={{ ...p, requiredApprovals: p.gate?.requiredApprovals ?? 1 }}
                      />
                      <div className="flex flex-wrap gap-2">
                        {i > 0 && isPhaseEditable(plan.phases[i - 1]!.status) ? (
                          <ActionButton
                            action={phaseOrderAction}
                            fields={{ ...fields, phaseId: p.id, op: "move", direction: "up" }}
                            label="Move up"
                          />
                        ) : null}
                        {i < plan.phases.length - 1 ? (
                          <ActionButton
                            action={phaseOrderAction}
                            fields={{ ...fields, phaseId: p.id, op: "move", direction: "down" }}
                            label="Move down"
                          />
                        ) : null}
                        {plan.phases.length > 1 ? (
                          <ActionButton
                            action={phaseOrderAction}
                            fields={{ ...fields, phaseId: p.id, op: "remove" }}
                            label={`Remove ${p.name}`}
                            variant="danger"
                          />
                        ) : null}
                      </div>
                    </div>
                  ) : (
                    <p className="text-sm text-slate-600 dark:text-slate-400">{p.audience}</p>
                  )}
                </li>
              ))}
            </ol>
            <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
              <h3 className="mb-2 text-sm font-semibold">New phase</h3>
              <AddPhaseForm planId={plan.id} version={plan.version} />
            </div>
          </Card>
          <KpiSection plan={plan} kpis={kpis} />
        </>
      )}
    </div>
  );
}

const openPhase = (status: string) => status === "pending" || status === "active";

/** KPIs with thresholds and sources, success criteria per phase, and rollback triggers. */
function KpiSection({ plan, kpis }: { plan: PlanRecord; kpis: Awaited<ReturnType<typeof loadKpiEditorData>> }) {
  const { id: planId, version } = plan;
  const byId = new Map(plan.metrics.map((m) => [m.id, m]));
  const uses = (metricId: string) =>
    plan.phases.reduce((n, p) => n + p.successCriteria.filter((c) => c.metricId === metricId).length, 0) +
    plan.rollbackTriggers.filter((t) => t.metricId === metricId).length;
  const metrics: KpiMetric[] = plan.metrics.map((m) => ({
    ...m,
    samples: kpis.sampleCounts[m.id] ?? 0,
    uses: uses(m.id),
  }));
  const metricOptions: MetricChoice[] = plan.metrics.map((m) => ({
    value: m.id,
    label: m.unit ? `${m.label} (${m.unit})` : m.label,
    unit: m.unit,
    direction: m.direction,
  }));
  // The canary judge's settings as stored, or the KPI's defaults: what its editor pre-fills and the list says.
  const judgeOf = (mode: boolean, stored: unknown, metricId: string | null) => {
    const m = metricId ? byId.get(metricId) : undefined;
    if (!mode || !m) return { judge: null, judgeWords: null };
    const settings = readJudgeSettings(stored, m.unit);
    return { judge: settings, judgeWords: describeJudgeSettings(settings, m.direction) };
  };
  const sourceOptions = kpis.sources.map((s) => ({ value: s.id, label: s.name }));
  const catalogue = metricCatalogue
    .filter((c) => !plan.metrics.some((m) => m.key === c.key))
    .map((c) => ({ value: c.key, label: `${c.label} (${c.unit})` }));
  const phaseName = new Map(plan.phases.map((p) => [p.id, p]));
  const openPhases = plan.phases
    .filter((p) => openPhase(p.status))
    .map((p) => ({ value: p.id, label: `${p.name} only` }));
  const triggers: KpiTrigger[] = [...plan.rollbackTriggers]
    .sort(
      (a, b) =>
        (phaseName.get(a.phaseId ?? "")?.position ?? -1) - (phaseName.get(b.phaseId ?? "")?.position ?? -1) ||
        a.description.localeCompare(b.description),
    )
    .map((t) => {
      const phase = t.phaseId ? phaseName.get(t.phaseId) : undefined;
      return {
        ...t,
        ...judgeOf(t.mode === "canary_worse", t.judge, t.metricId),
        locked: phase ? !openPhase(phase.status) : false,
        scope: phase ? `${phase.name} only` : "Every phase",
      };
    });

  return (
    <Card title="KPIs and rollback" id="kpis">
      <div className="space-y-6">
        <section aria-labelledby="kpi-metrics" className="space-y-3">
          <h3 id="kpi-metrics" className="text-sm font-semibold">
            KPIs
          </h3>
          {metrics.length ? (
            <ol className="space-y-3">
              {metrics.map((m, i) => (
                <li
                  key={m.id}
                  className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
                  data-testid="edit-kpi"
                >
                  <MetricEditor
                    planId={planId}
                    version={version}
                    metric={m}
                    sources={sourceOptions}
                    first={i === 0}
                    last={i === metrics.length - 1}
                  />
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              No KPIs yet: add one from the catalogue or your own.
            </p>
          )}
          <div className="space-y-4 border-t border-slate-200 pt-4 dark:border-slate-800">
            <AddCatalogueMetricForm planId={planId} version={version} available={catalogue} />
            <details>
              <summary className="cursor-pointer text-sm font-medium">Add a custom KPI</summary>
              <div className="mt-2">
                <AddCustomMetricForm planId={planId} version={version} sources={sourceOptions} />
              </div>
            </details>
          </div>
        </section>

        <section aria-labelledby="kpi-criteria" className="space-y-3">
          <h3 id="kpi-criteria" className="text-sm font-semibold">
            Success criteria per phase
          </h3>
          <ol className="space-y-3">
            {plan.phases.map((p) => (
              <li key={p.id} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                <p className="mb-2 font-medium">{p.name}</p>
                <PhaseCriteriaEditor
                  planId={planId}
                  version={version}
                  phase={{ id: p.id, name: p.name, open: openPhase(p.status) }}
                  metrics={metricOptions}
                  criteria={p.successCriteria.map((c) => {
                    const m = byId.get(c.metricId);
                    return {
                      id: c.id,
                      metricId: c.metricId,
                      kind: c.kind,
                      comparison: c.comparison,
                      value: c.value,
                      sustainedMinutes: c.sustainedMinutes,
                      description: describeCriterion({ label: m?.label ?? "KPI", unit: m?.unit ?? "" }, c),
                      ...judgeOf(c.kind === "canary_not_worse", c.judge, c.metricId),
                    };
                  })}
                />
              </li>
            ))}
          </ol>
        </section>

        <section aria-labelledby="kpi-triggers" className="space-y-3">
          <h3 id="kpi-triggers" className="text-sm font-semibold">
            Rollback triggers
          </h3>
          {triggers.length ? (
            <ul className="space-y-3">
              {triggers.map((t) => (
                <li
                  key={t.id}
                  className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
                  data-testid="edit-trigger"
                >
                  <TriggerEditor
                    planId={planId}
                    version={version}
                    trigger={t}
                    metrics={metricOptions}
                    phases={openPhases}
                  />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              No rollback triggers: nothing rolls this plan back by itself.
            </p>
          )}
          <AddTriggerForm planId={planId} version={version} metrics={metricOptions} phases={openPhases} />
        </section>
      </div>
    </Card>
  );
}
