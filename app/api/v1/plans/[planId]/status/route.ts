// GET /api/v1/plans/{planId}/status – is the active phase go? Gate state with every unmet condition (plans:read).
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { planStatus } from "@/lib/queries/plan-status";
import { planIdSchema } from "@/lib/queries/plan";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ planId: string }>({ scope: "plans:read" }, async ({ db, actor, params }) => {
  if (!planIdSchema.safeParse(params.planId).success)
    throw new AppError("not_found:entity", "No plan with this id in the token's project");
  const status = await planStatus(db, params.planId).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found:entity")
      throw new AppError("not_found:entity", "No plan with this id in the token's project");
    throw e;
  });
  if (status.projectId !== actor.projectId)
    throw new AppError("not_found:entity", "No plan with this id in the token's project");
  const { projectId: _project, ...body } = status;
  void _project;
  return body;
});
