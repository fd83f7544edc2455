import type { ItemState, PlanStatus, ProjectRole } from "@/db/schema/enums";
import { describeRoles } from "./gate-summary";
import { type IncidentInstants, type RollbackTargets, incidentTiming } from "./incident-timing";
import { type Milestone, formatPercent, milestoneStatusLabel } from "./milestones";

// The weekly digest's content: the facts it is made from, and the document they become (sections
// of lines of plain words, emphasis and links), whatever it is then written out as (digest.ts).

export const DIGEST_WINDOW_DAYS = 7;
export const UPCOMING_DAYS = 14;
const DAY_MS = 86_400_000;

export interface DigestPlanRef {
  id: string;
  name: string;
  releaseVersion: string;
  project: { slug: string; name: string };
}

/** A plan not yet finished, with where it stands and its next milestone. */
export interface DigestPlan {
  plan: DigestPlanRef;
  status: PlanStatus;
  phase: string | null;
  trafficPercent: number;
  milestone: Milestone | null;
}

export type MoveKind = "started" | "advanced" | "completed" | "rolled_back";

export interface DigestMove {
  plan: DigestPlanRef;
  kind: MoveKind;
  at: Date;
  fromPhase: string | null;
  toPhase: string | null;
  actor: string;
}

export interface DigestOpenItem {
  list: string;
  text: string;
  state: Extract<ItemState, "open" | "blocked">;
  reason: string | null;
  assigneeRole: ProjectRole | null;
  assigneeName: string | null;
}

/** A running plan whose active phase's gate does not hold yet. */
export interface DigestBlocked {
  plan: DigestPlanRef;
  phase: string;
  /** The gate's unmet conditions, in words (lib/domain/gate-summary.ts). */
  conditions: string[];
  /** Required go/no-go items not done, with whom they wait on. */
  openItems: DigestOpenItem[];
}

export interface DigestIncident {
  plan: DigestPlanRef;
  title: string;
  status: "open" | "mitigated" | "resolved";
  instants: IncidentInstants;
  targets: RollbackTargets;
}

export interface DigestFacts {
  plans: DigestPlan[];
  moves: DigestMove[];
  blocked: DigestBlocked[];
  incidents: DigestIncident[];
}

export type DigestScope = { kind: "portfolio" } | { kind: "project"; slug: string; name: string };

export interface DigestOptions {
  now: Date;
  scope: DigestScope;
  /** Where the app is served ("https://phasegate.example.com", or "" for links within it): plans become links. None: plain names. */
  baseUrl?: string | null;
  /** At most this many items per section, then how many more there are (a chat message has a size limit). */
  limit?: number;
}

// ---- The document ---------------------------------------------------------------------------

/** A run of text: plain words (escaped on output), emphasis, or a link to a page of the app. */
export type Inline = string | { strong: string } | { link: string; text: string };
export type Line = Inline[];
export interface DigestItem {
  line: Line;
  details: Line[];
}
export interface DigestSection {
  id: "moved" | "at-risk" | "blocked" | "incidents" | "upcoming";
  heading: string;
  /** What the section says when it has no items. */
  empty: string;
  items: DigestItem[];
}
export interface DigestDocument {
  title: string;
  period: string;
  sections: DigestSection[];
}

const dateWords = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const dayWords = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });

/** "Wed 2 Dec, 13:49 UTC". */
export const formatInstant = (at: Date) => `${dateWords.format(at)} UTC`;

const planLabel = (ref: DigestPlanRef, scope: DigestScope) =>
  `${scope.kind === "portfolio" ? `${ref.project.name} · ` : ""}${ref.name} ${ref.releaseVersion}`;

function planInline(ref: DigestPlanRef, o: DigestOptions): Inline {
  const text = planLabel(ref, o.scope);
  return o.baseUrl != null
    ? { link: `${o.baseUrl.replace(/\/+$/, "")}/plans/${encodeURIComponent(ref.id)}`, text }
    : { strong: text };
}

const moveWords: Record<MoveKind, (m: DigestMove) => string> = {
  started: (m) => `started${m.toPhase ? `: ${m.toPhase} is live` : ""}`,
  advanced: (m) => `advanced ${m.fromPhase ?? "its phase"} → ${m.toPhase ?? "the next phase"}`,
  completed: () => "completed",
  rolled_back: (m) => `rolled back${m.fromPhase ? ` from ${m.fromPhase}` : ""}`,
};

/** Who a required item waits on: the person assigned, else the role, else nobody in particular. */
export function waitingOn(item: Pick<DigestOpenItem, "assigneeRole" | "assigneeName">): string {
  if (item.assigneeName) return item.assigneeName;
  if (item.assigneeRole) return describeRoles([item.assigneeRole]);
  return "unassigned";
}

const byTime =
  <T>(at: (t: T) => number) =>
  (a: T, b: T) =>
    at(a) - at(b);

/** The digest as a document: the same content whatever it is written out as. */
export function digestDocument(facts: DigestFacts, o: DigestOptions): DigestDocument {
  const now = o.now.getTime();
  const since = new Date(now - DIGEST_WINDOW_DAYS * DAY_MS);
  const plan = (ref: DigestPlanRef) => planInline(ref, o);

  const moved = facts.moves
    .filter((m) => m.at.getTime() >= since.getTime() && m.at.getTime() <= now)
    .sort(byTime((m) => m.at.getTime()))
    .map((m): DigestItem => ({
      line: [plan(m.plan), ` ${moveWords[m.kind](m)}`],
      details: [[`${formatInstant(m.at)}, by ${m.actor}`]],
    }));

  const risky = facts.plans
    .filter((p) => p.milestone && p.milestone.status !== "on_track")
    .sort(
      (a, b) =>
        (a.milestone!.status === "late" ? 0 : 1) - (b.milestone!.status === "late" ? 0 : 1) ||
        (a.milestone!.dueAt?.getTime() ?? Infinity) - (b.milestone!.dueAt?.getTime() ?? Infinity),
    )
    .map((p): DigestItem => {
      const m = p.milestone!;
      return {
        line: [plan(p.plan), " — ", { strong: milestoneStatusLabel[m.status] }, `: ${m.reason}`],
        details: [[`Next: ${m.label}${m.dueAt ? `, due ${formatInstant(m.dueAt)}` : ""}`]],
      };
    });

  const blocked = facts.blocked.map((b): DigestItem => {
    const waits = new Map<string, number>();
    for (const i of b.openItems) waits.set(waitingOn(i), (waits.get(waitingOn(i)) ?? 0) + 1);
    const on = [...waits].map(([who, n]) => `${who} (${n})`).join(", ");
    return {
      line: [plan(b.plan), ` in ${b.phase}`, ...(on ? [" — waiting on ", { strong: on }] : [])],
      details: [
        ...b.conditions.map((c): Line => [c]),
        ...b.openItems.map((i): Line => [
          `${i.state === "blocked" ? "Blocked" : "Open"}: ${i.list} — ${i.text} (${waitingOn(i)})${i.state === "blocked" && i.reason ? `: ${i.reason}` : ""}`,
        ]),
      ],
    };
  });

  const incidents = facts.incidents
    .filter((i) => i.status !== "resolved" || i.instants.detectedAt.getTime() >= since.getTime())
    .sort(byTime((i) => i.instants.detectedAt.getTime()))
    .map((i): DigestItem => {
      const timing = incidentTiming(i.instants, i.targets, o.now);
      const missed = timing.late.length ? `missed ${timing.late.join(", ")}` : "within targets";
      return {
        line: [plan(i.plan), `: ${i.title} — `, { strong: i.status }, `, ${missed}`],
        details: [[`Detected ${formatInstant(i.instants.detectedAt)}`], [timing.sentence]],
      };
    });

  const horizon = now + UPCOMING_DAYS * DAY_MS;
  const upcoming = facts.plans
    .filter((p) => p.milestone?.dueAt && p.milestone.dueAt.getTime() >= now && p.milestone.dueAt.getTime() <= horizon)
    .sort(byTime((p) => p.milestone!.dueAt!.getTime()))
    .map((p): DigestItem => ({
      line: [{ strong: formatInstant(p.milestone!.dueAt!) }, " ", plan(p.plan), `: ${p.milestone!.label}`],
      details: [[`${milestoneStatusLabel[p.milestone!.status]}, ${formatPercent(p.trafficPercent)} of traffic now`]],
    }));

  const capped = (items: DigestItem[]): DigestItem[] =>
    o.limit === undefined || items.length <= o.limit
      ? items
      : [...items.slice(0, o.limit), { line: [`…and ${items.length - o.limit} more`], details: [] }];
  const title = o.scope.kind === "portfolio" ? "Weekly digest: portfolio" : `Weekly digest: ${o.scope.name}`;
  return {
    title,
    period: `${dayWords.format(since)} – ${dayWords.format(o.now)}`,
    sections: [
      {
        id: "moved",
        heading: "What moved",
        empty: "No plan started, advanced, completed or rolled back.",
        items: capped(moved),
      },
      { id: "at-risk", heading: "At risk", empty: "Every running plan is on track.", items: capped(risky) },
      { id: "blocked", heading: "Blocked", empty: "No gate is waiting on anyone.", items: capped(blocked) },
      { id: "incidents", heading: "Incidents", empty: "No incidents.", items: capped(incidents) },
      {
        id: "upcoming",
        heading: `Next ${UPCOMING_DAYS} days`,
        empty: "No milestone is due.",
        items: capped(upcoming),
      },
    ],
  };
}

/** The audit actions a digest's "what moved" is read from. */
export const MOVE_ACTIONS = ["plan.start", "decision.go", "decision.rollback"] as const;

const field = (value: unknown, key: string): string | null => {
  const v = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : null;
  return typeof v === "string" && v.trim() ? v : null;
};

/** What an audit event of MOVE_ACTIONS says moved, from its before and after snapshots. */
export function moveOf(
  action: string,
  before: unknown,
  after: unknown,
): Omit<DigestMove, "plan" | "at" | "actor"> | null {
  const fromPhase = field(before, "phase");
  const toPhase = field(after, "phase");
  switch (action) {
    case "plan.start":
      return { kind: "started", fromPhase: null, toPhase };
    case "decision.go":
      return field(after, "status") === "completed"
        ? { kind: "completed", fromPhase, toPhase: null }
        : { kind: "advanced", fromPhase, toPhase };
    case "decision.rollback":
      return { kind: "rolled_back", fromPhase, toPhase: null };
    default:
      return null;
  }
}
