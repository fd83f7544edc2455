import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { AuditTable } from "@/components/admin/audit-table";
import { inputClass } from "@/components/forms/fields";
import { EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { userCan } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import { auditPage } from "@/lib/queries/audit";
import { projectBySlug, projectPlans } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";
import { auditFilterSchema } from "@/lib/validation/audit";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit trail" };

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The filter's free boxes, after its plan choice: who, which action, and the days between. */
const filterInputs = [
  { name: "actor", label: "Who", placeholder: "name or system" },
  { name: "action", label: "Action starts with", placeholder: "decision." },
  { name: "from", label: "From", type: "date" },
  { name: "to", label: "To", type: "date" },
] as const;

export default async function AuditPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = auditFilterSchema.safeParse(raw);
  const filter = parsed.success ? parsed.data : auditFilterSchema.parse({});
  const now = new Date();
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    const project = await projectBySlug(db, slug);
    if (!project) return null;
    if (!userCan(user, "audit:read", project.id)) return { user, project, allowed: false as const };
    const [page, plans] = await Promise.all([auditPage(db, project.id, filter), projectPlans(db, project.id)]);
    return { user, project, allowed: true as const, page, plans };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  if (!result.data) notFound();
  if (!result.data.allowed) forbidden();
  const { project, page, plans } = result.data;
  const query = new URLSearchParams(
    Object.entries(filter)
      .filter(([k, v]) => k !== "page" && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const pageLink = (n: number) => `?${new URLSearchParams([...query, ["page", String(n)]])}`;

  return (
    <div className="space-y-5">
      <Breadcrumb
        trail={[
          { href: "/projects", label: "Projects" },
          { href: `/projects/${project.slug}`, label: project.name },
        ]}
        current="Audit trail"
      />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit trail</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Every change in {project.name}: who, what, when, before and after. Append-only.
          </p>
        </div>
        <a
          href={`/projects/${project.slug}/audit/export?${query}`}
          className="text-sm text-accent-700 underline dark:text-accent-300"
          data-testid="audit-export"
        >
          Export CSV
        </a>
      </div>
      {!parsed.success ? (
        <p role="alert" className="text-sm text-amber-800 dark:text-amber-300">
          Some filters were not valid and were ignored: {parsed.error.issues.map((i) => i.path.join(".")).join(", ")}.
        </p>
      ) : null}
      <form
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-6 sm:items-end dark:border-slate-800 dark:bg-slate-900"
        role="search"
        aria-label="Filter audit events"
      >
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor="f-plan" className="block text-xs font-medium">
            Plan
          </label>
          <select id="f-plan" name="plan" defaultValue={filter.plan ?? ""} className={inputClass}>
            <option value="">All plans</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} v{p.releaseVersion}
              </option>
            ))}
          </select>
        </div>
        {filterInputs.map(({ name, label, ...input }) => (
          <div key={name} className="space-y-1">
            <label htmlFor={`f-${name}`} className="block text-xs font-medium">
              {label}
            </label>
            <input id={`f-${name}`} name={name} defaultValue={filter[name] ?? ""} className={inputClass} {...input} />
          </div>
        ))}
        <div className="flex gap-3 sm:col-span-6">
          <button type="submit" className="rounded-md bg-accent-600 px-3 py-1.5 text-sm text-white hover:bg-accent-700">
            Filter
          </button>
          <Link href={`/projects/${project.slug}/audit`} className="px-1 py-1.5 text-sm underline">
            Clear
          </Link>
        </div>
      </form>
      {page.rows.length === 0 ? (
        <EmptyState title="No events match">
          <p>Widen the dates or clear the filters. Every change made in this project appears here as it happens.</p>
        </EmptyState>
      ) : (
        <AuditTable rows={page.rows} now={now} />
      )}
      <nav aria-label="Pages" className="flex justify-between text-sm">
        {filter.page > 1 ? (
          <Link href={pageLink(filter.page - 1)} className="underline">
            ← Newer
          </Link>
        ) : (
          <span />
        )}
        {page.hasMore ? (
          <Link href={pageLink(filter.page + 1)} className="underline">
            Older →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}
