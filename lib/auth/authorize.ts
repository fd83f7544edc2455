import { type Actor, assertTokenScope, assertUserCan } from "./actor";
import type { Action, TokenScope } from "./permissions";
import { AppError } from "@/lib/errors";

/**
 * One check for every caller of a use-case: people by the permission table, tokens by their
 * project and scope (no scope given: tokens may not do it), the system always.
 */
export function authorize(actor: Actor, projectId: string, need: { action: Action; scope?: TokenScope }): void {
  switch (actor.kind) {
    case "user":
      return assertUserCan(actor, need.action, projectId);
    case "token":
      // Another project's plans and checklists do not exist for a token: same answer as an unknown id.
      if (actor.projectId !== projectId) throw new AppError("not_found:entity", "Not found in this token's project");
      if (!need.scope) throw new AppError("forbidden:permission", "API tokens cannot do this; a person must");
      return assertTokenScope(actor, need.scope, projectId);
    case "system":
      return;
  }
}

/** What a foreign server answered (a Prometheus or a webhook receiver) is for administrators' eyes only. */
export function excerptFor(actor: Actor, excerpt: string | null): string | null {
  return actor.kind === "user" && actor.isAdmin ? excerpt : null;
}
