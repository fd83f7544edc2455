import "server-only";
import { processFlagDeps } from "@/lib/flags/process";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { readBodyText } from "@/lib/http/body";
import { EVENT_STREAM_HEADERS } from "./event-streams";
import { type BodyRead, handleOfrep } from "./handler";
import { errorFields, log } from "@/lib/observability/log";

/** The app's OFREP routes: the request handed to the shared handler, its answer written back. */
export async function serveOfrep(request: Request): Promise<Response> {
  try {
    const deps = await processFlagDeps();
    const url = new URL(request.url);
    const result = await handleOfrep(deps, {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
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
    return Response.json(
      { errorCode: "GENERAL", errorDetails: "Flags could not be evaluated right now" },
      { status: 500 },
    );
  }
}

/** GET /ofrep/v1/event-stream in the app: the shared event streams written into a streamed Response. */
export async function serveOfrepEventStream(request: Request): Promise<Response> {
  try {
    const { streams } = await processFlagDeps();
    if (!streams) return Response.json({ errorDetails: "Event streams are off" }, { status: 404 });
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let close = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        close();
      },
    });
    const sink = {
      write: (chunk: string) => controller.enqueue(encoder.encode(chunk)),
      end: () => {
        try {
          controller.close();
        } catch {
          // already closed
        }
      },
    };
    const opened = await streams.open(new URL(request.url).searchParams, request.headers.get("last-event-id"), sink);
    if (!opened.ok)
      return new Response(opened.body, {
        status: opened.status,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...opened.headers },
      });
    close = opened.close;
    request.signal.addEventListener("abort", () => {
      opened.close();
      sink.end();
    });
    return new Response(body, { headers: EVENT_STREAM_HEADERS });
  } catch (error) {
    if (!isDatabaseUnavailable(error)) log().error(errorFields(error), "OFREP event stream failed to open");
    return Response.json(
      { errorDetails: "The event stream could not be opened" },
      { status: isDatabaseUnavailable(error) ? 503 : 500 },
    );
  }
}
