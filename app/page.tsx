import { PortfolioTable } from "@/components/portfolio/portfolio-table";
import { ReleasesChart } from "@/components/portfolio/releases-chart";
import { inputClass } from "@/components/forms/fields";
import { EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { Pager } from "@/components/ui/pager";
import Link from "next/link";
import { readableProjectIds, userCan } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import { pageOf, parsePage } from "@/lib/domain/paging";
import {
  filterPortfolio,
  parsePortfolioFilter,
  PORTFOLIO_PAGE_SIZE,
  type PortfolioFilter,
  releasesOverTime,
  STATUS_FILTER_OPTIONS,
} from "@/lib/domain/portfolio";
import { portfolioFreezeBanner } from "@/lib/queries/freezes";
import { loadPortfolio, withGateBlockers } from "@/lib/queries/portfolio";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Portfolio" };

function Stat({ label, value, hint }: { label: string; value: number; hint: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums" title={hint}>
        {value}
      </dd>
    </div>
  );
}

/** The portfolio's address for another page, keeping the filters. */
function pageHref(filter: PortfolioFilter, page: number): string {
  const query = new URLSearchParams();
  if (filter.project) query.set("project", filter.project);
  if (filter.status) query.set("status", filter.status);
  if (page > 1) query.set("page", String(page));
  const text = query.toString();
  return text ? `/?${text}` : "/";
}

export default async function PortfolioPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const params = await searchParams;
  const filter = parsePortfolioFilter(params);
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    const all = await loadPortfolio(db, now, readableProjectIds(user));
    const rows = filterPortfolio(all, filter);
    // The counts and the chart cover every release that matches; the table shows one page of them.
    const page = pageOf(rows, parsePage(params), PORTFOLIO_PAGE_SIZE);
    const freeze = await portfolioFreezeBanner(db, readableProjectIds(user) ?? "all", now);
    return { user, all, rows, freeze, shown: { ...page, rows: await withGateBlockers(db, page.rows, now) } };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, all, rows, shown, freeze } = result.data;
  const projects = [...new Map(all.map((r) => [r.project.slug, r.project.name])).entries()].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
  const filtered = filter.project !== null || filter.status !== null;
  const canCreate = user.isAdmin || [...user.roles.keys()].some((projectId) => userCan(user, "plan:create", projectId));
  const live = rows.filter((r) => r.status === "in_progress" || r.status === "paused");
  const atRisk = rows.filter((r) => r.milestone && r.milestone.status !== "on_track");

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Releases</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Every rollout: where it is, how much traffic it has, whether its KPIs hold, and what comes next.{" "}
            <Link href="/digest" className="text-accent-700 underline dark:text-accent-300">
              Weekly digest
            </Link>
          </p>
          <p className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="portfolio-views">
            <Link href="/roadmap" className="text-accent-700 underline dark:text-accent-300">
              Milestone roadmap
            </Link>
            <Link href="/delivery" className="text-accent-700 underline dark:text-accent-300">
              Delivery metrics
            </Link>
          </p>
        </div>
        {canCreate ? (
          <Link
            href="/plans/new"
            className="inline-flex items-center justify-center rounded-md bg-accent-600 px-3 py-2 text-sm font-medium text-white hover:bg-accent-700"
          >
            New plan
          </Link>
        ) : null}
      </div>
      {freeze ? (
        <p
          role="status"
          data-testid="freeze-banner"
          className={
            freeze.tone === "active"
              ? "rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium dark:border-amber-800 dark:bg-amber-950/40"
              : "rounded-md border border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900"
          }
        >
          {freeze.text}
        </p>
      ) : null}
      {all.length > 0 ? (
        <form
          method="get"
          className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:flex-row sm:items-end dark:border-slate-800 dark:bg-slate-900"
          aria-label="Filter releases"
        >
          <div className="space-y-1 sm:w-56">
            <label htmlFor="filter-project" className="block text-xs font-medium text-slate-700 dark:text-slate-300">
              Project
            </label>
            <select id="filter-project" name="project" defaultValue={filter.project ?? ""} className={inputClass}>
              <option value="">Every project</option>
              {projects.map(([slug, name]) => (
                <option key={slug} value={slug}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1 sm:w-64">
            <label htmlFor="filter-status" className="block text-xs font-medium text-slate-700 dark:text-slate-300">
              Status
            </label>
            <select id="filter-status" name="status" defaultValue={filter.status ?? ""} className={inputClass}>
              {STATUS_FILTER_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </div>
          <div className="flex items-center gap-3">
            <button
              type="submit"
              className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Show
            </button>
            {filtered ? (
              <Link href="/" className="text-sm text-accent-700 hover:underline dark:text-accent-300">
                Clear filters
              </Link>
            ) : null}
          </div>
          <p className="text-xs text-slate-600 sm:ml-auto dark:text-slate-400" role="status">
            {rows.length} of {all.length} release{all.length === 1 ? "" : "s"}
          </p>
        </form>
      ) : null}
      {all.length > 0 && rows.length === 0 ? (
        <EmptyState title="No release matches these filters">
          <p>
            Try another project or status, or{" "}
            <Link href="/" className="text-accent-700 underline dark:text-accent-300">
              show every release
            </Link>
            .
          </p>
        </EmptyState>
      ) : null}
      {all.length === 0 ? (
        <EmptyState title="No rollout plans yet">
          {user.isAdmin || user.roles.size > 0 ? (
            <p>
              A plan appears here as soon as a release manager creates one. To explore Phasegate with realistic data,
              load the demo into an empty database with{" "}
              <code className="rounded bg-slate-100 px-1 dark:bg-slate-800">npm run seed:demo</code> and reload.
            </p>
          ) : (
            <p>You are not a member of any project yet. Ask an admin to add you to a project with the role you need.</p>
          )}
        </EmptyState>
      ) : rows.length > 0 ? (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Rolling out" value={live.length} hint="In progress or paused" />
            <Stat label="Needs attention" value={atRisk.length} hint="Milestone at risk or late" />
            <Stat
              label="Rolled back"
              value={rows.filter((r) => r.status === "rolled_back").length}
              hint="Plans ended by a rollback"
            />
            <Stat
              label="Open incidents"
              value={rows.reduce((n, r) => n + r.openIncidents, 0)}
              hint="Incidents not yet resolved"
            />
          </dl>
          <PortfolioTable rows={shown.rows} now={now} />
          <Pager
            label="Pages of releases"
            noun="Releases"
            page={shown}
            href={(n) => pageHref(filter, n)}
            testId="portfolio-pager"
          />
          <ReleasesChart weeks={releasesOverTime(rows, now)} />
        </>
      ) : null}
    </div>
  );
}
