// GET /plans/{planId}/checklists/{checklistId} – one checklist's items, progress and sign-offs
// (signed-in, plan:read): what an open plan page re-reads when that checklist is ticked or edited.
import { answerPlanReading } from "@/lib/api/plan-reading";
import { loadChecklistReading } from "@/lib/queries/plan-readings";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ planId: string; checklistId: string }> }) {
  const { planId, checklistId } = await params;
  return answerPlanReading(planId, "checklist", (db) => loadChecklistReading(db, planId, checklistId));
}
