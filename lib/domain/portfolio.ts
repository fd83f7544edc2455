import type { PlanStatus } from "@/db/schema/enums";
import { planStatusLabel } from "./labels";

// The executive portfolio's pure parts: filtering by project and status, and the releases-over-
// time series (per week: rollouts started, completed and rolled back).

export const STATUS_FILTERS = [
  "live",
  "upcoming",
  "finished",
  "in_progress",
  "paused",
  "scheduled",
  "draft",
  "completed",
  "rolled_back",
  "cancelled",
] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** The status filter's choices as the portfolio and the roadmap offer them: every status first, then the groups. */
export const STATUS_FILTER_OPTIONS: { value: StatusFilter | ""; label: string }[] = [
  { value: "", label: "Every status" },
  { value: "live", label: "Rolling out (in progress or paused)" },
  { value: "upcoming", label: "Upcoming (draft or scheduled)" },
  { value: "finished", label: "Finished" },
  ...(["in_progress", "paused", "scheduled", "draft", "completed", "rolled_back", "cancelled"] as const).map((s) => ({
    value: s,
    label: planStatusLabel[s],
  })),
];

const groups: Record<"live" | "upcoming" | "finished", readonly PlanStatus[]> = {
  live: ["in_progress", "paused"],
  upcoming: ["draft", "scheduled"],
  finished: ["completed", "rolled_back", "cancelled"],
};

export interface PortfolioFilter {
  project: string | null;
  status: StatusFilter | null;
}

/** Reads ?project=&status= leniently: unknown values mean "all", never an error page. */
export function parsePortfolioFilter(params: Record<string, string | string[] | undefined>): PortfolioFilter {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || null;
  const status = one(params.status);
  return {
    project: one(params.project),
    status: status && (STATUS_FILTERS as readonly string[]).includes(status) ? (status as StatusFilter) : null,
  };
}

export function matchesStatus(filter: StatusFilter | null, status: PlanStatus): boolean {
  if (!filter) return true;
  if (filter === "live" || filter === "upcoming" || filter === "finished") return groups[filter].includes(status);
  return filter === status;
}

export function filterPortfolio<T extends { status: PlanStatus; project: { slug: string } }>(
  rows: readonly T[],
  filter: PortfolioFilter,
): T[] {
  return rows.filter(
    (r) => (!filter.project || r.project.slug === filter.project) && matchesStatus(filter.status, r.status),
  );
}

export interface ReleaseWeek {
  /** Monday 00:00 UTC of the week, epoch ms. */
  week: number;
  started: number;
  completed: number;
  rolledBack: number;
}

const DAY = 86_400_000;

/** Monday 00:00 UTC of the week holding `t`. */
export function weekStart(t: number): number {
  const day = Math.floor(t / DAY);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
  return (day - ((day + 3) % 7)) * DAY;
}

/** The last `weeks` weeks up to `now`, oldest first, with what started and ended in each. */
export function releasesOverTime(
  plans: readonly { status: PlanStatus; startedAt: Date | null; endedAt: Date | null }[],
  now: Date,
  weeks = 12,
): ReleaseWeek[] {
  const last = weekStart(now.getTime());
  const series: ReleaseWeek[] = Array.from({ length: weeks }, (_, i) => ({
    week: last - (weeks - 1 - i) * 7 * DAY,
    started: 0,
    completed: 0,
    rolledBack: 0,
  }));
  const at = (t: Date | null) => (t ? series.find((w) => w.week === weekStart(t.getTime())) : undefined);
  for (const p of plans) {
    const started = at(p.startedAt);
    if (started) started.started++;
    const ended = at(p.endedAt);
    if (ended && p.status === "completed") ended.completed++;
    if (ended && p.status === "rolled_back") ended.rolledBack++;
  }
  return series;
}

/** Releases shown per page of the portfolio: the page stays light however many plans there are. */
export const PORTFOLIO_PAGE_SIZE = 25;
