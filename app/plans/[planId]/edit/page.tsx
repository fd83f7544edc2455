import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { phaseOrderAction } from "@/app/plans/actions";
import { ActionButton } from "@/components/plan/action-form";
import { AddPhaseForm, PhaseForm, PlanDetailsForm } from "@/components/plan/plan-edit-forms";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { PhaseStatusBadge } from "@/components/ui/status-badges";
import { userCan } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import { isPhaseEditable, TERMINAL } from "@/lib/domain/lifecycle";
import { formatPercent } from "@/lib/domain/milestones";
import { loadPlanView } from "@/lib/queries/plan";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Edit plan" };

type Props = { params: Promise<{ planId: string }> };

// Everything of a plan that is not yet history: its details and its future phases.
export default async function EditPlanPage({ params }: Props) {
  const { planId } = await params;
  const result = await readWithDatabase(async (db) => ({ user: await requireUser(), view: await loadPlanView(db, planId) }));
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, view } = result.data;
  if (!view) notFound();
  const { plan } = view;
  if (!userCan(user, "plan:edit", plan.projectId)) forbidden();
  const finished = TERMINAL.includes(plan.status);
  const fields = { planId: plan.id, version: plan.version };

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 dark:text-slate-400">
        <Link href={`/plans/${plan.id}`} className="hover:underline">
          {plan.name}
        </Link>{" "}
        / Edit
      </nav>
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
              Phases that are running or finished are history. Future phases can be edited, reordered among themselves and removed.
            </p>
            <ol className="space-y-4">
              {plan.phases.map((p, i) => (
                <li key={p.id} className="rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="edit-phase">
                  <div className="mb-2 flex flex-wrap items-center gap-2">
                    <span className="font-medium">
                      {i + 1}. {p.name}
                    </span>
                    <span className="text-sm text-slate-600 dark:text-slate-400">{formatPercent(p.trafficPercent)}</span>
                    <PhaseStatusBadge status={p.status} />
                  </div>
                  {isPhaseEditable(p.status) ? (
                    <div className="space-y-3">
                      <PhaseForm planId={plan.id} version={plan.version} phase={{ ...p, requiredApprovals: p.gate?.requiredApprovals ?? 1 }} />
                      <div className="flex flex-wrap gap-2">
                        {i > 0 && isPhaseEditable(plan.phases[i - 1]!.status) ? <ActionButton action={phaseOrderAction} fields={{ ...fields, phaseId: p.id, op: "move", direction: "up" }} label="Move up" /> : null}
                        {i < plan.phases.length - 1 ? <ActionButton action={phaseOrderAction} fields={{ ...fields, phaseId: p.id, op: "move", direction: "down" }} label="Move down" /> : null}
                        {plan.phases.length > 1 ? <ActionButton action={phaseOrderAction} fields={{ ...fields, phaseId: p.id, op: "remove" }} label={`Remove ${p.name}`} variant="danger" /> : null}
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
        </>
      )}
    </div>
  );
}
