// GET /metrics – the app's Prometheus metrics (this process), for a scraper holding
// PHASEGATE_METRICS_TOKEN as a bearer token. Off (404) until the token is set.
import { setting } from "@/lib/config";
import { getDb } from "@/db/client";
import { appMetrics } from "@/lib/observability/metrics";
import { metricsTokenMatches, refreshScrapeGauges } from "@/lib/observability/scrape";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const expected = setting("PHASEGATE_METRICS_TOKEN");
  const headers = { "cache-control": "no-store" };
  if (!expected)
    return Response.json(
      {
        error: {
          code: "not_found:entity",
          message: "Metrics are off: set PHASEGATE_METRICS_TOKEN and scrape with it as a bearer token",
        },
      },
      { status: 404, headers },
    );
  if (!metricsTokenMatches(expected, request.headers.get("authorization"))) {
    return Response.json(
      { error: { code: "unauthorized:token", message: "Send the metrics token as Authorization: Bearer …" } },
      { status: 401, headers: { ...headers, "www-authenticate": 'Bearer realm="phasegate-metrics"' } },
    );
  }
  const metrics = appMetrics();
  // Gauges read at scrape time; a database that does not answer leaves them as they were.
  await refreshScrapeGauges(metrics, await getDb().catch(() => null));
  return new Response(await metrics.registry.metrics(), {
    headers: { ...headers, "content-type": metrics.registry.contentType },
  });
}
