"use server";

import type { FormState } from "@/lib/actions/form-state";
import { headers } from "next/headers";
import { signOut } from "@/lib/auth/config";
import { clientIp } from "@/lib/auth/client-ip";
import { type ActionResult, formToObject, runAction } from "@/lib/actions/run";
import { changeOwnPassword, endUserSessions } from "@/lib/services/account";

// Both actions end the session they run in, so on success the person is signed out and sent to
// the sign-in page with a line saying why.

export async function changeOwnPasswordAction(_prev: FormState, form: FormData): Promise<ActionResult<unknown>> {
  const ip = clientIp(await headers());
  const result = await runAction((ctx) => changeOwnPassword(ctx, formToObject(form), ip));
  if (!result.ok) return result;
  await signOut({ redirectTo: "/sign-in?notice=password-changed" });
  return result;
}

export async function endMySessionsAction(): Promise<ActionResult<unknown>> {
  const result = await runAction((ctx) =>
    endUserSessions(ctx, { userId: ctx.actor.kind === "user" ? ctx.actor.userId : "" }),
  );
  if (!result.ok) return result;
  await signOut({ redirectTo: "/sign-in?notice=signed-out-everywhere" });
  return result;
}
