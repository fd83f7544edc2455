// GET /api/v1/plans – the plans of the token's project with phase, traffic, status and health (plans:read).
import { apiRoute } from "@/lib/api/route";
import { loadPortfolio } from "@/lib/queries/portfolio";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ scope: "plans:read" }, async ({ db, actor }) => {
  const rows = await loadPortfolio(db, new Date(), [actor.projectId]);
  return {
    plans: rows.map((r) => ({
      id: r.planId,
      name: r.name,
      releaseVersion: r.releaseVersion,
      status: r.status,
      strategy: r.strategy,
      project: r.project.slug,
      phase: r.phase,
      trafficPercent: r.trafficPercent,
      health: r.health,
      nextMilestone: r.milestone ? { label: r.milestone.label, dueAt: r.milestone.dueAt, status: r.milestone.status } : null,
    })),
  };
});
