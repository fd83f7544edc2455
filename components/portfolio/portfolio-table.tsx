import { TableHead } from "@/components/ui/table";
import Link from "next/link";
import { MilestoneBadge, HealthBadge, PlanStatusBadge } from "@/components/ui/status-badges";
import { RelativeTime } from "@/components/ui/relative-time";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatPercent } from "@/lib/domain/milestones";
import { strategyLabel } from "@/lib/domain/labels";
import { isLive } from "@/lib/domain/rollout";
import type { PortfolioRow } from "@/lib/queries/portfolio";

function Milestone({ row, now }: { row: PortfolioRow; now: Date }) {
  if (!row.milestone) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  const m = row.milestone;
  return (
    <div className="space-y-1">
      <div className="text-sm">{m.label}</div>
      <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
        <MilestoneBadge status={m.status} reason={m.reason} />
        {m.dueAt ? <RelativeTime date={m.dueAt} now={now} /> : null}
      </div>
    </div>
  );
}

/** What stands in the way of a release, in words: the first two, the rest behind a disclosure. */
function Blockers({ row }: { row: PortfolioRow }) {
  if (row.blockers.length === 0) {
    const running = row.status === "in_progress" || row.status === "paused";
    return (
      <span className="text-sm text-slate-500 dark:text-slate-400">{running ? "Nothing blocks the next go" : "—"}</span>
    );
  }
  const [first, rest] = [row.blockers.slice(0, 2), row.blockers.slice(2)];
  return (
    <div className="max-w-xs text-sm" data-testid="plan-blockers">
      <ul className="list-disc space-y-0.5 pl-4">
        {first.map((b) => (
          <li key={b} className={b.includes("incident") ? "text-red-700 dark:text-red-300" : ""}>
            {b}
          </li>
        ))}
      </ul>
      {rest.length > 0 ? (
        <details className="mt-1">
          <summary className="cursor-pointer text-xs text-slate-600 dark:text-slate-400">{rest.length} more</summary>
          <ul className="mt-1 list-disc space-y-0.5 pl-4">
            {rest.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function Traffic({ value }: { value: number }) {
  return (
    <div className="w-28 space-y-1">
      <div className="text-sm tabular-nums">{formatPercent(value)}</div>
      <ProgressBar value={value / 100} label={`Traffic on the new release: ${formatPercent(value)}`} />
    </div>
  );
}

export function PortfolioTable({ rows, now }: { rows: PortfolioRow[]; now: Date }) {
  return (
    <>
      {/* Laptop and wider: one table row per release. */}
      <div className="hidden overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm md:block dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Every release with its phase, traffic, health and next milestone</caption>
          <TableHead
            look="banded"
            cell="px-4 py-3 font-medium"
            columns={["Release", "Status", "Phase", "Traffic", "Health", "Next milestone", "Open blockers"]}
          />
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((row) => (
              <tr
                key={row.planId}
                data-testid="plan-row"
                className="align-top hover:bg-slate-50 dark:hover:bg-slate-800/50"
              >
                <td className="px-4 py-3">
                  <div className="text-xs text-slate-600 dark:text-slate-400">{row.project.name}</div>
                  <Link
                    href={`/plans/${row.planId}`}
                    className="font-medium text-slate-900 hover:text-accent-700 hover:underline dark:text-slate-100 dark:hover:text-accent-300"
                  >
                    {row.name}{" "}
                    <span className="font-normal text-slate-500 dark:text-slate-400">v{row.releaseVersion}</span>
                  </Link>
                  <div className="text-xs text-slate-600 dark:text-slate-400">
                    {strategyLabel[row.strategy]}
                    {row.owner ? ` · ${row.owner}` : ""}
                  </div>
                </td>
                <td className="px-4 py-3">
                  <div className="flex flex-col items-start gap-1">
                    <PlanStatusBadge status={row.status} />
                    {row.openIncidents > 0 ? (
                      <span className="text-xs text-red-700 dark:text-red-300">
                        {row.openIncidents} open incident{row.openIncidents === 1 ? "" : "s"}
                      </span>
                    ) : null}
                  </div>
                </td>
                <td className="px-4 py-3">
                  {row.phase ? (
                    <>
                      <div>{row.phase.name}</div>
                      <div className="text-xs text-slate-600 dark:text-slate-400">
                        Phase {row.phase.position} of {row.phase.count}
                      </div>
                    </>
                  ) : (
                    <span className="text-slate-500 dark:text-slate-400">Not started</span>
                  )}
                </td>
                <td className="px-4 py-3">
                  <Traffic value={row.trafficPercent} />
                </td>
                <td className="px-4 py-3">
                  <HealthBadge health={row.health} live={isLive(row.status)} />
                </td>
                <td className="px-4 py-3">
                  <Milestone row={row} now={now} />
                </td>
                <td className="px-4 py-3">
                  <Blockers row={row} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {/* Phones: one card per release. */}
      <ul className="space-y-3 md:hidden" aria-label="Releases">
        {rows.map((row) => (
          <li
            key={row.planId}
            data-testid="plan-card"
            className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="flex items-start justify-between gap-3">
              <div>
                <div className="text-xs text-slate-600 dark:text-slate-400">{row.project.name}</div>
                <Link href={`/plans/${row.planId}`} className="font-medium hover:underline">
                  {row.name}{" "}
                  <span className="font-normal text-slate-500 dark:text-slate-400">v{row.releaseVersion}</span>
                </Link>
              </div>
              <PlanStatusBadge status={row.status} />
            </div>
            <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
              <div>
                <dt className="text-xs text-slate-600 dark:text-slate-400">Phase</dt>
                <dd>{row.phase ? `${row.phase.name} (${row.phase.position}/${row.phase.count})` : "Not started"}</dd>
              </div>
              <div>
                <dt className="text-xs text-slate-600 dark:text-slate-400">Health</dt>
                <dd>
                  <HealthBadge health={row.health} live={isLive(row.status)} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-slate-600 dark:text-slate-400">Traffic</dt>
                <dd>
                  <Traffic value={row.trafficPercent} />
                </dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-slate-600 dark:text-slate-400">Next milestone</dt>
                <dd>
                  <Milestone row={row} now={now} />
                </dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-slate-600 dark:text-slate-400">Open blockers</dt>
                <dd>
                  <Blockers row={row} />
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
