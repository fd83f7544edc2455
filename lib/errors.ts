// One error type for expected failures, mapped once to HTTP status and to what the UI shows.
// Anything else thrown is a bug: it is logged and shown as a generic message, never a stack.

export type ErrorCode =
  | "bad_request:validation"
  | "unprocessable:batch"
  | "unauthorized:auth"
  | "forbidden:permission"
  | "not_found:entity"
  | "conflict:stale_version"
  | "conflict:state"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable:database"
  | "config:database";

const statusByCode: Record<ErrorCode, number> = {
  "bad_request:validation": 400,
  "unprocessable:batch": 422,
  "unauthorized:auth": 401,
  "forbidden:permission": 403,
  "not_found:entity": 404,
  "conflict:stale_version": 409,
  "conflict:state": 409,
  payload_too_large: 413,
  rate_limited: 429,
  "unavailable:database": 503,
  "config:database": 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors: Record<string, string[]> | undefined;

  constructor(code: ErrorCode, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  get status(): number {
    return statusByCode[this.code];
  }

  toJSON() {
    return {
      error: { code: this.code, message: this.message, ...(this.fieldErrors ? { fields: this.fieldErrors } : {}) },
    };
  }
}

// Connection-level failures from postgres.js, node's net layer and PostgreSQL itself
// (admin shutdown, crash shutdown, cannot connect now, too many connections).
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** The SQLSTATE (or driver code) of an error or of one of its causes, the nearest first. */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** A unique constraint refused the write (23505), whichever wrapper carries it. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof AppError) return e.code === "unavailable:database";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function describeError(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
