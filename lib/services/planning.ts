import { eq } from "drizzle-orm";
import { plans } from "@/db/schema";
import type { PlanStatus } from "@/db/schema/enums";
import type { Action } from "@/lib/auth/permissions";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { AppError } from "@/lib/errors";
import { writeAudit } from "./audit";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext, Tx } from "./context";
import { notifyOnCommit } from "./events";
import type { PlanRow } from "@/lib/reads/plan-state";

// The one path of every change to a plan's migration steps, risks and escalation levels: lock the
// plan, authorise, refuse what a finished plan no longer allows, change, audit, notify; one
// transaction. These do not claim the plan version: a go decision is not judged on them, so
// editing the risk register must not make someone's go decision fail as stale. Instead the plan
// row is locked (FOR NO KEY UPDATE, which leaves inserts that reference the plan alone), so two
// people reordering or advancing steps at once are judged one after the other against what is stored.

export interface PlanningScope {
  tx: Tx;
  plan: PlanRow;
}

export interface PlanningOutcome<T> {
  result: T;
  audit: { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown };
}

export interface PlanningNeed {
  action: Action;
  /** What the change is, for the refusal on a finished plan ("its migration plan"). */
  what: string;
  /** Finished statuses under which this change is still allowed. */
  allowWhen?: readonly PlanStatus[];
}

/** One 400 naming every field at fault, in the shape parseInput gives. */
export function refuse(fieldErrors: Record<string, string[]>): never {
  const summary = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
    .join(", ");
  throw new AppError("bad_request:validation", `Invalid input — ${summary}`, fieldErrors);
}

export async function changePlanning<T extends object>(
  ctx: ServiceContext,
  planId: string,
  need: PlanningNeed,
  change: (scope: PlanningScope) => Promise<PlanningOutcome<T>>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const [plan] = await tx.select().from(plans).where(eq(plans.id, planId)).for("no key update");
    if (!plan) throw new AppError("not_found:entity", "No such plan");
    // People only: these are edited on the plan page, not by pipelines.
    authorize(ctx.actor, plan.projectId, { action: need.action });
    if (TERMINAL.includes(plan.status) && !need.allowWhen?.includes(plan.status)) {
      throw new AppError(
        "conflict:state",
        `The plan is ${plan.status.replace("_", " ")}: ${need.what} is history and cannot change`,
      );
    }
    const outcome = await change({ tx, plan });
    await writeAudit(tx, ctx.actor, { ...outcome.audit, projectId: plan.projectId, planId: plan.id }, ctx.requestId);
    await notifyOnCommit(tx, { type: outcome.audit.action, projectId: plan.projectId, planId: plan.id });
    return outcome.result;
  });
}
