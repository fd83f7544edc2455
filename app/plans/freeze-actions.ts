"use server";

import { formActionsShowing, planPages } from "@/lib/actions/run";
import { signFreezeOverride } from "@/lib/services/freezes";

export const signOverrideAction = formActionsShowing(planPages)(
  signFreezeOverride,
  (r) =>
    r.complete
      ? "Override complete: the next go decision on this plan may go through the freeze."
      : "Signed. The override needs the other signature (a release manager and an admin) before a go.",
  ["reason"],
);
