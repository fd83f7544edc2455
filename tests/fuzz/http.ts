import http from "node:http";

// A raw HTTP/1.1 client (node:http, not fetch): the fuzz must send exactly what it means — no
// Content-Type, a lying one, a raw percent-encoded path, a chunked body, or a body that stalls
// half-way (does the server answer a bad token before reading the rest?).

export interface RawRequest {
  method: string;
  /** Path and query as sent, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /** Announce `declaredLength` bytes, send only the body, then wait for an answer without finishing. */
  stall?: { declaredLength: number; waitMs: number };
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export interface NoResponse {
  error: string;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export function closeAgent(): void {
  agent.destroy();
}

export function send(baseUrl: string, req: RawRequest): Promise<RawResponse | NoResponse> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: RawResponse | NoResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.stall) headers["content-length"] = req.stall.declaredLength;
    else if (req.body && !req.chunked) headers["content-length"] = req.body.length;
    else if (!req.body && req.method !== "GET" && req.method !== "HEAD") headers["content-length"] = 0;
    let request: http.ClientRequest;
    try {
      request = http.request({
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers,
        // A stalled request must not poison a pooled connection.
        agent: req.stall || req.chunked ? false : agent,
      });
    } catch (error) {
      resolve({ error: `request not sent: ${(error as Error).message}`, ms: 0 });
      return;
    }
    const timeoutMs = req.stall ? req.stall.waitMs : (req.timeoutMs ?? 60_000);
    const timer = setTimeout(() => {
      finish({
        error: req.stall
          ? `no answer within ${timeoutMs} ms while the body was incomplete (${req.body?.length ?? 0} of ${req.stall.declaredLength} bytes sent): the server reads the whole body before it refuses the token`
          : `no answer within ${timeoutMs} ms`,
        ms: elapsed(),
      });
      request.destroy();
    }, timeoutMs);
    request.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: elapsed() });
        if (req.stall) request.destroy();
      });
      res.on("error", (error) => finish({ error: `response broken: ${error.message}`, ms: elapsed() }));
    });
    request.on("error", (error) => {
      // A server may answer (e.g. 413, or 401 before reading a 10 MB body) and close before the
      // whole body was sent: the answer counts. On a loaded machine it can reach the client well
      // after the write failed (50 ms was once too short under CI load).
      setTimeout(
        () =>
          finish({
            error: `connection failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
            ms: elapsed(),
          }),
        1_000,
      );
    });
    if (req.stall) {
      if (req.body) request.write(req.body);
      return;
    }
    if (req.body && req.chunked) {
      for (let i = 0; i < req.body.length; i += 256 * 1024) request.write(req.body.subarray(i, i + 256 * 1024));
      request.end();
    } else request.end(req.body ?? undefined);
  });
}

export function isResponse(r: RawResponse | NoResponse): r is RawResponse {
  return "status" in r;
}
