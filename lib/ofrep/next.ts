import "server-only";
import { processFlagDeps } from "@/lib/flags/process";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { readBodyText } from "@/lib/http/body";
import { type BodyRead, handleOfrep } from "./handler";
import { errorFields, log } from "@/lib/observability/log";

/** The app's OFREP routes: the request handed to the shared handler, its answer written back. */
export async function serveOfrep(request: Request): Promise<Response> {
  try {
    const deps = await processFlagDeps();
    const result = await handleOfrep(deps, {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: (maxBytes) =>
        readBodyText(request, maxBytes).then(
          (text): BodyRead => ({ ok: true, text }),
          (error: unknown): BodyRead => {
            if (error instanceof AppError && error.status === 413) return { ok: false, reason: "too_large" };
            if (error instanceof AppError && error.status === 400) return { ok: false, reason: "not_utf8" };
            throw error;
          },
        ),
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  } catch (error) {
    if (!isDatabaseUnavailable(error)) log().error(errorFields(error), "OFREP request failed");
    return Response.json({ errorCode: "GENERAL", errorDetails: "Flags could not be evaluated right now" }, { status: 500 });
  }
}
