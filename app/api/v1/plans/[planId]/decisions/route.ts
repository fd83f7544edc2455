// POST /api/v1/plans/{planId}/decisions – record go / no_go / rollback on the active phase (decisions:write).
import { readJson } from "@/lib/api/read-json";
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { recordDecision } from "@/lib/services/decisions";
import { planIdSchema } from "@/lib/queries/plan";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ planId: string }>(
  { scope: "decisions:write" },
  async ({ db, actor, requestId, request, params }) => {
    if (!planIdSchema.safeParse(params.planId).success) throw new AppError("not_found:entity", "No plan with this id");
    const body = await readJson(request);
    return recordDecision(
      { db, actor, requestId },
      { ...(body && typeof body === "object" ? body : {}), planId: params.planId },
    );
  },
);
