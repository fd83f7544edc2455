import Link from "next/link";
import { forbidden } from "next/navigation";
import {
  CreateProjectForm,
  CreateUserForm,
  EndSessionsButton,
  SetPasswordForm,
  UserFlagButton,
} from "@/components/admin/admin-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { userCan } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import { FreezesSection } from "@/components/freezes/freezes-section";
import { listFreezes } from "@/lib/queries/freezes";
import { listProjects, listUsers } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin" };

export default async function AdminPage() {
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    if (!userCan(user, "user:manage", null)) forbidden();
    return {
      user,
      users: await listUsers(db),
      projects: await listProjects(db, null),
      freezes: await listFreezes(db, null),
    };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, users, projects, freezes } = result.data;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <Card title="Instance-wide change freezes" id="freezes">
        <FreezesSection projectId={null} freezes={freezes} canEdit={userCan(user, "instance_freeze:edit", null)} />
      </Card>
      <Card title={`People (${users.length})`} id="users">
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {users.map((u) => (
            <li key={u.id} className="py-3" data-testid="admin-user">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{u.name}</span>
                <span className="text-sm text-slate-600 dark:text-slate-400">{u.email}</span>
                {u.isAdmin ? <Badge tone="accent">Admin</Badge> : null}
                {u.disabledAt ? <Badge tone="red">Disabled</Badge> : null}
              </div>
              <details className="mt-2">
                <summary className="cursor-pointer text-sm text-accent-700 dark:text-accent-300">
                  Manage {u.name}
                </summary>
                <div className="mt-2 flex flex-col gap-3 pl-2">
                  <SetPasswordForm userId={u.id} name={u.name} />
                  {u.id === user.userId ? (
                    <p className="text-xs text-slate-600 dark:text-slate-400">
                      This is you: another admin can change your admin rights. Your own sessions are on{" "}
                      <Link href="/account" className="underline">
                        your account page
                      </Link>
                      .
                    </p>
                  ) : (
                    <div className="flex flex-wrap items-start gap-2">
                      <EndSessionsButton userId={u.id} name={u.name} />
                      <UserFlagButton
                        userId={u.id}
                        field="isAdmin"
                        value={!u.isAdmin}
                        label={u.isAdmin ? "Remove admin rights" : "Make admin"}
                      />
                      <UserFlagButton
                        userId={u.id}
                        field="disabled"
                        value={!u.disabledAt}
                        label={u.disabledAt ? "Enable" : "Disable sign-in"}
                      />
                    </div>
                  )}
                </div>
              </details>
            </li>
          ))}
        </ul>
        <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          <h3 className="mb-2 text-sm font-semibold">New person</h3>
          <CreateUserForm />
        </div>
      </Card>
      <Card title={`Projects (${projects.length})`} id="projects">
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {projects.map((p) => (
            <li key={p.id} className="flex justify-between py-2">
              <Link href={`/projects/${p.slug}`} className="text-accent-700 underline dark:text-accent-300">
                {p.name}
              </Link>
              <span className="text-slate-600 dark:text-slate-400">
                {p.slug} · {p.plans} plan{p.plans === 1 ? "" : "s"}
              </span>
            </li>
          ))}
        </ul>
        <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
          <h3 className="mb-2 text-sm font-semibold">New project</h3>
          <CreateProjectForm />
        </div>
      </Card>
    </div>
  );
}
