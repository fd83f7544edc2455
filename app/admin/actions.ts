"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import { endUserSessions } from "@/lib/services/account";
import { createProject, createUser, setUserFlags, setUserPassword } from "@/lib/services/admin";

function done(result: ActionResult<unknown>, message: string): ActionResult<unknown> {
  if (!result.ok) return result;
  revalidatePath("/admin");
  return { ...result, message };
}

export async function createUserAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const input = formToObject(form);
  const result = await runAction((ctx) => createUser(ctx, { ...input, isAdmin: input.isAdmin === "on" }));
  return keepValues(done(result, "User created. Give them their password through a safe channel."), form, [
    "name",
    "email",
  ]);
}

export async function setPasswordAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  return done(
    await runAction((ctx) => setUserPassword(ctx, formToObject(form))),
    "Password set. Every session signed in with the old one has ended.",
  );
}

export async function endSessionsAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  return done(await runAction((ctx) => endUserSessions(ctx, formToObject(form))), "Signed out on every device.");
}

export async function setUserFlagsAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const input = formToObject(form);
  const flags = {
    userId: input.userId,
    ...(input.isAdmin !== null && input.isAdmin !== undefined ? { isAdmin: input.isAdmin === "true" } : {}),
    ...(input.disabled !== null && input.disabled !== undefined ? { disabled: input.disabled === "true" } : {}),
  };
  return done(await runAction((ctx) => setUserFlags(ctx, flags)), "Saved.");
}

export async function createProjectAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runAction((ctx) => createProject(ctx, formToObject(form)));
  return keepValues(done(result, "Project created. Add its members from the project page."), form, [
    "name",
    "slug",
    "description",
  ]);
}
