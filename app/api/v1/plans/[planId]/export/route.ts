// GET /api/v1/plans/{planId}/export?format=markdown|json – the plan as a document to keep or re-import (plans:read).
import { exportResponse } from "@/lib/api/plan-export";
import { apiRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { loadPlanForExport } from "@/lib/queries/plan-export";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ planId: string }>({ scope: "plans:read" }, async ({ db, actor, params, request }) => {
  const format = new URL(request.url).searchParams.get("format") ?? "markdown";
  if (format !== "markdown" && format !== "json")
    throw new AppError("bad_request:validation", "format is markdown or json", { format: ["Use markdown or json"] });
  const found = await loadPlanForExport(db, params.planId);
  if (!found || found.projectId !== actor.projectId)
    throw new AppError("not_found:entity", "No plan with this id in the token's project");
  return exportResponse(found.document, format, false);
});
