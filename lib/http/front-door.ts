import http from "node:http";
import { PEER_HEADER } from "@/lib/auth/client-ip";

// What the app's HTTP server does with a request before Next.js sees it.
//
// * Web-standard Requests carry no socket, so route handlers and Auth.js cannot see who
//   connected: the connection's peer address is stamped on the request under a header of ours,
//   overwriting any value a client sent, so sign-in limits can rely on it.
// * A path Next.js cannot decode (a stray "%", "%zz", an overlong UTF-8 sequence) would end in
//   its plain-text 500: under /api and /ofrep such a request gets the API's JSON 400 instead.

const marker = Symbol.for("phasegate.front-door");

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
  const body = JSON.stringify(ofrep ? { errorCode: "PARSE_ERROR", errorDetails: message } : { error: { code: "bad_request:validation", message, fields: { path: [message] } } });
  res.writeHead(400, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body), connection: "close" });
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
