import "server-only";
import { type Database, getDb } from "@/db/client";
import { errorResponse } from "@/lib/api/route";
import { userCan } from "@/lib/auth/actor";
import { currentUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { planProjectId } from "@/lib/queries/plan";

/**
 * Answers an open plan page's request for one part of itself (a KPI's chart, a checklist, the
 * overview, the timeline) as JSON: for a signed-in person who may read the plan. Another project's
 * plan, or a part the plan does not have, is not found (its existence is not told); a failure is
 * the usual error answer, never a stack trace.
 */
export async function answerPlanReading<T>(
  planId: string,
  what: string,
  load: (db: Database) => Promise<T | null>,
): Promise<Response> {
  try {
    const user = await currentUser();
    if (!user) throw new AppError("unauthorized:auth", "Sign in to follow this plan");
    const { db } = await getDb();
    const projectId = await planProjectId(db, planId);
    if (!projectId || !userCan(user, "plan:read", projectId)) throw new AppError("not_found:entity", "No such plan");
    const reading = await load(db);
    if (reading === null) throw new AppError("not_found:entity", `The plan has no such ${what}`);
    return Response.json(reading, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error, { bearer: false, failure: `Reading the plan's ${what} failed` });
  }
}
