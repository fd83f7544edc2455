// GET /plans/{planId}/kpis/{key} – one KPI's chart and latest reading (signed-in, plan:read): what
// an open plan page fetches to redraw that chart when samples for it arrive.
import { answerPlanReading } from "@/lib/api/plan-reading";
import { loadKpiReading } from "@/lib/queries/plan";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ planId: string; key: string }> }) {
  const { planId, key } = await params;
  return answerPlanReading(planId, "KPI", async (db) => {
    let metricKey: string;
    try {
      metricKey = decodeURIComponent(key);
    } catch {
      return null;
    }
    return loadKpiReading(db, planId, metricKey);
  });
}
