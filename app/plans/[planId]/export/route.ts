// GET /plans/{planId}/export?format=markdown|json – download the plan as a document (signed-in, plan:read).
import { errorResponse } from "@/lib/api/route";
import { getDb } from "@/db/client";
import { exportResponse } from "@/lib/api/plan-export";
import { userCan } from "@/lib/auth/actor";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { loadPlanForExport } from "@/lib/queries/plan-export";

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
    return errorResponse(error, { bearer: false, failure: "plan export failed" });
  }
}
