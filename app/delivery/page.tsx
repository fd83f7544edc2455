import Link from "next/link";
import { DeliveryFigures } from "@/components/delivery/delivery-metrics";
import { inputClass } from "@/components/forms/fields";
import { EmptyState } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { readableProjectIds } from "@/lib/auth/actor";
import { requireUser } from "@/lib/auth/session";
import {
  DEFAULT_PERIOD_WEEKS,
  deliveryMetrics,
  deliveryPeriod,
  DORA_DIFFERENCES,
  type DeliveryMetricKey,
} from "@/lib/domain/delivery-metrics";
import { loadDeliveryHistory, loadDeliveryProjects } from "@/lib/queries/delivery";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Delivery metrics" };

const PERIODS = [4, 12, 26, 52] as const;
const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const metricName: Record<DeliveryMetricKey, string> = {
  releases: "Releases completed",
  leadTime: "Lead time",
  changeFailureRate: "Change failure rate",
  timeToRestore: "Time to restore",
  rollbackTargets: "Rollback timing against targets",
};

function parseParams(params: Record<string, string | string[] | undefined>) {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || null;
  const weeks = Number(one(params.weeks));
  return {
    project: one(params.project),
    weeks: (PERIODS as readonly number[]).includes(weeks) ? weeks : DEFAULT_PERIOD_WEEKS,
  };
}

export default async function DeliveryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const now = new Date();
  const filter = parseParams(await searchParams);
  const period = deliveryPeriod(now, filter.weeks);
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    const scope = readableProjectIds(user);
    const [projects, history] = await Promise.all([
      loadDeliveryProjects(db, scope),
      loadDeliveryHistory(db, period, scope),
    ]);
    return { projects, history };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { projects, history } = result.data;
  const project = projects.find((p) => p.slug === filter.project) ?? null;
  const metrics = deliveryMetrics(history, period, project?.id ?? null);
  const finished = metrics.changeFailureRate.finished;
  const incidents = metrics.rollbackTargets.incidents;
  const lastDay = new Date(period.to.getTime() - 1);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Delivery metrics</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          How often releases reach everyone, how long they take, how often they are rolled back and how fast a rollback
          restores the service, {project ? `for ${project.name}` : "for every project you can read"}: the {filter.weeks}{" "}
          weeks from {day.format(period.from)} to {day.format(lastDay)} (weeks start on Monday, UTC).
        </p>
      </div>
      {projects.length === 0 ? (
        <EmptyState title="No project to measure">
          <p>You are not a member of any project yet. Ask an admin to add you to the projects you follow.</p>
        </EmptyState>
      ) : (
        <>
          <form
            method="get"
            className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:flex-row sm:items-end dark:border-slate-800 dark:bg-slate-900"
            aria-label="Choose the project and the period"
          >
            <div className="space-y-1 sm:w-56">
              <label
                htmlFor="delivery-project"
                className="block text-xs font-medium text-slate-700 dark:text-slate-300"
              >
                Project
              </label>
              <select id="delivery-project" name="project" defaultValue={project?.slug ?? ""} className={inputClass}>
                <option value="">Whole portfolio</option>
                {projects.map((p) => (
                  <option key={p.slug} value={p.slug}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="space-y-1 sm:w-44">
              <label htmlFor="delivery-weeks" className="block text-xs font-medium text-slate-700 dark:text-slate-300">
                Period
              </label>
              <select id="delivery-weeks" name="weeks" defaultValue={String(filter.weeks)} className={inputClass}>
                {PERIODS.map((w) => (
                  <option key={w} value={w}>
                    Last {w} weeks
                  </option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Show
            </button>
          </form>
          {finished === 0 && incidents === 0 ? (
            <EmptyState title="Nothing finished in this period">
              <p>
                No rollout completed or was rolled back{project ? ` in ${project.name}` : ""} in the last {filter.weeks}{" "}
                weeks, so there is nothing to measure yet. Choose a longer period or{" "}
                <Link href="/delivery?weeks=52" className="text-accent-700 underline dark:text-accent-300">
                  the whole portfolio over a year
                </Link>
                ; the figures appear as soon as a release reaches 100% of traffic or is rolled back.
              </p>
            </EmptyState>
          ) : null}
          <DeliveryFigures metrics={metrics} />
          <details
            className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
            data-testid="dora-differences"
          >
            <summary className="cursor-pointer text-sm font-semibold">How this differs from DORA</summary>
            <dl className="mt-3 space-y-3 text-sm">
              {(Object.keys(DORA_DIFFERENCES) as DeliveryMetricKey[]).map((key) => (
                <div key={key}>
                  <dt className="font-medium">{metricName[key]}</dt>
                  <dd className="text-slate-700 dark:text-slate-300">{DORA_DIFFERENCES[key]}</dd>
                </div>
              ))}
            </dl>
          </details>
        </>
      )}
    </div>
  );
}
