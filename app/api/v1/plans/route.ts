// GET /api/v1/plans – the plans of the token's project with phase, traffic, status and health, a page at a time, newest first (plans:read).
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { loadPortfolioPage } from "@/lib/queries/portfolio";
import { encodePlanCursor, planListQuerySchema } from "@/lib/validation/api";
import { parseInput } from "@/lib/validation/parse";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ scope: "plans:read" }, async ({ db, actor, request }) => {
  const query = parseInput(planListQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const page = await loadPortfolioPage(db, actor.projectId, { limit: query.limit, after: query.cursor });
  if (!page)
    throw new AppError(
      "bad_request:validation",
      "cursor: the plan it points after no longer exists; start again without a cursor",
      { cursor: ["The plan it points after no longer exists; start again without a cursor"] },
    );
  return {
    plans: page.rows.map((r) => ({
      id: r.planId,
      name: r.name,
      releaseVersion: r.releaseVersion,
      status: r.status,
      strategy: r.strategy,
      project: r.project.slug,
      phase: r.phase,
      trafficPercent: r.trafficPercent,
      health: r.health,
      nextMilestone: r.milestone
        ? { label: r.milestone.label, dueAt: r.milestone.dueAt, status: r.milestone.status }
        : null,
    })),
    nextCursor: page.more && page.rows.length > 0 ? encodePlanCursor(page.rows.at(-1)!.planId) : null,
  };
});
