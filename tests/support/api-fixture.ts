import type { Database } from "@/db/client";
import type { TokenScope } from "@/lib/auth/permissions";
import type { TemplateKey } from "@/lib/domain/templates";
import { createPlan } from "@/lib/services/plans";
import { createApiToken } from "@/lib/services/tokens";
import { makeProject, makeUser } from "./people";

/** A project with a release manager, a plan from a template, and one API token per named scope set. */
export async function planWithTokens<K extends string>(
  db: Database,
  template: TemplateKey,
  name: string,
  tokens: Record<K, TokenScope[]>,
) {
  const project = await makeProject(db);
  const rm = await makeUser(db, { projectId: project.id, roles: ["release_manager"] });
  const ctx = { db, actor: rm, requestId: null };
  const { planId } = await createPlan(ctx, { projectId: project.id, template, name, releaseVersion: "1.0.0" });
  const issued = {} as Record<K, string>;
  for (const [label, scopes] of Object.entries(tokens) as [K, TokenScope[]][]) {
    issued[label] = (await createApiToken(ctx, { projectId: project.id, name: label, scopes })).token;
  }
  return { projectId: project.id, planId, rm, ctx, tokens: issued };
}
