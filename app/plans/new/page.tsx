import Link from "next/link";
import { NewPlanForm } from "@/components/plan/new-plan-form";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { creatableProjectsOrForbidden } from "../creatable-projects";

export const dynamic = "force-dynamic";
export const metadata = { title: "New plan" };

type Props = { searchParams: Promise<{ project?: string }> };

export default async function NewPlanPage({ searchParams }: Props) {
  const { project } = await searchParams;
  const result = await creatableProjectsOrForbidden();
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { projects } = result.data;
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New rollout plan</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          A template fills in phases, gates, checklists, KPIs with thresholds, rollback triggers, comms, risks and
          escalation. Everything not yet history can be edited afterwards.{" "}
          <Link
            href={project ? `/plans/import?project=${encodeURIComponent(project)}` : "/plans/import"}
            className="font-medium text-accent-700 hover:underline dark:text-accent-300"
            data-testid="import-markdown-link"
          >
            Import from Markdown
          </Link>{" "}
          to start from a plan you already wrote.
        </p>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <NewPlanForm
          projects={projects.map((p) => ({ id: p.id, name: p.name }))}
          defaultProjectId={projects.find((p) => p.slug === project)?.id}
        />
      </div>
    </div>
  );
}
