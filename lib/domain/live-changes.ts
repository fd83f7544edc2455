// What an open plan page does when the server says the plan changed. The event stream carries
// only what the page routes by (`liveChangeOf`); the page maps it to the queries it touches
// (`routeLiveChange`), each of which re-reads one part of the page:
// - samples redraw the charts of the KPIs they were for at once, and re-read the overview (health,
//   gate criteria, next milestone) and the timeline's phase health at most every SUMMARY_REFRESH_MS;
// - a tick, a sign-off or a checklist edit re-reads that checklist and the overview's gate;
// - anything else (a decision, an advance, a rollback, an incident, an edit, an approval, which
//   moves the plan's version the page's controls carry) re-renders the page.

/** The part of a domain event a plan page routes by. */
export interface LiveChange {
  type: string;
  /** The KPI keys a batch of samples was for (absent: unknown, e.g. a payload cut for size). */
  metrics?: string[];
  /** The checklist a checklist change was to (absent: unknown). */
  checklistId?: string;
}

/** When a part of the page is re-read: within a second, or at the summaries' slower pace. */
export type Urgency = "now" | "soon";

export interface LiveRoute {
  /** The KPI keys whose charts to redraw (within a second), or "all". */
  kpis: string[] | "all";
  /** The checklists to re-read (within a second), or "all". */
  checklists: string[] | "all";
  /** Re-read the overview: the phase in focus, its gate and criteria, the next milestone. */
  overview: Urgency | null;
  /** Re-read the timeline (its phases' health). */
  timeline: Urgency | null;
  /** Re-render the page's server parts (which brings every part up to date). */
  page: boolean;
}

/** How often sample batches may refresh the page's summaries; the charts follow every batch. */
export const SUMMARY_REFRESH_MS = 15_000;

const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CHECKLIST_CHANGES = new Set([
  "checklist_item.updated",
  "checklist_item.added",
  "checklist_item.edited",
  "checklist_item.moved",
  "checklist.signed",
]);

/** The routable part of an event, safe to send to a browser. */
export function liveChangeOf(event: { type: string; metrics?: unknown; checklistId?: unknown }): LiveChange {
  if (event.type === "samples.ingested" && Array.isArray(event.metrics)) {
    const metrics = event.metrics.filter((k): k is string => typeof k === "string" && KEY.test(k));
    return { type: event.type, metrics };
  }
  if (CHECKLIST_CHANGES.has(event.type) && typeof event.checklistId === "string" && UUID.test(event.checklistId))
    return { type: event.type, checklistId: event.checklistId };
  return { type: event.type };
}

const NOTHING: LiveRoute = { kpis: [], checklists: [], overview: null, timeline: null, page: false };

export function routeLiveChange(change: LiveChange): LiveRoute {
  if (change.type === "samples.ingested")
    return { ...NOTHING, kpis: change.metrics ?? "all", overview: "soon", timeline: "soon" };
  if (CHECKLIST_CHANGES.has(change.type))
    return { ...NOTHING, checklists: change.checklistId ? [change.checklistId] : "all", overview: "now" };
  // Anything else re-renders the page at once, every part included (an advance moves the charts'
  // phase marks and the checklists' history, a rollback ends the charts' range).
  return { ...NOTHING, page: true };
}
