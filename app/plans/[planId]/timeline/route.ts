// GET /plans/{planId}/timeline – the phases planned against actual, their decision and incident
// marks and their health (signed-in, plan:read): what an open plan page re-reads as samples arrive.
import { answerPlanReading } from "@/lib/api/plan-reading";
import { loadTimelineReading } from "@/lib/queries/plan-readings";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const { planId } = await params;
  return answerPlanReading(planId, "timeline", (db) => loadTimelineReading(db, planId));
}
