import Link from "next/link";
import { Card, EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { readableProjectIds, rolesIn, userCan } from "@/lib/auth/actor";
import { roleLabels } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listProjects } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    return { user, projects: await listProjects(db, readableProjectIds(user)) };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, projects } = result.data;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Projects</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          The products and services you release, with your roles in each.
        </p>
      </div>
      {projects.length === 0 ? (
        <EmptyState title="No projects for you yet">
          <p>
            {user.isAdmin ? "Create the first project from the admin page." : "Ask an admin to add you to a project."}
          </p>
        </EmptyState>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          {projects.map((p) => {
            const roles = rolesIn(user, p.id);
            return (
              <Card
                key={p.id}
                title={p.name}
                action={
                  <span className="text-xs text-slate-600 dark:text-slate-400">
                    {p.plans} plan{p.plans === 1 ? "" : "s"}
                  </span>
                }
              >
                <p className="text-sm text-slate-700 dark:text-slate-300">{p.description || "No description."}</p>
                <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
                  Your roles:{" "}
                  {roles.length ? roles.map((r) => roleLabels[r]).join(", ") : user.isAdmin ? "admin" : "none"}
                </p>
                <div className="mt-3 flex gap-4 text-sm">
                  <Link href={`/projects/${p.slug}`} className="text-accent-700 underline dark:text-accent-300">
                    Members{userCan(user, "token:manage", p.id) ? " & API tokens" : ""}
                  </Link>
                  {userCan(user, "audit:read", p.id) ? (
                    <Link href={`/projects/${p.slug}/audit`} className="text-accent-700 underline dark:text-accent-300">
                      Audit trail
                    </Link>
                  ) : null}
                </div>
              </Card>
            );
          })}
        </div>
      )}
    </div>
  );
}
