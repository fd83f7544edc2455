import Link from "next/link";
import { ChangePasswordForm, EndSessionsForm } from "@/components/account/account-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { roleLabels } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { signsInWithPassword } from "@/lib/queries/account";
import { listProjects } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your account" };

export default async function AccountPage() {
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    const [password, projects] = await Promise.all([
      signsInWithPassword(db, user.userId),
      listProjects(db, [...user.roles.keys()]),
    ]);
    return { user, hasPassword: password, projects };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, hasPassword, projects } = result.data;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Your account</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {user.name} · {user.email}
          {user.isAdmin ? (
            <>
              {" "}
              <Badge tone="accent">Admin</Badge>
            </>
          ) : null}
        </p>
      </div>
      <Card title="Your roles" id="roles">
        {projects.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {user.isAdmin
              ? "You hold no project role; as an admin you can read and manage every project."
              : "You hold no role in any project yet. Ask a project's admin to add you."}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="account-roles">
            {projects.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <Link href={`/projects/${p.slug}`} className="text-accent-700 underline dark:text-accent-300">
                  {p.name}
                </Link>
                <span className="flex flex-wrap gap-1">
                  {(user.roles.get(p.id) ?? []).map((role) => (
                    <Badge key={role} tone="grey">
                      {roleLabels[role]}
                    </Badge>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Password" id="password">
        {hasPassword ? (
          <>
            <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
              A new password signs you out on every device, this one included; sign in again with the new one.
            </p>
            <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} />
          </>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            You sign in through single sign-on; your password is kept there.
          </p>
        )}
      </Card>
      <Card title="Sessions" id="sessions">
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Lost a laptop, or signed in on a shared computer? “Sign out everywhere” ends every session of yours at its
          next request, on every device and every Phasegate instance, this one included.
        </p>
        <EndSessionsForm />
      </Card>
    </div>
  );
}
