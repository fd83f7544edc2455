import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { authorize } from "@/lib/auth/authorize";
import { AppError } from "@/lib/errors";
import { governanceSchema } from "@/lib/validation/freezes";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import type { ServiceContext } from "./context";
import { notifyOnCommit } from "./events";

// A project's approval rule: whether four-eyes applies to its gates, and how many distinct
// people must approve a go. Kept by the project's release managers and admins.

export async function setProjectGovernance(ctx: ServiceContext, input: unknown) {
  const data = parseInput(governanceSchema, input);
  if (ctx.actor.kind === "token")
    throw new AppError("forbidden:permission", "API tokens cannot do this; a person must");
  authorize(ctx.actor, data.projectId, { action: "project:settings" });
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ fourEyes: projects.fourEyes, minDistinctApprovers: projects.minDistinctApprovers })
      .from(projects)
      .where(eq(projects.id, data.projectId))
      .for("update");
    if (!before) throw new AppError("not_found:entity", "No such project");
    const after = { fourEyes: data.fourEyes, minDistinctApprovers: data.minDistinctApprovers };
    await tx.update(projects).set(after).where(eq(projects.id, data.projectId));
    await writeAudit(
      tx,
      ctx.actor,
      {
        action: "project.governance",
        entityType: "project",
        entityId: data.projectId,
        projectId: data.projectId,
        before,
        after,
      },
      ctx.requestId,
    );
    await notifyOnCommit(tx, { type: "project.governance", projectId: data.projectId });
    return after;
  });
}
