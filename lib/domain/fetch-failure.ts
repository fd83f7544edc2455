// A failed outgoing HTTP request (Prometheus polls, webhook deliveries) in words a person can act
// on: refused connection, unknown host, timeout, TLS… found in the error or its causes (undici
// wraps the socket error in `cause`).

/** How much of a foreign answer administrators may see, whitespace collapsed. */
export const EXCERPT_CHARS = 200;

export function responseExcerpt(body: string): string | null {
  const text = body.replace(/\s+/g, " ").trim();
  if (!text) return null;
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

export function describeFetchFailure(error: unknown, where: string, timeoutMs: number, refusedHint: string): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `No answer from ${where} within ${Math.round(timeoutMs / 100) / 10} s`;
  }
  let code: string | undefined;
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === "string") {
      code = c;
      if (e instanceof Error) message = e.message;
      break;
    }
  }
  switch (code) {
    case "PHASEGATE_EGRESS_REFUSED":
    case "PHASEGATE_EGRESS_TOO_LARGE":
      return `${where}: ${message}`;
    case "ECONNREFUSED":
      return `Connection refused by ${where}: ${refusedHint}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Host not found: ${where.replace(/:\d+$/, "")}`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `${where} closed the connection before answering`;
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `Could not connect to ${where} in time`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${where} is unreachable from this server`;
    default:
      if (code && /CERT|TLS|SSL/i.test(code)) return `TLS problem talking to ${where}: ${message}`;
      return `Request to ${where} failed: ${message}${code && !message.includes(code) ? ` (${code})` : ""}`;
  }
}
