import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

// The app's own Prometheus metrics. One registry per process, kept on globalThis: Next.js bundles
// the server's entry points separately, and every copy of this module must count into the same
// series. Served at /metrics (app/metrics/route.ts) behind PHASEGATE_METRICS_TOKEN.

function create() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "phasegate-app" });
  collectDefaultMetrics({ register: registry, prefix: "phasegate_process_" });
  const on = { registers: [registry] };
  return {
    registry,
    httpDuration: new Histogram({
      name: "phasegate_http_request_duration_seconds",
      help: "HTTP requests by route (ids replaced by placeholders), method and status",
      labelNames: ["route", "method", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...on,
    }),
    decisions: new Counter({
      name: "phasegate_decisions_total",
      help: "Decisions recorded, by kind and by who made them (person, token or system)",
      labelNames: ["kind", "actor"] as const,
      ...on,
    }),
    automaticRollbacks: new Counter({
      name: "phasegate_automatic_rollbacks_total",
      help: "Plans rolled back by a breached automatic trigger",
      labelNames: ["mode"] as const,
      ...on,
    }),
    autoAdvances: new Counter({
      name: "phasegate_auto_advances_total",
      help: "Phases advanced by themselves once their gate held",
      ...on,
    }),
    triggerEvaluations: new Counter({
      name: "phasegate_trigger_evaluations_total",
      help: "Rollback trigger evaluations, by rule mode and the state found",
      labelNames: ["mode", "state"] as const,
      ...on,
    }),
    triggerLag: new Histogram({
      name: "phasegate_trigger_data_lag_seconds",
      help: "At each trigger evaluation, how far the newest sample of its metric lies behind now",
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      ...on,
    }),
    ingestedRows: new Counter({
      name: "phasegate_ingested_rows_total",
      help: "Samples stored, by origin (push, prometheus, demo)",
      labelNames: ["origin"] as const,
      ...on,
    }),
    refusedBatches: new Counter({
      name: "phasegate_refused_batches_total",
      help: "Sample batches refused whole, by reason",
      labelNames: ["reason"] as const,
      ...on,
    }),
    liveStreams: new Gauge({
      name: "phasegate_live_streams",
      help: "Open live-update streams (Server-Sent Events) in this process",
      ...on,
    }),
    dbConnections: new Gauge({
      name: "phasegate_db_connections",
      help: "This process's database connections by state (PostgreSQL: from pg_stat_activity at scrape time)",
      labelNames: ["state"] as const,
      ...on,
    }),
    dbPoolMax: new Gauge({ name: "phasegate_db_pool_max", help: "The connection pool's size", ...on }),
    dbErrors: new Counter({
      name: "phasegate_db_errors_total",
      help: "Requests or jobs that met an unavailable database",
      labelNames: ["where"] as const,
      ...on,
    }),
    webhookDeliveries: new Counter({
      name: "phasegate_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome",
      labelNames: ["outcome"] as const,
      ...on,
    }),
    jobRuns: new Counter({
      name: "phasegate_background_job_runs_total",
      help: "Background job runs by job and outcome",
      labelNames: ["job", "outcome"] as const,
      ...on,
    }),
  };
}

export type AppMetrics = ReturnType<typeof create>;

const holder = globalThis as typeof globalThis & { __phasegateMetrics?: AppMetrics };

export function appMetrics(): AppMetrics {
  return (holder.__phasegateMetrics ??= create());
}

const NAMED_AFTER = new Set([
  "projects",
  "plans",
  "flags",
  "items",
  "checklists",
  "incidents",
  "webhooks",
  "users",
  "tokens",
]);
const PAGES = new Set(["new", "import"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path as a route label of bounded cardinality: ids, numbers, tokens and slugs become
 * placeholders, query strings go, and only the first six segments count.
 */
export function routeLabel(url: string): string {
  const pathname = (url.split("?")[0] ?? "/").split("#")[0] ?? "/";
  if (pathname.startsWith("/_next/")) return "/_next/*";
  const segments = pathname.split("/").filter(Boolean).slice(0, 6);
  const out = segments.map((segment, i) => {
    const previous = segments[i - 1] ?? "";
    if (UUID.test(segment)) return ":id";
    if (/^\d+$/.test(segment)) return ":n";
    // What follows a collection is a slug, key or id, unless it is one of the collection's pages.
    if (NAMED_AFTER.has(previous) && !PAGES.has(segment)) return ":key";
    if (!/^[a-z0-9][a-z0-9._-]{0,40}$/i.test(segment)) return ":other";
    return segment.toLowerCase();
  });
  return `/${out.join("/")}`;
}
