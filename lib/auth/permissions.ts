import type { ProjectRole } from "@/db/schema/enums";

// The one permission table. Every page, server action and API route asks `can()` on the server;
// the UI asks the same question only to hide what a role cannot do.

export const PROJECT_ROLES = [
  "viewer",
  "engineer",
  "release_manager",
  "approver",
] as const satisfies readonly ProjectRole[];

const R = {
  all: ["viewer", "engineer", "release_manager", "approver"],
  rm: ["release_manager"],
} as const satisfies Record<string, readonly ProjectRole[]>;

export const PERMISSIONS = {
  "project:read": R.all,
  "plan:read": R.all,
  "plan:create": R.rm,
  "plan:edit": R.rm,
  "plan:transition": R.rm,
  "decision:record": R.rm,
  "decision:override": R.rm,
  "gate:approve": ["approver"],
  "checklist:tick": ["engineer", "release_manager"],
  "checklist:edit": R.rm,
  "checklist:sign": ["approver", "release_manager"],
  "metric:push": ["engineer", "release_manager"],
  "metric:edit": R.rm,
  "incident:edit": ["engineer", "release_manager"],
  "flag:read": ["engineer", "release_manager"],
  "flag:edit": R.rm,
  "comms:edit": R.rm,
  "risk:edit": R.rm,
  "migration:edit": R.rm,
  "audit:read": ["release_manager", "approver"],
  "token:manage": R.rm,
  // A project's change freezes and its four-eyes rule; signing an emergency override as its release manager.
  "freeze:edit": R.rm,
  "freeze:override": R.rm,
  "project:settings": R.rm,
  // Admin-only: no project role grants these.
  "member:manage": [],
  "project:create": [],
  "user:manage": [],
  "instance_freeze:edit": [],
} as const satisfies Record<string, readonly ProjectRole[]>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export interface Principal {
  isAdmin: boolean;
  /** The roles the principal holds in the project the action concerns. */
  roles: readonly ProjectRole[];
}

/** Admins may do everything; anyone else needs one of the action's roles in that project. */
export function can(principal: Principal, action: Action): boolean {
  if (principal.isAdmin) return true;
  const allowed: readonly ProjectRole[] = PERMISSIONS[action];
  return principal.roles.some((role) => allowed.includes(role));
}

// Scopes of API tokens: what a pipeline may do in the token's one project.
export const TOKEN_SCOPES = [
  "plans:read",
  "plans:write",
  "decisions:write",
  "checklists:write",
  "metrics:write",
  "flags:evaluate",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const scopeDescriptions: Record<TokenScope, string> = {
  "plans:read": "Read plans and their status (is phase X go?)",
  "plans:write": "Import and create plans",
  "decisions:write": "Record go / no-go / rollback decisions",
  "checklists:write": "Tick checklist items with evidence",
  "metrics:write": "Push KPI samples",
  "flags:evaluate": "Evaluate feature flags over OFREP",
};

export const roleLabels: Record<ProjectRole, string> = {
  viewer: "Viewer",
  engineer: "Engineer",
  release_manager: "Release manager",
  approver: "Approver",
};
