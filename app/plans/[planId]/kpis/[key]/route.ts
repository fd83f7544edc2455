// GET /plans/{planId}/kpis/{key} – one KPI's chart and latest reading (signed-in, plan:read): what
// an open plan page fetches to redraw that chart when samples for it arrive.
import { errorResponse } from "@/lib/api/route";
import { getDb } from "@/db/client";
import { userCan } from "@/lib/auth/actor";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { loadKpiReading, planProjectId } from "@/lib/queries/plan";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ planId: string; key: string }> }) {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to follow this plan");
    const { planId, key } = await params;
    const { db } = await getDb();
    const projectId = await planProjectId(db, planId);
    // Another project's plan is not found: its existence is not told.
    if (!projectId || !userCan(user, "plan:read", projectId)) throw new AppError("not_found:entity", "No such plan");
    let metricKey: string;
    try {
      metricKey = decodeURIComponent(key);
    } catch {
      throw new AppError("not_found:entity", "The plan has no such KPI");
    }
    const reading = await loadKpiReading(db, planId, metricKey);
    if (!reading) throw new AppError("not_found:entity", "The plan has no such KPI");
    return Response.json(reading, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: "KPI reading failed" });
  }
}
