// The /api/v1 client of the multi-instance tests: what a pipeline sends, with the request id it
// chose (written on the audit rows of what it changes) and how long the answer took.

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  ms: number;
}

export interface CallOptions {
  token: string;
  body?: unknown;
  requestId?: string;
  /** A request still open after this long counts as a hang. */
  timeoutMs?: number;
}

/** One call; rejects only when no answer came (connection refused or reset, or the deadline). */
export async function callApi(
  base: string,
  method: string,
  path: string,
  { token, body, requestId, timeoutMs = 30_000 }: CallOptions,
): Promise<ApiAnswer> {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, headers: res.headers, body: parsed, ms: Date.now() - started };
}

/** Resolves once `done()` holds, polling every `everyMs`; rejects after `timeoutMs` with `what`. */
export async function until(
  done: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
