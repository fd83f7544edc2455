"use server";

import type { FormState } from "@/lib/actions/form-state";
import { revalidatePath } from "next/cache";
import { type ActionResult, formToObject, keepValues, runAction } from "@/lib/actions/run";
import { addMembership, removeMembership } from "@/lib/services/admin";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";

export type CreatedToken = { name: string; token: string; scopes: string[] };

export async function createTokenAction(
  _prev: ActionResult<CreatedToken> | null,
  form: FormData,
): Promise<ActionResult<CreatedToken>> {
  const input = formToObject(form, ["scopes"]);
  const result = await runAction(async (ctx) => {
    // "never" and an empty choice mean no expiry; the service validates any number sent.
    const expiresInDays = input.expiresInDays === "never" || !input.expiresInDays ? undefined : input.expiresInDays;
    const created = await createApiToken(ctx, { ...input, expiresInDays });
    return { name: created.name, token: created.token, scopes: created.scopes };
  });
  if (result.ok) revalidatePath("/projects/[slug]", "page");
  return keepValues(result, form, ["name", "expiresInDays"]);
}

export async function revokeTokenAction(form: FormData): Promise<void> {
  await runAction((ctx) => revokeApiToken(ctx, formToObject(form)));
  revalidatePath("/projects/[slug]", "page");
}

export async function addMemberAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runAction((ctx) => addMembership(ctx, formToObject(form)));
  if (result.ok) {
    revalidatePath("/projects/[slug]", "page");
    return { ...result, message: "Role added." };
  }
  return keepValues(result, form, ["email"]);
}

export async function removeMemberAction(form: FormData): Promise<void> {
  await runAction((ctx) => removeMembership(ctx, formToObject(form)));
  revalidatePath("/projects/[slug]", "page");
}
