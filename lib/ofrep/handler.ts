import { createHash } from "node:crypto";
import { tokenFromHeaders } from "@/lib/auth/api-token";
import { type Evaluation, evaluateFlag } from "@/lib/domain/flag-eval";
import type { FlagStore } from "@/lib/flags/store";
import type { TokenVerifier } from "@/lib/flags/token-verifier";
import { BODY_LIMITS, declaredTooLarge } from "@/lib/http/body";
import { isDatabaseUnavailable } from "@/lib/errors";
import type { OfrepEventStreams } from "./event-streams";
import { type RateLimiter } from "./rate-limit";
import { errorFields, log } from "@/lib/observability/log";

// The OpenFeature Remote Evaluation Protocol (OFREP), framework-free: the Next.js app and the
// edge evaluator both hand requests to `handleOfrep` and write back what it returns.
//
//   POST /ofrep/v1/evaluate/flags/{key}  one flag   → 200 | 400 | 401 | 403 | 404 | 413 | 429 | 500
//   POST /ofrep/v1/evaluate/flags        all flags  → 200 with ETag | 304 | 400 | 401 | 403 | 413 | 429 | 500
//     (with event streams on, the answer lists `eventStreams`: see event-streams.ts)
//
// The token is checked before the body is read; a body over 64 KiB is refused with 413.
//
// Request body: {"context": {"targetingKey": "…", …}}. Auth: `Authorization: Bearer <token>` or
// `X-API-Key: <token>`, a project token with the flags:evaluate scope; it evaluates that
// project's flags.

export interface OfrepRequest {
  method: string;
  /** The path without query string, e.g. /ofrep/v1/evaluate/flags/checkout.one-page */
  path: string;
  headers: Pick<Headers, "get">;
  /** The query string (bulk evaluation reads `flagConfigEtag`, sent after an event stream's event). */
  query?: URLSearchParams;
  /**
   * The body, or how to read it: read only once the token checked out, and at most
   * MAX_BODY_BYTES (a reader stops, having read no further, when the body is longer).
   */
  body: string | ((maxBytes: number) => Promise<BodyRead>);
}

export type BodyRead = { ok: true; text: string } | { ok: false; reason: "too_large" | "not_utf8" };

export interface OfrepResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  /** Each flag evaluated for this answer, by reason or error code (for the edge's metrics). */
  outcomes?: EvaluationOutcome[];
}

export type EvaluationOutcome = { reason: string } | { errorCode: string };

export interface OfrepDeps {
  flags: FlagStore;
  tokens: TokenVerifier;
  limiter?: RateLimiter | null;
  /** When set, bulk answers advertise the event stream (OFREP ADR 0008). */
  streams?: OfrepEventStreams | null;
}

export const OFREP_PREFIX = "/ofrep/v1/evaluate/flags";
export const MAX_BODY_BYTES = BODY_LIMITS.ofrep;

const JSON_TYPE = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

function json(status: number, body: unknown, headers: Record<string, string> = {}): OfrepResponse {
  return { status, headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

type Parsed =
  | { ok: true; context: Record<string, unknown> }
  | { ok: false; errorCode: "PARSE_ERROR" | "INVALID_CONTEXT"; errorDetails: string };

/** The evaluation context from the body; an absent body or context counts as an empty one. */
export function parseEvaluationRequest(body: string): Parsed {
  if (body.trim() === "") return { ok: true, context: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, errorCode: "PARSE_ERROR", errorDetails: "The request body is not valid JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      errorCode: "PARSE_ERROR",
      errorDetails: 'The request body must be a JSON object such as {"context":{"targetingKey":"user-1"}}',
    };
  }
  const context = (parsed as { context?: unknown }).context;
  if (context === undefined || context === null) return { ok: true, context: {} };
  if (typeof context !== "object" || Array.isArray(context)) {
    return { ok: false, errorCode: "INVALID_CONTEXT", errorDetails: "context must be a JSON object" };
  }
  return { ok: true, context: context as Record<string, unknown> };
}

function success(e: Extract<Evaluation, { ok: true }>) {
  return { key: e.key, value: e.value, reason: e.reason, variant: e.variant, metadata: e.metadata };
}

function failure(e: Extract<Evaluation, { ok: false }>) {
  return { key: e.key, errorCode: e.errorCode, errorDetails: e.errorDetails };
}

/** A strong ETag over the exact answer: the same context and flags give the same tag. */
export function etagOf(body: string): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

function ifNoneMatchHas(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const tag = part.trim().replace(/^W\//, "");
    return tag === etag || tag === "*";
  });
}

export async function handleOfrep(deps: OfrepDeps, request: OfrepRequest): Promise<OfrepResponse> {
  const single = request.path.startsWith(`${OFREP_PREFIX}/`);
  const bulk = request.path === OFREP_PREFIX || request.path === `${OFREP_PREFIX}/`;
  let key = "";
  if (single && !bulk) {
    try {
      key = decodeURIComponent(request.path.slice(OFREP_PREFIX.length + 1));
    } catch {
      return json(400, {
        key: request.path.slice(OFREP_PREFIX.length + 1),
        errorCode: "PARSE_ERROR",
        errorDetails: "The flag key in the path is not valid URL encoding",
      });
    }
  }
  if (!single && !bulk)
    return json(404, {
      errorDetails: "Not an OFREP endpoint: POST /ofrep/v1/evaluate/flags or /ofrep/v1/evaluate/flags/{key}",
    });
  if (request.method !== "POST") return json(405, { errorDetails: "Use POST" }, { allow: "POST" });

  try {
    const presented = tokenFromHeaders(request.headers);
    const token = await deps.tokens.check(presented, "flags:evaluate");
    if (!token.ok) return json(token.status, { errorDetails: token.reason });

    const wait = deps.limiter?.take(token.tokenId);
    if (wait)
      return json(
        429,
        { errorDetails: `Too many evaluations for this token; retry in ${wait} s` },
        { "retry-after": String(wait) },
      );

    const read: BodyRead = declaredTooLarge(request.headers, MAX_BODY_BYTES)
      ? { ok: false, reason: "too_large" }
      : typeof request.body === "string"
        ? Buffer.byteLength(request.body) > MAX_BODY_BYTES
          ? { ok: false, reason: "too_large" }
          : { ok: true, text: request.body }
        : await request.body(MAX_BODY_BYTES);
    if (!read.ok && read.reason === "too_large")
      return json(
        413,
        { errorDetails: `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB` },
        { connection: "close" },
      );
    const parsed: Parsed = read.ok
      ? parseEvaluationRequest(read.text)
      : { ok: false, errorCode: "PARSE_ERROR", errorDetails: "The request body is not valid UTF-8" };
    if (!parsed.ok)
      return json(
        400,
        bulk
          ? { errorCode: parsed.errorCode, errorDetails: parsed.errorDetails }
          : { key, errorCode: parsed.errorCode, errorDetails: parsed.errorDetails },
      );

    let flags = await deps.flags.flagsFor(token.projectId);
    if (bulk) {
      // A refetch after an event names the configuration it was told of. Another instance may have
      // announced it before this one heard of the change: then the flags are read again now.
      const told = request.query?.get("flagConfigEtag");
      if (told && deps.streams && deps.streams.versionOf(token.projectId, flags).etag !== told)
        flags = await deps.flags.reload(token.projectId);
      const outcomes: EvaluationOutcome[] = [];
      const results = [...flags.values()]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((flag) => {
          const e = evaluateFlag(flag, parsed.context);
          outcomes.push(e.ok ? { reason: e.reason } : { errorCode: e.errorCode });
          return e.ok ? success(e) : failure(e);
        });
      const body = JSON.stringify(
        deps.streams && presented
          ? { flags: results, eventStreams: deps.streams.advertise(presented, token.tokenId) }
          : { flags: results },
      );
      const etag = etagOf(body);
      if (ifNoneMatchHas(request.headers.get("if-none-match"), etag))
        return { status: 304, headers: { etag, "cache-control": "no-cache" }, body: null };
      return { status: 200, headers: { ...JSON_TYPE, "cache-control": "no-cache", etag }, body, outcomes };
    }

    const flag = flags.get(key);
    if (!flag)
      return json(404, { key, errorCode: "FLAG_NOT_FOUND", errorDetails: `No flag "${key}" in this token's project` });
    const e = evaluateFlag(flag, parsed.context);
    return e.ok
      ? { ...json(200, success(e)), outcomes: [{ reason: e.reason }] }
      : { ...json(400, failure(e)), outcomes: [{ errorCode: e.errorCode }] };
  } catch (error) {
    // A token or project never held in memory, with the database away: try again shortly.
    if (isDatabaseUnavailable(error)) {
      log().warn(errorFields(error), "flag evaluation needs the database, which is not answering");
      const errorDetails =
        "Flags cannot be read right now (the database is not answering); try again shortly, the client keeps its defaults meanwhile";
      return json(503, bulk ? { errorCode: "GENERAL", errorDetails } : { key, errorCode: "GENERAL", errorDetails }, {
        "retry-after": "5",
      });
    }
    // Something unexpected happened: a general error, never a stack.
    log().error(errorFields(error), "flag evaluation failed");
    const errorDetails = "Flags could not be evaluated right now; the client keeps its defaults";
    return json(500, bulk ? { errorCode: "GENERAL", errorDetails } : { key, errorCode: "GENERAL", errorDetails });
  }
}
