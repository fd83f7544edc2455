import { type NextRequest, NextResponse } from "next/server";
import { acceptRequestId } from "./lib/safe-redirect";

// Redirects only: pages without a session cookie go to sign-in. Real checks live in pages,
// services, actions and route handlers. Also sets the per-request CSP nonce and request id.

const PUBLIC_PREFIXES = ["/sign-in", "/setup", "/api/", "/ofrep/", "/metrics"];

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV !== "production";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Tailwind's and Recharts' inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PREFIXES.some((p) =>
    p.endsWith("/") ? pathname.startsWith(p) : pathname === p || pathname.startsWith(`${p}/`),
  );
  const hasSession = request.cookies.getAll().some((c) => c.name.includes("authjs.session-token"));
  if (!isPublic && !hasSession) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("x-request-id", requestId);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-request-id", requestId);
  return response;
}

// Pipelines' and applications' routes (/api/v1, /ofrep) pass by: they answer for themselves, and a
// proxy in front would buffer their bodies before they could check the caller.
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.svg|api/v1/|ofrep/).*)"],
};
