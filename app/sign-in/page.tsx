import { setting } from "@/lib/config";
import { redirect } from "next/navigation";
import { SubmitButton } from "@/components/forms/fields";
import { oidcConfigured } from "@/lib/auth/config";
import { currentUser } from "@/lib/auth/session";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { signInWithOidc } from "./actions";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; setup?: string; error?: string; notice?: string }> };

const notices: Record<string, string> = {
  "password-changed": "Your password is changed and every session of yours has ended. Sign in with the new password.",
  "signed-out-everywhere": "You are signed out on every device. Sign in again here.",
};

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl);
  if (await currentUser().catch(() => null)) redirect(callbackUrl);
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in to Phasegate</h1>
      {params.setup === "done" ? (
        <p
          role="status"
          className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
        >
          Your admin account is ready. Sign in with it.
        </p>
      ) : null}
      {params.notice && notices[params.notice] ? (
        <p
          role="status"
          className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-950/50 dark:text-emerald-200"
        >
          {notices[params.notice]}
        </p>
      ) : null}
      {params.error && params.error !== "CredentialsSignin" ? (
        <p
          role="alert"
          className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/50 dark:text-red-200"
        >
          {params.error === "AccessDenied"
            ? "Your company account has no Phasegate user. Ask an admin to add your email."
            : "Sign-in failed. Try again."}
        </p>
      ) : null}
      <div className="mt-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <SignInForm callbackUrl={callbackUrl} />
        {oidcConfigured() ? (
          <form action={signInWithOidc} className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <SubmitButton variant="secondary">Continue with {setting("OIDC_NAME")}</SubmitButton>
          </form>
        ) : null}
      </div>
      <p className="mt-4 text-xs text-slate-600 dark:text-slate-400">
        Forgot your password? An admin can set a new one for you from the admin page.
      </p>
    </div>
  );
}
