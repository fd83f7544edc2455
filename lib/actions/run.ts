import "server-only";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { currentUser, requestId } from "@/lib/auth/session";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import type { ServiceContext } from "@/lib/services/context";
import { errorFields, log } from "@/lib/observability/log";
import type { ActionResult, FormState } from "./form-state";

// The one guarded path for server actions: who is signed in → the service (which authorises,
// validates and writes in one transaction) → a typed result the form can show. Throws only on bugs.

export type { ActionResult, FormState } from "./form-state";

/**
 * A failed result that carries back what the person typed (never passwords), so the form can
 * show it again: React resets a form after its action runs.
 */
export function keepValues<T>(result: ActionResult<T>, form: FormData, names: readonly string[]): ActionResult<T> {
  if (result.ok) return result;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === "string") values[name] = value;
  }
  return { ...result, values };
}

export async function runAction<T>(fn: (ctx: ServiceContext) => Promise<T>): Promise<ActionResult<T>> {
  try {
    const actor = await currentUser();
    if (!actor) return { ok: false, error: "Your session has ended: sign in again." };
    const { db } = await getDb();
    return { ok: true, data: await fn({ db, actor, requestId: await requestId() }) };
  } catch (error) {
    return toActionError(error);
  }
}

export function toActionError(error: unknown): { ok: false; error: string; fieldErrors?: Record<string, string[]> } {
  if (error instanceof AppError) {
    // The API names fields by their keys (judgeAlphaPercent); a form marks the fields themselves,
    // so its summary says what is wrong in the words shown beside them.
    const said =
      error.code === "bad_request:validation" && error.message.startsWith("Invalid input") && error.fieldErrors
        ? [...new Set(Object.values(error.fieldErrors).flat())]
        : [];
    const message = said.length ? `Nothing was saved: ${said.join("; ")}` : error.message;
    return { ok: false, error: message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) };
  }
  if (isDatabaseUnavailable(error))
    return { ok: false, error: "The database is not answering; nothing was changed. Try again shortly." };
  log().error(errorFields(error), "server action failed");
  return {
    ok: false,
    error: "Something went wrong and nothing was changed. Try again; if it keeps failing, tell whoever runs Phasegate.",
  };
}

/** FormData → plain object; repeated names (checkbox groups) become arrays. */
export function formToObject(form: FormData, arrays: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    out[key] = arrays.includes(key) ? form.getAll(key) : form.get(key);
  }
  for (const key of arrays) out[key] ??= [];
  return out;
}

/** A page to show again after a change: a path, or a route pattern with its kind. */
export type Revalidate = string | { path: string; type: "page" | "layout" };

export interface SettleOptions<T> {
  /** What the person is told on success. */
  message: string | ((data: T) => string);
  /** The pages that show what changed, revalidated on success. */
  revalidate: readonly Revalidate[];
  /** Fields whose typed values a refused form shows again. */
  keep?: readonly string[];
}

/**
 * An action's result as its form takes it: on success the pages that show the change are
 * revalidated and the message added; on refusal what was typed is kept.
 */
export function settle<T>(result: ActionResult<T>, form: FormData, options: SettleOptions<T>): ActionResult<T> {
  if (!result.ok) return keepValues(result, form, options.keep ?? []);
  for (const page of options.revalidate) {
    if (typeof page === "string") revalidatePath(page);
    else revalidatePath(page.path, page.type);
  }
  return { ...result, message: typeof options.message === "string" ? options.message : options.message(result.data) };
}

/** The usual form action: one service called with the form's fields, then settled. */
export async function formAction<T>(
  service: (ctx: ServiceContext, input: unknown) => Promise<T>,
  form: FormData,
  options: SettleOptions<T>,
): Promise<ActionResult<T>> {
  return settle(await runAction((ctx) => service(ctx, formToObject(form))), form, options);
}

/** A server action's signature as a form's `useActionState` calls it. */
export type FormActionFn = (prev: FormState, form: FormData) => Promise<FormState>;

/** What a bound form action settles with; the message and the pages may read the submitted form. */
export interface BoundFormOptions<T> {
  message: string | ((data: T, form: FormData) => string);
  revalidate: readonly Revalidate[] | ((form: FormData) => readonly Revalidate[]);
  keep?: readonly string[];
}

/** A form action bound to one service: each submission calls it with the form's fields, then settles. */
export function formActionOf<T>(
  service: (ctx: ServiceContext, input: unknown) => Promise<T>,
  { message, revalidate, keep }: BoundFormOptions<T>,
): FormActionFn {
  return async (_prev, form) =>
    formAction(service, form, {
      message: typeof message === "string" ? message : (data) => message(data, form),
      revalidate: typeof revalidate === "function" ? revalidate(form) : revalidate,
      ...(keep ? { keep } : {}),
    });
}

/**
 * A maker of bound form actions that all show the same pages again, for a file of actions that
 * differ only in their service, message and kept fields.
 */
export function formActionsShowing(revalidate: BoundFormOptions<unknown>["revalidate"]) {
  return <T>(
    service: (ctx: ServiceContext, input: unknown) => Promise<T>,
    message: BoundFormOptions<T>["message"],
    keep?: readonly string[],
  ): FormActionFn => formActionOf(service, { message, revalidate, ...(keep ? { keep } : {}) });
}

/** The plan page of the form's plan and the portfolio, which shows every plan's state. */
export const planPages = (form: FormData): Revalidate[] => [`/plans/${String(form.get("planId"))}`, "/"];
