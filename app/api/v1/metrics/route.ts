// POST /api/v1/metrics – push a batch of KPI samples, JSON or Prometheus text; all or nothing (metrics:write).
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { apiRoute } from "@/lib/api/route";
import { readJson } from "@/lib/api/read-json";
import { rowsFromExposition, type RawSample } from "@/lib/domain/ingest";
import { AppError } from "@/lib/errors";
import { BODY_LIMITS, readBodyText } from "@/lib/http/body";
import { ingestSamples } from "@/lib/services/metrics";
import { metricsJsonBodySchema } from "@/lib/validation/metrics";
import { parseInput } from "@/lib/validation/parse";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ scope: "metrics:write" }, async ({ db, actor, requestId, request }) => {
  const url = new URL(request.url);
  const type = request.headers.get("content-type") ?? "";
  let planId: string;
  let rows: RawSample[];
  if (type.includes("text/plain") || type.includes("openmetrics")) {
    planId = url.searchParams.get("plan") ?? "";
    const text = await readBodyText(request, BODY_LIMITS.metrics);
    try {
      rows = rowsFromExposition(parsePrometheusTextFormat(text.endsWith("\n") ? text : `${text}\n`));
    } catch (error) {
      throw new AppError(
        "bad_request:validation",
        `The body is not Prometheus text exposition format: ${(error as Error).message}`,
      );
    }
  } else {
    const body = parseInput(metricsJsonBodySchema, await readJson(request, BODY_LIMITS.metrics));
    planId = body.plan ?? url.searchParams.get("plan") ?? "";
    rows = body.samples as RawSample[];
  }
  return ingestSamples({ db, actor, requestId }, planId, rows);
});
