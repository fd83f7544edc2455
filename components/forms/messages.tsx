"use client";

import type { FormState } from "@/lib/actions/form-state";
import { FormMessage } from "./fields";

/**
 * Outcome of an action. When the error says the page is out of date (`stale` matches it), the
 * message offers a reload, since what the person sees is no longer what is stored.
 */
export function ReloadableMessage({ state, stale }: { state: FormState; stale: RegExp }) {
  if (state && !state.ok && stale.test(state.error)) {
    return (
      <p
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/50 dark:text-amber-200"
      >
        {state.error}.{" "}
        <button type="button" className="underline" onClick={() => window.location.reload()}>
          Reload
        </button>
      </p>
    );
  }
  return <FormMessage state={state} />;
}

/** Outcome of a plan action; a stale plan version gets a reload link. */
export function StaleAwareMessage({ state }: { state: FormState }) {
  return <ReloadableMessage state={state} stale={/plan changed/i} />;
}
