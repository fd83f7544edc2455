"use client";

import { useActionState } from "react";
import { signOverrideAction } from "@/app/plans/freeze-actions";
import { FormMessage, Hidden, SubmitButton, TextAreaField } from "@/components/forms/fields";
import { failed, type FormState } from "@/lib/actions/form-state";

export interface OverrideSignature {
  name: string;
  reason: string;
}

/**
 * A change freeze holds this plan: what it is, the emergency override so far, and (for a release
 * manager of the project or an admin) the part of it this person may sign.
 */
export function FreezeOverrideForm({
  planId,
  sentence,
  releaseManager,
  admin,
  signAs,
}: {
  planId: string;
  sentence: string;
  releaseManager: OverrideSignature | null;
  admin: OverrideSignature | null;
  /** The parts this person may still sign; empty when none. */
  signAs: ("release_manager" | "admin")[];
}) {
  const [state, action] = useActionState<FormState, FormData>(signOverrideAction, null);
  const { errors, values } = failed(state);
  const complete = releaseManager && admin;
  return (
    <section
      aria-label="Change freeze"
      className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950/40"
      data-testid="freeze-panel"
    >
      <p className="text-sm font-medium" data-testid="freeze-sentence">
        {sentence}
      </p>
      <p className="text-sm">
        Go decisions wait for the freeze to end; no-go and rollback are always allowed. In an emergency, a release
        manager and an admin — two people, each with a reason — may let one go through.
      </p>
      <dl className="grid gap-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-3" data-testid="override-signatures">
        <dt className="font-medium">Release manager</dt>
        <dd>{releaseManager ? `${releaseManager.name}: ${releaseManager.reason}` : "not signed"}</dd>
        <dt className="font-medium">Admin</dt>
        <dd>{admin ? `${admin.name}: ${admin.reason}` : "not signed"}</dd>
      </dl>
      {complete ? (
        <p className="text-sm font-medium">Override complete: the next go decision may go through the freeze.</p>
      ) : null}
      {signAs.length > 0 && !complete ? (
        <form action={action} className="space-y-2" noValidate aria-label="Sign the emergency override">
          <Hidden fields={{ planId }} />
          {signAs.length === 1 ? (
            <Hidden fields={{ as: signAs[0]! }} />
          ) : (
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium">Sign as</legend>
              {signAs.map((as, i) => (
                <label key={as} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="as" value={as} defaultChecked={i === 0} />
                  {as === "admin" ? "The admin" : "The release manager"}
                </label>
              ))}
            </fieldset>
          )}
          <TextAreaField
            label="Reason for overriding the freeze"
            name="reason"
            required
            rows={2}
            errors={errors?.reason ?? errors?.as}
            defaultValue={values?.reason}
          />
          <FormMessage state={state} />
          <SubmitButton pendingText="Signing…" variant="danger">
            {signAs.length === 1 && signAs[0] === "admin" ? "Confirm override as admin" : "Sign override"}
          </SubmitButton>
        </form>
      ) : (
        <FormMessage state={state} />
      )}
    </section>
  );
}
