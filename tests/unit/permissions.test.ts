import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ProjectRole } from "@/db/schema/enums";
import { ACTIONS, can, PERMISSIONS, PROJECT_ROLES } from "@/lib/auth/permissions";

// Every role × every action, generated from the table: a change to the table changes these cases.
const cases = PROJECT_ROLES.flatMap((role) =>
  ACTIONS.map((action) => [role, action, (PERMISSIONS[action] as readonly ProjectRole[]).includes(role)] as const),
);

describe("can()", () => {
  test.each(cases)("%s → %s: %s", (role, action, expected) => {
    expect(can({ isAdmin: false, roles: [role] }, action)).toBe(expected);
  });

  test.each(ACTIONS)("an admin may %s, even without a project role", (action) => {
    expect(can({ isAdmin: true, roles: [] }, action)).toBe(true);
  });

  test.each(ACTIONS)("nobody without a role may %s", (action) => {
    expect(can({ isAdmin: false, roles: [] }, action)).toBe(false);
  });

  test("a viewer may only read", () => {
    const allowed = ACTIONS.filter((a) => can({ isAdmin: false, roles: ["viewer"] }, a));
    expect(allowed.every((a) => a.endsWith(":read"))).toBe(true);
  });

  test("property: several roles allow exactly the union of what each allows", () => {
    fc.assert(
      fc.property(fc.subarray([...PROJECT_ROLES]), fc.constantFrom(...ACTIONS), (roles, action) => {
        const union = roles.some((r) => can({ isAdmin: false, roles: [r] }, action));
        expect(can({ isAdmin: false, roles }, action)).toBe(union);
      }),
    );
  });

  test("administration is never granted by a project role", () => {
    for (const action of ["member:manage", "project:create", "user:manage"] as const) {
      expect(PROJECT_ROLES.some((r) => can({ isAdmin: false, roles: [r] }, action))).toBe(false);
    }
  });
});
