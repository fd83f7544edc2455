// POST /api/v1/metrics – push a batch of KPI samples, JSON or Prometheus text; all or nothing (metrics:write).
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { apiRoute } from "@/lib/api/route";
import { readJson } from "@/lib/api/read-json";
import { rowsFromExposition, type RawSample } from "@/lib/domain/ingest";
import { AppError } from "@/lib/errors";
import { ingestSamples } from "@/lib/services/metrics";
import { metricsJsonBodySchema } from "@/lib/validation/metrics";
import { parseInput } from "@/lib/validation/parse";

export const dynamic = "force-dynamic";

const MAX_TEXT_BYTES = 2_000_000;

export const POST = apiRoute({ scope: "metrics:write" }, async ({ db, actor, requestId, request }) => {
  const url = new URL(request.url);
  const type = request.headers.get("content-type") ?? "";
  let planId: string;
  let rows: RawSample[];
  if (type.includes("text/plain") || type.includes("openmetrics")) {
    planId = url.searchParams.get("plan") ?? "";
    const text = await request.text();
    if (text.length > MAX_TEXT_BYTES) throw new AppError("unprocessable:batch", `The body is larger than ${MAX_TEXT_BYTES} bytes; split the batch`);
    try {
      rows = rowsFromExposition(parsePrometheusTextFormat(text.endsWith("\n") ? text : `${text}\n`));
    } catch (error) {
      throw new AppError("bad_request:validation", `The body is not Prometheus text exposition format: ${(error as Error).message}`);
    }
  } else {
    const body = parseInput(metricsJsonBodySchema, await readJson(request));
    planId = body.plan ?? url.searchParams.get("plan") ?? "";
    rows = body.samples as RawSample[];
  }
  return ingestSamples({ db, actor, requestId }, planId, rows);
});
