"use server";

import { formActionsShowing, type Revalidate } from "@/lib/actions/run";
import { createFreeze, removeFreeze } from "@/lib/services/freezes";
import { setProjectGovernance } from "@/lib/services/project-settings";

// Change freezes (a project's on its page, the instance's on the admin page) and a project's
// four-eyes rule. A freeze shows on the project and admin pages, the portfolio and plan pages.

const PROJECT_PAGE: Revalidate = { path: "/projects/[slug]", type: "page" };
const PLAN_PAGE: Revalidate = { path: "/plans/[planId]", type: "page" };
const freezeAction = formActionsShowing([PROJECT_PAGE, "/admin", "/", PLAN_PAGE]);
const settingsAction = formActionsShowing([PROJECT_PAGE, PLAN_PAGE]);

export const createFreezeAction = freezeAction(createFreeze, (f) => `Freeze “${f.name}” added: ${f.description}.`, [
  "name",
  "kind",
  "scope",
  "projectId",
  "timeZone",
  "startsAt",
  "endsAt",
  "rrule",
  "from",
  "durationMinutes",
]);

export const removeFreezeAction = freezeAction(removeFreeze, "Freeze removed.");

export const governanceAction = settingsAction(
  setProjectGovernance,
  (s) =>
    s.fourEyes
      ? `Four-eyes on: a go needs approvals from ${s.minDistinctApprovers} distinct ${s.minDistinctApprovers === 1 ? "person" : "people"}, not the plan owner nor whoever records it.`
      : "Four-eyes off.",
  ["minDistinctApprovers"],
);
