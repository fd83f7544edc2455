import http from "node:http";
import { PEER_HEADER } from "@/lib/auth/client-ip";
import { log } from "@/lib/observability/log";
import { appMetrics, routeLabel } from "@/lib/observability/metrics";
import { acceptRequestId } from "@/lib/safe-redirect";

// What the app's HTTP server does with a request before Next.js sees it.
//
// * Web-standard Requests carry no socket, so route handlers and Auth.js cannot see who
//   connected: the connection's peer address is stamped on the request under a header of ours,
//   overwriting any value a client sent, so sign-in limits can rely on it.
// * A path Next.js cannot decode (a stray "%", "%zz", an overlong UTF-8 sequence) would end in
//   its plain-text 500: under /api and /ofrep such a request gets the API's JSON 400 instead.
// * Every request carries a request id (the caller's X-Request-Id when it is a plain short
//   token, else a fresh one), echoed in the response and written on the audit rows it causes;
//   when the response is done, one log line and the request-duration metric record it.

const marker = Symbol.for("phasegate.front-door");
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The plan and project a path names, for the request's log line. */
export function subjectOf(url: string): { planId?: string; project?: string } {
  const pathname = url.split("?")[0] ?? "";
  const plan = /\/plans\/([^/]+)/.exec(pathname)?.[1];
  const project = /^\/projects\/([a-z0-9][a-z0-9-]{0,63})(?:\/|$)/.exec(pathname)?.[1];
  return { ...(plan && UUID.test(plan) ? { planId: plan } : {}), ...(project ? { project } : {}) };
}

function watch(request: http.IncomingMessage, response: http.ServerResponse) {
  const started = process.hrtime.bigint();
  const id = acceptRequestId(
    typeof request.headers["x-request-id"] === "string" ? request.headers["x-request-id"] : null,
  );
  request.headers["x-request-id"] = id;
  response.setHeader("x-request-id", id);
  response.once("close", () => {
    const url = request.url ?? "/";
    const route = routeLabel(url);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = response.headersSent ? response.statusCode : 499;
    appMetrics().httpDuration.observe({ route, method: request.method ?? "GET", status: String(status) }, seconds);
    if (route === "/_next/*" || route === "/favicon.ico") return;
    const line = {
      requestId: id,
      method: request.method,
      route,
      status,
      ms: Math.round(seconds * 1000),
      ...subjectOf(url),
    };
    // Health checks come every few seconds from every load balancer: kept out of the info stream.
    if (route === "/api/health") log().debug(line, "request");
    else log().info(line, "request");
  });
}

/** True when every segment of the path is valid percent-encoding of UTF-8. */
export function pathDecodes(url: string): boolean {
  const pathname = url.split("?")[0] ?? "";
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

function refuseUndecodable(res: http.ServerResponse, ofrep: boolean) {
  const message = "The path is not valid percent-encoded UTF-8";
  const body = JSON.stringify(
    ofrep
      ? { errorCode: "PARSE_ERROR", errorDetails: message }
      : { error: { code: "bad_request:validation", message, fields: { path: [message] } } },
  );
  res.writeHead(400, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

export function guardFrontDoor(): void {
  const proto = http.Server.prototype as http.Server & { [marker]?: true };
  if (proto[marker]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_HEADER] = request.socket?.remoteAddress ?? "unknown";
      watch(request, args[1] as http.ServerResponse);
      const url = request.url ?? "/";
      if ((url.startsWith("/api/") || url.startsWith("/ofrep/")) && !pathDecodes(url)) {
        refuseUndecodable(args[1] as http.ServerResponse, url.startsWith("/ofrep/"));
        return true;
      }
    }
    return (emit as (...all: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof proto.emit;
  proto[marker] = true;
}
