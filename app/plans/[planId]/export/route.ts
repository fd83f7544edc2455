// GET /plans/{planId}/export?format=markdown|json – download the plan as a document (signed-in, plan:read).
import { getDb } from "@/db/client";
import { exportResponse } from "@/lib/api/plan-export";
import { userCan } from "@/lib/auth/actor";
import { currentUser } from "@/lib/auth/session";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { loadPlanForExport } from "@/lib/queries/plan-export";
import { errorFields, log } from "@/lib/observability/log";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ planId: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to export the plan");
    const { planId } = await params;
    const format = new URL(request.url).searchParams.get("format") ?? "markdown";
    if (format !== "markdown" && format !== "json")
      throw new AppError("bad_request:validation", "format is markdown or json", { format: ["Use markdown or json"] });
    const { db } = await getDb();
    const found = await loadPlanForExport(db, planId);
    if (!found) throw new AppError("not_found:entity", "No such plan");
    // Another project's plan is not found, as on the API: its existence is not told.
    if (!userCan(user, "plan:read", found.projectId)) throw new AppError("not_found:entity", "No such plan");
    return exportResponse(found.document, format, true);
  } catch (error) {
    if (error instanceof AppError) return Response.json(error.toJSON(), { status: error.status });
    if (isDatabaseUnavailable(error))
      return Response.json(
        { error: { code: "unavailable:database", message: "The database is not answering" } },
        { status: 503 },
      );
    log().error(errorFields(error), "plan export failed");
    return Response.json({ error: { code: "internal", message: "Export failed" } }, { status: 500 });
  }
}
