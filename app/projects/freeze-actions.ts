"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formAction, type Revalidate } from "@/lib/actions/run";
import { createFreeze, removeFreeze } from "@/lib/services/freezes";
import { setProjectGovernance } from "@/lib/services/project-settings";

// Change freezes (a project's on its page, the instance's on the admin page) and a project's
// four-eyes rule.

const FREEZE_PAGES: Revalidate[] = [
  { path: "/projects/[slug]", type: "page" },
  "/admin",
  "/",
  { path: "/plans/[planId]", type: "page" },
];
const FREEZE_FIELDS = [
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
];

export async function createFreezeAction(_prev: FormState, form: FormData): Promise<FormState> {
  return formAction(createFreeze, form, {
    message: (f) => `Freeze “${f.name}” added: ${f.description}.`,
    revalidate: FREEZE_PAGES,
    keep: FREEZE_FIELDS,
  });
}

export async function removeFreezeAction(_prev: FormState, form: FormData): Promise<FormState> {
  return formAction(removeFreeze, form, { message: "Freeze removed.", revalidate: FREEZE_PAGES });
}

export async function governanceAction(_prev: FormState, form: FormData): Promise<FormState> {
  return formAction(setProjectGovernance, form, {
    message: (s) =>
      s.fourEyes
        ? `Four-eyes on: a go needs approvals from ${s.minDistinctApprovers} distinct ${s.minDistinctApprovers === 1 ? "person" : "people"}, not the plan owner nor whoever records it.`
        : "Four-eyes off.",
    revalidate: [
      { path: "/projects/[slug]", type: "page" },
      { path: "/plans/[planId]", type: "page" },
    ],
    keep: ["minDistinctApprovers"],
  });
}
