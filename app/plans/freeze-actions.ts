"use server";

import type { FormState } from "@/lib/actions/form-state";
import { formAction, planPages } from "@/lib/actions/run";
import { signFreezeOverride } from "@/lib/services/freezes";

export async function signOverrideAction(_prev: FormState, form: FormData): Promise<FormState> {
  return formAction(signFreezeOverride, form, {
    message: (r) =>
      r.complete
        ? "Override complete: the next go decision on this plan may go through the freeze."
        : "Signed. The override needs the other signature (a release manager and an admin) before a go.",
    revalidate: planPages(form),
    keep: ["reason"],
  });
}
