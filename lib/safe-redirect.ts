// A redirect target from a query string or form must stay on this site: "/\evil.com" or
// "/%09/evil.com" look like paths but browsers read them as other hosts.
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  try {
    const base = "http://phasegate.invalid";
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's X-Request-Id when it is a plain short token, else a fresh one. */
export function acceptRequestId(value: string | null | undefined): string {
  return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}
