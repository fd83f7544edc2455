import { ImportPlan } from "@/components/import/import-plan";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { creatableProjectsOrForbidden } from "../creatable-projects";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const dynamic = "force-dynamic";
export const metadata = { title: "Import a plan" };

type Props = { searchParams: Promise<{ project?: string }> };

export default async function ImportPlanPage({ searchParams }: Props) {
  const { project } = await searchParams;
  const result = await creatableProjectsOrForbidden();
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { projects } = result.data;
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <Breadcrumb trail={[{ href: "/plans/new", label: "New plan" }]} current={<span>Import from Markdown</span>} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Import a rollout plan</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Paste a Markdown plan or choose a .md file (English or Indonesian headings). The preview shows what was
          understood — phases with their traffic, checklists, KPIs with thresholds, rollback triggers, risks, comms and
          roles — and what was kept as notes. Fix it, then save.
        </p>
      </div>
      <ImportPlan
        projects={projects.map((p) => ({ id: p.id, name: p.name }))}
        defaultProjectId={projects.find((p) => p.slug === project)?.id ?? projects[0]!.id}
      />
    </div>
  );
}
