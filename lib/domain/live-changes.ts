// What an open plan page does when the server says the plan changed. The event stream carries
// only what the page routes by (`liveChangeOf`); the page maps it to the queries it touches
// (`routeLiveChange`): samples redraw the charts of the KPIs they were for, and refresh the
// page's summaries (health, gate criteria, timeline) at most every SUMMARY_REFRESH_MS; anything
// else (a tick, a decision, an advance, a rollback) refreshes the page at once.

/** The part of a domain event a plan page routes by. */
export interface LiveChange {
  type: string;
  /** The KPI keys a batch of samples was for (absent: unknown, e.g. a payload cut for size). */
  metrics?: string[];
}

export interface LiveRoute {
  /** The KPI keys whose chart queries to invalidate, or "all". */
  kpis: string[] | "all";
  /** Re-render the page's server parts now, soon (throttled), or not at all. */
  page: "now" | "soon";
}

/** How often sample batches may refresh the page's summaries; the charts follow every batch. */
export const SUMMARY_REFRESH_MS = 15_000;

const KEY = /^[A-Za-z0-9_.:-]{1,200}$/;

/** The routable part of an event, safe to send to a browser. */
export function liveChangeOf(event: { type: string; metrics?: unknown }): LiveChange {
  const metrics = Array.isArray(event.metrics)
    ? event.metrics.filter((k): k is string => typeof k === "string" && KEY.test(k))
    : undefined;
  return event.type === "samples.ingested" && metrics ? { type: event.type, metrics } : { type: event.type };
}

export function routeLiveChange(change: LiveChange): LiveRoute {
  if (change.type === "samples.ingested") return { kpis: change.metrics ?? "all", page: "soon" };
  // Anything else re-renders the page at once, charts included (an advance moves their phase
  // marks, a rollback ends their range).
  return { kpis: [], page: "now" };
}
