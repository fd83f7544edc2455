import type { EvaluationOutcome } from "@/lib/ofrep/handler";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

// The edge evaluator's Prometheus metrics, in a registry of its own (never the app's): an edge
// is a separate process with its own /metrics. Gauges that describe state rather than events
// (snapshot age, database state) are read when scraped, through `observe`.

export interface EdgeState {
  /** Each project's held snapshot: when its flags were last loaded. */
  snapshots: { projectId: string; loadedAt: number }[];
  databaseUp: boolean;
  listening: boolean;
}

export interface EdgeMetricsOptions {
  /** Process metrics (CPU, memory, event loop); off for edges started inside a test process. */
  processMetrics?: boolean;
  /** Read at scrape time. */
  observe?: () => EdgeState;
}

export function createEdgeMetrics(options: EdgeMetricsOptions = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "phasegate-edge" });
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: "phasegate_edge_process_" });
  const on = { registers: [registry] };
  let observe = options.observe;
  const state = () => observe?.() ?? null;
  const metrics = {
    registry,
    /** Sets what the state gauges read at scrape time. */
    observeWith(fn: () => EdgeState) {
      observe = fn;
    },
    httpDuration: new Histogram({
      name: "phasegate_edge_http_request_duration_seconds",
      help: "Edge HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      ...on,
    }),
    evaluations: new Counter({
      name: "phasegate_edge_evaluations_total",
      help: "Flag evaluations answered, by OFREP reason and error code (reason ERROR when an error code is set)",
      labelNames: ["reason", "error_code"] as const,
      ...on,
    }),
    rateLimited: new Counter({
      name: "phasegate_edge_rate_limited_total",
      help: "Evaluation requests refused with 429 (per-token rate limit)",
      ...on,
    }),
    reloads: new Counter({
      name: "phasegate_edge_snapshot_reloads_total",
      help: "Loads of a project's flags from the database, by outcome (ok, or failed: the last snapshot kept serving)",
      labelNames: ["outcome"] as const,
      ...on,
    }),
    databaseTransitions: new Counter({
      name: "phasegate_edge_database_transitions_total",
      help: "Changes of the database's state as the edge sees it, by the state entered",
      labelNames: ["state"] as const,
      ...on,
    }),
  };
  new Gauge({
    name: "phasegate_edge_snapshot_age_seconds",
    help: "Seconds since each project's flags were last loaded from the database",
    labelNames: ["project_id"] as const,
    ...on,
    collect() {
      this.reset();
      // The state first, then the clock: an age is never read as shorter than it is.
      const snapshots = state()?.snapshots ?? [];
      const now = Date.now();
      for (const s of snapshots) this.set({ project_id: s.projectId }, (now - s.loadedAt) / 1000);
    },
  });
  new Gauge({
    name: "phasegate_edge_snapshot_max_age_seconds",
    help: "Seconds since the oldest held snapshot was loaded (0 when none is held): the staleness to alert on",
    ...on,
    collect() {
      const snapshots = state()?.snapshots ?? [];
      const oldest = snapshots.reduce((min, s) => Math.min(min, s.loadedAt), Date.now());
      this.set((Date.now() - oldest) / 1000);
    },
  });
  new Gauge({
    name: "phasegate_edge_snapshot_projects",
    help: "Projects whose flags the edge holds in memory",
    ...on,
    collect() {
      this.set(state()?.snapshots.length ?? 0);
    },
  });
  new Gauge({
    name: "phasegate_edge_database_up",
    help: "1 while the database answers the edge's checks, 0 while it is unreachable (the edge then serves its snapshots)",
    ...on,
    collect() {
      this.set(state()?.databaseUp ? 1 : 0);
    },
  });
  new Gauge({
    name: "phasegate_edge_listening",
    help: "1 while change notifications (LISTEN) are known to arrive, else 0 (the edge then reloads on a timer)",
    ...on,
    collect() {
      this.set(state()?.listening ? 1 : 0);
    },
  });
  return metrics;
}

export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;

/** The edge's routes as labels of bounded cardinality. */
export function edgeRouteLabel(path: string): string {
  if (path === "/health" || path === "/metrics") return path;
  if (path === "/ofrep/v1/evaluate/flags" || path === "/ofrep/v1/evaluate/flags/") return "/ofrep/v1/evaluate/flags";
  if (path.startsWith("/ofrep/v1/evaluate/flags/")) return "/ofrep/v1/evaluate/flags/:key";
  if (path === "/ofrep/v1/event-stream") return path;
  return "other";
}

/** Counts an answer's evaluations by reason and error code (one increment per distinct pair). */
export function countEvaluations(metrics: EdgeMetrics, outcomes: readonly EvaluationOutcome[] | undefined): void {
  if (!outcomes?.length) return;
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = "errorCode" in o ? `ERROR ${o.errorCode}` : `${o.reason} `;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counts) {
    const [reason, errorCode] = key.split(" ");
    metrics.evaluations.inc({ reason: reason!, error_code: errorCode! }, n);
  }
}
