import type { ProjectRole } from "@/db/schema/enums";
import { AppError } from "@/lib/errors";
import { type Action, can, type TokenScope } from "./permissions";

// Who is acting: a signed-in person, an API token, or the system itself (timers, triggers).

export interface UserActor {
  kind: "user";
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** Roles per project id. */
  roles: ReadonlyMap<string, readonly ProjectRole[]>;
}

export interface TokenActor {
  kind: "token";
  tokenId: string;
  tokenName: string;
  projectId: string;
  scopes: readonly TokenScope[];
}

export interface SystemActor {
  kind: "system";
}

export type Actor = UserActor | TokenActor | SystemActor;

export function rolesIn(actor: UserActor, projectId: string): readonly ProjectRole[] {
  return actor.roles.get(projectId) ?? [];
}

export function userCan(actor: UserActor, action: Action, projectId: string | null): boolean {
  return can({ isAdmin: actor.isAdmin, roles: projectId ? rolesIn(actor, projectId) : [] }, action);
}

/** Throws a 403 AppError unless the user may do `action` in the project. */
export function assertUserCan(actor: UserActor, action: Action, projectId: string | null): void {
  if (!userCan(actor, action, projectId)) {
    throw new AppError("forbidden:permission", `Your role does not allow ${action.replace(":", " → ")} here`);
  }
}

/** Throws a 403 AppError unless the token belongs to the project and carries the scope. */
export function assertTokenScope(actor: TokenActor, scope: TokenScope, projectId: string): void {
  if (actor.projectId !== projectId)
    throw new AppError("forbidden:permission", "This token belongs to another project");
  if (!actor.scopes.includes(scope)) throw new AppError("forbidden:permission", `This token lacks the ${scope} scope`);
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case "user":
      return actor.name;
    case "token":
      return `token ${actor.tokenName}`;
    case "system":
      return "system";
  }
}

export function actorId(actor: Actor): string | null {
  return actor.kind === "user" ? actor.userId : actor.kind === "token" ? actor.tokenId : null;
}

/** The projects a user may read; null means every project (admins). */
export function readableProjectIds(actor: UserActor): string[] | null {
  if (actor.isAdmin) return null;
  return [...actor.roles.entries()].filter(([, roles]) => roles.length > 0).map(([id]) => id);
}
