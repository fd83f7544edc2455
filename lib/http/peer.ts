import http from "node:http";
import { PEER_HEADER } from "@/lib/auth/client-ip";

// Web-standard Requests carry no socket, so route handlers and Auth.js cannot see who connected.
// Before Next.js handles a request, the server stamps the connection's peer address on it under
// a header of ours, overwriting any value a client sent, so sign-in limits can rely on it.

const marker = Symbol.for("phasegate.peer-stamp");

export function stampPeerAddresses(): void {
  const proto = http.Server.prototype as http.Server & { [marker]?: true };
  if (proto[marker]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[PEER_HEADER] = request.socket?.remoteAddress ?? "unknown";
    }
    return (emit as (...all: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof proto.emit;
  proto[marker] = true;
}
