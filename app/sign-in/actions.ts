"use server";

import { waitInWords } from "@/lib/auth/login-throttle";
import { AuthError, CredentialsSignin } from "next-auth";
import { unstable_rethrow } from "next/navigation";
import { signIn, signOut } from "@/lib/auth/config";
import { isDatabaseUnavailable } from "@/lib/errors";
import { safeRedirectPath } from "@/lib/safe-redirect";

export type SignInState = { ok: false; error: string; email?: string } | null;

/** Only same-site paths: a crafted callbackUrl must not send people elsewhere. */
function safeCallback(value: FormDataEntryValue | null): string {
  return safeRedirectPath(value);
}

export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  const failed = await attemptSignIn(form);
  return failed ? { ...failed, email: String(form.get("email") ?? "") } : null;
}

async function attemptSignIn(form: FormData): Promise<SignInState> {
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirectTo: safeCallback(form.get("callbackUrl")),
    });
    return null;
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof CredentialsSignin) {
      const throttled = /^throttled:(\d+)$/.exec(error.code);
      return throttled
        ? {
            ok: false,
            error: `Too many failed attempts from here. ${waitInWords(Number(throttled[1]) * 1000)}, then try again.`,
          }
        : { ok: false, error: "That email and password do not match an account." };
    }
    if (isDatabaseUnavailable(error) || isDatabaseUnavailable((error as { cause?: { err?: unknown } }).cause?.err)) {
      return { ok: false, error: "The database is not answering. Try again in a moment." };
    }
    if (error instanceof AuthError) return { ok: false, error: "Sign-in failed. Try again." };
    throw error;
  }
}

export async function signInWithOidc(form: FormData) {
  await signIn("oidc", { redirectTo: safeCallback(form.get("callbackUrl")) });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}
