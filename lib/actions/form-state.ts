// What a server action answers a form with, shared by the actions and their forms (no server-only
// code here: client components import these types and helpers).

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** A form's state between submissions: null before the first, else the last action's result. */
export type FormState = ActionResult<unknown> | null;

/** What a refused submission marks on the form: each field's errors and what was typed. */
export const failed = (state: FormState) => ({
  errors: state && !state.ok ? state.fieldErrors : undefined,
  values: state && !state.ok ? state.values : undefined,
});
