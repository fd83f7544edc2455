import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { type Milestone, type MilestoneStatus } from "./milestones";
import { matchesStatus, parsePortfolioFilter, type PortfolioFilter, weekStart } from "./portfolio";

// The roadmap: every readable plan's phases on one shared time axis, grouped by project. The axis
// is a fixed window around today (weeks or quarters); a plan is drawn when anything of it (a phase,
// planned or actual, a decision, an incident) falls in the window, and counted as outside otherwise.
// Positions are percentages of the window, clipped to it; every instant is a UTC instant.

export type RoadmapZoom = "weeks" | "quarters";
export const ROADMAP_ZOOMS: readonly RoadmapZoom[] = ["weeks", "quarters"];

export interface RoadmapFilter extends PortfolioFilter {
  atRiskOnly: boolean;
  zoom: RoadmapZoom;
}

export function parseRoadmapFilter(params: Record<string, string | string[] | undefined>): RoadmapFilter {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || null;
  const zoom = one(params.zoom);
  const risk = one(params.risk);
  return {
    ...parsePortfolioFilter(params),
    atRiskOnly: risk === "1" || risk === "on" || risk === "yes",
    zoom: zoom === "quarters" ? "quarters" : "weeks",
  };
}

/** The roadmap's address with these filters; defaults are left out so addresses stay short. */
export function roadmapHref(filter: RoadmapFilter): string {
  const query = new URLSearchParams();
  if (filter.project) query.set("project", filter.project);
  if (filter.status) query.set("status", filter.status);
  if (filter.atRiskOnly) query.set("risk", "1");
  if (filter.zoom !== "weeks") query.set("zoom", filter.zoom);
  const text = query.toString();
  return text ? `/roadmap?${text}` : "/roadmap";
}

export interface AxisTick {
  at: number;
  label: string;
  /** A major tick (a quarter's first month) is drawn stronger. */
  major: boolean;
}

export interface RoadmapWindow {
  zoom: RoadmapZoom;
  from: Date;
  to: Date;
  ticks: AxisTick[];
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
export const WEEKS_BACK = 4;
export const WEEKS_AHEAD = 8;
export const QUARTERS_BACK = 1;
export const QUARTERS_AHEAD = 3;

const dayMonth = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const monthName = new Intl.DateTimeFormat("en-GB", { month: "short", timeZone: "UTC" });

/** The first instant (UTC) of the month `offset` months after the one holding `t`. */
function monthStart(t: number, offset: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

/**
 * The axis for a zoom: weeks shows the 4 weeks before the current one, the current one and the 8
 * after it, a tick each Monday; quarters shows the quarter before the current one, the current
 * one and the 3 after it, a tick each month, the quarters' first months labelled with the quarter.
 */
export function roadmapWindow(now: Date, zoom: RoadmapZoom): RoadmapWindow {
  if (zoom === "weeks") {
    const current = weekStart(now.getTime());
    const from = current - WEEKS_BACK * WEEK_MS;
    const to = current + (WEEKS_AHEAD + 1) * WEEK_MS;
    const ticks: AxisTick[] = [];
    for (let t = from; t < to; t += WEEK_MS) {
      ticks.push({ at: t, label: dayMonth.format(t), major: new Date(t).getUTCDate() <= 7 });
    }
    return { zoom, from: new Date(from), to: new Date(to), ticks };
  }
  const d = now;
  const quarterMonth = Math.floor(d.getUTCMonth() / 3) * 3;
  const current = Date.UTC(d.getUTCFullYear(), quarterMonth, 1);
  const from = monthStart(current, -3 * QUARTERS_BACK);
  const to = monthStart(current, 3 * (QUARTERS_AHEAD + 1));
  const ticks: AxisTick[] = [];
  for (let i = 0, t = from; t < to; i++, t = monthStart(from, i)) {
    const month = new Date(t).getUTCMonth();
    const major = month % 3 === 0;
    const label = major ? `Q${month / 3 + 1} ${new Date(t).getUTCFullYear()}` : monthName.format(t);
    ticks.push({ at: t, label, major });
  }
  return { zoom, from: new Date(from), to: new Date(to), ticks };
}

/** Where an instant sits on the window, in percent of its width, clipped to 0–100. */
export function positionOf(window: RoadmapWindow, at: Date | number): number {
  const t = typeof at === "number" ? at : at.getTime();
  const span = window.to.getTime() - window.from.getTime();
  return Math.min(100, Math.max(0, ((t - window.from.getTime()) / span) * 100));
}

export interface Span {
  /** Percent of the window, clipped. */
  left: number;
  width: number;
  /** The span runs on before the window's start or after its end. */
  clippedStart: boolean;
  clippedEnd: boolean;
}

/** A span on the window, or null when it lies wholly outside it (or ends before it starts). */
export function spanOn(window: RoadmapWindow, from: Date, to: Date): Span | null {
  const a = from.getTime();
  const b = to.getTime();
  if (b < a || b < window.from.getTime() || a > window.to.getTime()) return null;
  const left = positionOf(window, a);
  return {
    left,
    width: positionOf(window, b) - left,
    clippedStart: a < window.from.getTime(),
    clippedEnd: b > window.to.getTime(),
  };
}

export interface RoadmapPhase {
  id: string;
  name: string;
  status: PhaseStatus;
  trafficPercent: number;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
  actualStartAt: Date | null;
  actualEndAt: Date | null;
}

export type RoadmapMarkerKind = "go" | "no_go" | "rollback" | "override" | "incident";

export interface RoadmapMarker {
  id: string;
  at: Date;
  kind: RoadmapMarkerKind;
  label: string;
}

export interface RoadmapProject {
  id: string;
  slug: string;
  name: string;
}

export interface RoadmapPlan {
  id: string;
  name: string;
  releaseVersion: string;
  status: PlanStatus;
  project: RoadmapProject;
  milestone: Milestone | null;
  startedAt: Date | null;
  endedAt: Date | null;
  phases: readonly RoadmapPhase[];
  markers: readonly RoadmapMarker[];
}

/** What a plan needs attention for, in words; null when on track or finished. */
export interface Attention {
  status: Exclude<MilestoneStatus, "on_track">;
  milestone: string;
  dueAt: Date | null;
  reason: string;
}

const dueWords = (due: Date, now: Date) => {
  const days = Math.round((now.getTime() - due.getTime()) / DAY_MS);
  const ago = days <= 0 ? "today" : days === 1 ? "1 day ago" : `${days} days ago`;
  return `due ${dayMonth.format(due)}, ${ago}`;
};

/** Why a plan's next milestone is at risk or late, in a sentence; null when it is on track. */
export function attentionOf(plan: Pick<RoadmapPlan, "milestone">, now: Date): Attention | null {
  const m = plan.milestone;
  if (!m || m.status === "on_track") return null;
  const reason = m.status === "late" && m.dueAt ? `${m.reason} (${dueWords(m.dueAt, now)})` : m.reason;
  return { status: m.status, milestone: m.label, dueAt: m.dueAt, reason };
}

/** A running phase's actual bar runs to now; a phase that never started has none. */
function actualEnd(p: RoadmapPhase, now: Date): Date | null {
  if (!p.actualStartAt) return null;
  return p.actualEndAt ?? (p.status === "active" ? now : p.actualStartAt);
}

/** Every instant the plan has on a time axis: its start and end, its phases, its markers. */
export function planInstants(plan: RoadmapPlan, now: Date): number[] {
  const out = [plan.startedAt, plan.endedAt, ...plan.markers.map((m) => m.at)];
  for (const p of plan.phases) out.push(p.plannedStartAt, p.plannedEndAt, p.actualStartAt, actualEnd(p, now));
  return out.filter((d): d is Date => d !== null).map((d) => d.getTime());
}

/** Whether anything of the plan falls in the window (spans crossing it included). */
export function isInWindow(plan: RoadmapPlan, window: RoadmapWindow, now: Date): boolean {
  const instants = planInstants(plan, now);
  if (instants.length === 0) return false;
  return Math.min(...instants) <= window.to.getTime() && Math.max(...instants) >= window.from.getTime();
}

export interface RoadmapPhaseBar {
  id: string;
  name: string;
  status: PhaseStatus;
  trafficPercent: number;
  planned: Span | null;
  actual: Span | null;
  /** The phase in words, for a screen reader: planned and actual dates. */
  text: string;
}

export interface RoadmapMarkerMark extends RoadmapMarker {
  left: number;
}

export interface RoadmapRow {
  plan: RoadmapPlan;
  bars: RoadmapPhaseBar[];
  markers: RoadmapMarkerMark[];
  attention: Attention | null;
}

export interface RoadmapGroup {
  project: RoadmapProject;
  rows: RoadmapRow[];
}

export interface RoadmapLayout {
  window: RoadmapWindow;
  /** Where today's line is, in percent. */
  today: number;
  groups: RoadmapGroup[];
  /** Plans matching the filters with nothing in the window. */
  outside: number;
  /** Plans matching the filters, in the window or not. */
  matching: number;
}

const fullDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const dateWords = (d: Date) => fullDate.format(d);

function phaseText(p: RoadmapPhase, now: Date): string {
  const planned =
    p.plannedStartAt && p.plannedEndAt
      ? `planned ${dateWords(p.plannedStartAt)} to ${dateWords(p.plannedEndAt)}`
      : "no planned dates";
  const actual = p.actualStartAt
    ? `actual ${dateWords(p.actualStartAt)} to ${p.actualEndAt ? dateWords(p.actualEndAt) : p.status === "active" ? "now" : dateWords(actualEnd(p, now)!)}`
    : "not started";
  return `${p.name} (${p.trafficPercent}%): ${planned}; ${actual}`;
}

function rowOf(plan: RoadmapPlan, window: RoadmapWindow, now: Date): RoadmapRow {
  const bars = plan.phases.map((p) => {
    const end = actualEnd(p, now);
    return {
      id: p.id,
      name: p.name,
      status: p.status,
      trafficPercent: p.trafficPercent,
      planned: p.plannedStartAt && p.plannedEndAt ? spanOn(window, p.plannedStartAt, p.plannedEndAt) : null,
      actual: p.actualStartAt && end ? spanOn(window, p.actualStartAt, end) : null,
      text: phaseText(p, now),
    };
  });
  const markers = plan.markers
    .filter((m) => m.at >= window.from && m.at <= window.to)
    .map((m) => ({ ...m, left: positionOf(window, m.at) }));
  return { plan, bars, markers, attention: attentionOf(plan, now) };
}

/** Plans that need attention first, then those under way, then by name. */
const rowOrder = (a: RoadmapRow, b: RoadmapRow) =>
  Number(b.attention !== null) - Number(a.attention !== null) ||
  (a.plan.startedAt?.getTime() ?? Infinity) - (b.plan.startedAt?.getTime() ?? Infinity) ||
  a.plan.name.localeCompare(b.plan.name);

/** The roadmap: plans matching the filters, those in the window laid out and grouped by project. */
export function layoutRoadmap(plans: readonly RoadmapPlan[], filter: RoadmapFilter, now: Date): RoadmapLayout {
  const window = roadmapWindow(now, filter.zoom);
  const matching = plans.filter(
    (p) =>
      (!filter.project || p.project.slug === filter.project) &&
      matchesStatus(filter.status, p.status) &&
      (!filter.atRiskOnly || attentionOf(p, now) !== null),
  );
  const shown = matching.filter((p) => isInWindow(p, window, now));
  const byProject = new Map<string, RoadmapGroup>();
  for (const plan of shown) {
    const group = byProject.get(plan.project.slug) ?? { project: plan.project, rows: [] };
    group.rows.push(rowOf(plan, window, now));
    byProject.set(plan.project.slug, group);
  }
  const groups = [...byProject.values()]
    .map((g) => ({ ...g, rows: g.rows.sort(rowOrder) }))
    .sort((a, b) => a.project.name.localeCompare(b.project.name));
  return {
    window,
    today: positionOf(window, now),
    groups,
    outside: matching.length - shown.length,
    matching: matching.length,
  };
}

export interface Freeze {
  name: string;
  startsAt: Date;
  endsAt: Date;
  /** Null for a freeze over every project. */
  projectId: string | null;
}

export interface FreezeBand extends Span {
  name: string;
  projectId: string | null;
  text: string;
}

/** The freezes that touch the window, as bands across the axis, earliest first. */
export function freezeBands(freezes: readonly Freeze[], window: RoadmapWindow): FreezeBand[] {
  return freezes
    .flatMap((f) => {
      const span = spanOn(window, f.startsAt, f.endsAt);
      return span
        ? [
            {
              ...span,
              name: f.name,
              projectId: f.projectId,
              text: `${f.name}: ${dateWords(f.startsAt)} to ${dateWords(f.endsAt)}`,
            },
          ]
        : [];
    })
    .sort((a, b) => a.left - b.left);
}
