import "server-only";
import { getDb, type Database } from "@/db/client";
import type { TokenActor } from "@/lib/auth/actor";
import type { TokenScope } from "@/lib/auth/permissions";
import { authenticateToken } from "@/lib/auth/token-auth";
import { AppError, isDatabaseUnavailable } from "@/lib/errors";
import { acceptRequestId } from "@/lib/safe-redirect";
import { errorFields, log } from "@/lib/observability/log";
import { appMetrics } from "@/lib/observability/metrics";

// The one wrapper for /api/v1 route handlers: bearer token → scope → handler → JSON. Errors map
// once to status codes and a JSON body naming the problem; internals never reach the caller.

export interface ApiContext<P> {
  db: Database;
  actor: TokenActor;
  requestId: string;
  request: Request;
  params: P;
}

export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  options: { scope: TokenScope },
  handler: (ctx: ApiContext<P>) => Promise<unknown>,
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = acceptRequestId(request.headers.get("x-request-id"));
    const headers = { "x-request-id": requestId, "cache-control": "no-store" };
    try {
      const { db } = await getDb();
      const actor = await authenticateToken(db, request.headers);
      if (!actor.scopes.includes(options.scope)) {
        throw new AppError("forbidden:permission", `This token lacks the ${options.scope} scope`);
      }
      const body = await handler({ db, actor, requestId, request, params: await context.params });
      // A handler that answers with a document (not JSON) builds its own response.
      if (body instanceof Response) {
        for (const [name, value] of Object.entries(headers)) body.headers.set(name, value);
        return body;
      }
      return Response.json(body, { headers });
    } catch (error) {
      return errorResponse(error, { headers });
    }
  };
}

/**
 * The JSON answer for an error of a route handler: an AppError as itself, an unreachable database
 * as 503 with Retry-After, anything else as a logged 500 that says nothing of its cause. `bearer`
 * (the API's token routes) adds the WWW-Authenticate challenge to a 401; `failure` names what
 * failed in the log.
 */
export function errorResponse(
  error: unknown,
  {
    headers = {},
    bearer = true,
    failure = "API request failed",
  }: { headers?: Record<string, string>; bearer?: boolean; failure?: string } = {},
): Response {
  if (error instanceof AppError) {
    const extra: Record<string, string> =
      bearer && error.status === 401 ? { "www-authenticate": 'Bearer realm="phasegate"' } : {};
    return Response.json(error.toJSON(), { status: error.status, headers: { ...headers, ...extra } });
  }
  if (isDatabaseUnavailable(error)) {
    appMetrics().dbErrors.inc({ where: "api" });
    return Response.json(
      { error: { code: "unavailable:database", message: "The database is not answering; retry shortly" } },
      { status: 503, headers: { ...headers, "retry-after": "5" } },
    );
  }
  log().error(errorFields(error), failure);
  return Response.json(
    { error: { code: "internal", message: "Something went wrong; nothing was changed" } },
    { status: 500, headers },
  );
}
