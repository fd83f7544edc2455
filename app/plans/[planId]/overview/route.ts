// GET /plans/{planId}/overview – the phase in focus, its gate, what blocks it, its criteria and the
// plan's health (signed-in, plan:read): what an open plan page re-reads after a tick, an approval
// or a batch of samples.
import { answerPlanReading } from "@/lib/api/plan-reading";
import { loadOverviewReading } from "@/lib/queries/plan-readings";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ planId: string }> }) {
  const { planId } = await params;
  return answerPlanReading(planId, "overview", (db) => loadOverviewReading(db, planId));
}
