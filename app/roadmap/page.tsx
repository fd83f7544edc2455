import Link from "next/link";
import { inputClass } from "@/components/forms/fields";
import { RoadmapChart } from "@/components/timeline/roadmap-chart";
import { RoadmapMilestones } from "@/components/timeline/roadmap-milestones";
import { EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { readableProjectIds } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import {
  type Freeze,
  freezeBands,
  layoutRoadmap,
  parseRoadmapFilter,
  type RoadmapFilter,
  roadmapHref,
  roadmapWindow,
  type RoadmapZoom,
} from "@/lib/domain/roadmap";
import { STATUS_FILTER_OPTIONS } from "@/lib/domain/portfolio";
import { freezeWindowsBetween } from "@/lib/queries/freezes";
import { readWithDatabase } from "@/lib/queries/read";
import { loadRoadmap } from "@/lib/queries/roadmap";

export const dynamic = "force-dynamic";
export const metadata = { title: "Roadmap" };

const zoomLabel: Record<RoadmapZoom, string> = { weeks: "Weeks", quarters: "Quarters" };
const zoomHint: Record<RoadmapZoom, string> = {
  weeks: "4 weeks back to 8 weeks ahead",
  quarters: "1 quarter back to 3 quarters ahead",
};

function ZoomSwitch({ filter }: { filter: RoadmapFilter }) {
  return (
    <nav aria-label="Zoom" className="flex items-center gap-1 text-sm" data-testid="roadmap-zoom">
      <span className="mr-1 text-xs font-medium text-slate-700 dark:text-slate-300">Zoom</span>
      {(["weeks", "quarters"] as const).map((zoom) => (
        <Link
          key={zoom}
          href={roadmapHref({ ...filter, zoom })}
          aria-current={filter.zoom === zoom ? "page" : undefined}
          title={zoomHint[zoom]}
          className={
            filter.zoom === zoom
              ? "rounded-md bg-accent-700 px-3 py-1.5 font-medium text-white dark:bg-accent-300 dark:text-slate-950"
              : "rounded-md border border-slate-300 px-3 py-1.5 text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800"
          }
        >
          {zoomLabel[zoom]}
        </Link>
      ))}
    </nav>
  );
}

export default async function RoadmapPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const filter = parseRoadmapFilter(await searchParams);
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    const readable = readableProjectIds(user);
    const plans = await loadRoadmap(db, now, readable);
    const window = roadmapWindow(now, filter.zoom);
    const freezes: Freeze[] = await freezeWindowsBetween(db, readable ?? "all", window.from, window.to);
    return { plans, freezes };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { plans, freezes } = result.data;
  const layout = layoutRoadmap(plans, filter, now);
  const projects = [...new Map(plans.map((p) => [p.project.slug, p.project.name])).entries()].sort((a, b) =>
    a[1].localeCompare(b[1]),
  );
  const shownProjects = new Set(layout.groups.map((g) => g.project.id));
  const bands = freezeBands(
    freezes.filter((f) => f.projectId === null || shownProjects.has(f.projectId)),
    layout.window,
  );
  const filtered = filter.project !== null || filter.status !== null || filter.atRiskOnly;
  const drawn = layout.matching - layout.outside;
  const needsAttention = layout.groups.flatMap((g) => g.rows).filter((r) => r.attention).length;

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Milestone roadmap</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every plan&apos;s phases on one time axis, planned against actual, with decisions, incidents and today; the
          milestones at risk or late say why.
        </p>
      </div>
      {plans.length === 0 ? (
        <EmptyState title="No plans to show yet">
          <p>
            The roadmap fills in as soon as a plan is created in a project you can read. Ask a release manager to create
            one, or an admin to add you to the project you follow.
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 lg:flex-row lg:items-end lg:justify-between dark:border-slate-800 dark:bg-slate-900">
            <form
              method="get"
              className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end"
              aria-label="Filter the roadmap"
            >
              <input type="hidden" name="zoom" value={filter.zoom} />
              <div className="space-y-1 sm:w-48">
                <label
                  htmlFor="roadmap-project"
                  className="block text-xs font-medium text-slate-700 dark:text-slate-300"
                >
                  Project
                </label>
                <select id="roadmap-project" name="project" defaultValue={filter.project ?? ""} className={inputClass}>
                  <option value="">Every project</option>
                  {projects.map(([slug, name]) => (
                    <option key={slug} value={slug}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="space-y-1 sm:w-60">
                <label
                  htmlFor="roadmap-status"
                  className="block text-xs font-medium text-slate-700 dark:text-slate-300"
                >
                  Plan status
                </label>
                <select id="roadmap-status" name="status" defaultValue={filter.status ?? ""} className={inputClass}>
                  {STATUS_FILTER_OPTIONS.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="flex items-center gap-2 sm:pb-2">
                <input
                  id="roadmap-risk"
                  type="checkbox"
                  name="risk"
                  value="1"
                  defaultChecked={filter.atRiskOnly}
                  className="h-4 w-4 rounded border-slate-400 text-accent-600"
                />
                <label htmlFor="roadmap-risk" className="text-sm">
                  At risk or late only
                </label>
              </div>
              <div className="flex items-center gap-3">
                <button
                  type="submit"
                  className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
                >
                  Show
                </button>
                {filtered ? (
                  <Link
                    href={roadmapHref({ project: null, status: null, atRiskOnly: false, zoom: filter.zoom })}
                    className="text-sm text-accent-700 hover:underline dark:text-accent-300"
                  >
                    Clear filters
                  </Link>
                ) : null}
              </div>
            </form>
            <ZoomSwitch filter={filter} />
          </div>
          <p className="text-sm text-slate-700 dark:text-slate-300" role="status" data-testid="roadmap-summary">
            {drawn} plan{drawn === 1 ? "" : "s"} in this window ({zoomHint[filter.zoom]}), {needsAttention} at risk or
            late.
            {layout.outside > 0 ? (
              <>
                {" "}
                <span data-testid="roadmap-outside">
                  {layout.outside} plan{layout.outside === 1 ? "" : "s"} outside this window
                </span>
                {filter.zoom === "weeks" ? (
                  <>
                    {" "}
                    (
                    <Link
                      href={roadmapHref({ ...filter, zoom: "quarters" })}
                      className="text-accent-700 underline dark:text-accent-300"
                    >
                      zoom out to quarters
                    </Link>
                    )
                  </>
                ) : null}
                .
              </>
            ) : null}
          </p>
          {drawn === 0 ? (
            <EmptyState title="No plan in this window matches">
              <p>
                {layout.matching > 0
                  ? "The plans that match fall outside this window: zoom out to quarters, or "
                  : "Try "}
                another project or status, or{" "}
                <Link href="/roadmap" className="text-accent-700 underline dark:text-accent-300">
                  show every plan
                </Link>
                .
              </p>
            </EmptyState>
          ) : (
            <>
              <section aria-labelledby="roadmap-chart-heading" className="space-y-2">
                <h2 id="roadmap-chart-heading" className="text-lg font-semibold">
                  Timeline
                </h2>
                <RoadmapChart layout={layout} bands={bands} />
              </section>
              <section aria-labelledby="roadmap-milestones-heading" className="space-y-2">
                <h2 id="roadmap-milestones-heading" className="text-lg font-semibold">
                  Milestones
                </h2>
                <RoadmapMilestones layout={layout} />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
