// GET /api/v1/plans/{planId} – one plan of the token's project: status, phases, traffic (plans:read).
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { loadPlanView, planProjectId } from "@/lib/queries/plan";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ planId: string }>({ scope: "plans:read" }, async ({ db, actor, params }) => {
  // A plan of another project is "not found" for this token: its existence is not the caller's
  // business. Checked before the view is read (reading it keeps the phases' readings).
  const notFound = () => new AppError("not_found:entity", "No plan with this id in the token's project");
  if ((await planProjectId(db, params.planId)) !== actor.projectId) throw notFound();
  const view = await loadPlanView(db, params.planId);
  if (!view) throw notFound();
  const { plan } = view;
  return {
    id: plan.id,
    name: plan.name,
    releaseVersion: plan.releaseVersion,
    status: plan.status,
    version: plan.version,
    trafficPercent: view.trafficPercent,
    health: view.health,
    phases: plan.phases.map((p) => ({
      name: p.name,
      position: p.position,
      status: p.status,
      trafficPercent: p.trafficPercent,
      plannedStartAt: p.plannedStartAt,
      plannedEndAt: p.plannedEndAt,
      actualStartAt: p.actualStartAt,
      actualEndAt: p.actualEndAt,
    })),
    checklists: plan.checklists.map((c) => ({
      id: c.id,
      title: c.title,
      kind: c.kind,
      phase: plan.phases.find((p) => p.id === c.phaseId)?.name ?? null,
      items: c.items.map((i) => ({ key: i.key, text: i.text, required: i.required, state: i.state })),
    })),
    freeze: view.freeze
      ? {
          name: view.freeze.names.join(", "),
          until: view.freeze.until.toISOString(),
          untilAtLeast: view.freeze.untilAtLeast,
          sentence: view.freeze.sentence,
        }
      : null,
    nextFreeze: view.nextFreeze
      ? {
          ...view.nextFreeze,
          startsAt: view.nextFreeze.startsAt.toISOString(),
          endsAt: view.nextFreeze.endsAt.toISOString(),
        }
      : null,
  };
});
