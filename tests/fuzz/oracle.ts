import type { NoResponse, RawResponse } from "./http";
import { type JsonSchema, pathToString, validate } from "./json-schema";
import type { FuzzOperation } from "./operations";

// The oracle: what must hold for every answer, whatever was sent.
//
//   - no 5xx (a 503 only while the database really does not answer), and always an answer;
//   - a 4xx body has the documented error shape (API {"error":{code,message,fields?}}; OFREP
//     {errorCode?, errorDetails}); a 400/422 caused by a body field names the field;
//   - a 2xx body matches the operation's documented response schema;
//   - a 2xx never answers a request whose body or path breaks the documented schema, names a
//     nonexistent id or one of another project;
//   - explicit expectations of the case (bad token → 401, wrong scope → 403, over the cap → 413);
//   - a refused (4xx) request changes no row (checked by the runner, which holds the counts).

export type Symptom =
  | "server-error"
  | "no-response"
  | "error-shape"
  | "field-not-named"
  | "response-schema"
  | "accepted-invalid"
  | "unexpected-status"
  | "rows-changed"
  | "server-exited";

export interface Finding {
  symptom: Symptom;
  /** A short stable summary, to group the same failure met by many requests. */
  signature: string;
  message: string;
}

export interface Expectation {
  /** The status must be one of these. */
  statuses?: number[];
  /** The status must not be 2xx. */
  not2xx?: boolean;
  /** The status must not be one of these. */
  notStatuses?: number[];
  /** No 400/413/422 whose message blames the size (a body within the cap). */
  notSizeRefusal?: boolean;
  why: string;
}

/** What the case knows about its own request, for the oracle. */
export interface CaseFacts {
  /** A body field the mutation broke (so a 400/422 should name it), with whether the body still satisfies the schema. */
  field?: { path: (string | number)[]; violates: boolean };
  /** The body (JSON text or document) breaks the documented request schema. */
  bodyViolates: boolean;
  expectations: Expectation[];
  /** Whether the If-None-Match header was sent (a 304 is then fine). */
  conditional?: boolean;
}

export interface Judged {
  findings: Finding[];
  /** Statuses the document does not list for the operation (reported, not failures). */
  undocumented: number | null;
  /** The parsed JSON body, when it is JSON. */
  json?: unknown;
}

function contentTypeOf(res: RawResponse): string {
  const value = res.headers["content-type"];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function parseJson(res: RawResponse): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(res.body.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

function snippet(res: RawResponse, n = 200): string {
  const text = res.body.toString("utf8");
  return JSON.stringify(text.length > n ? `${text.slice(0, n)}…` : text);
}

function errorMessageOf(op: FuzzOperation, json: unknown): { message: string; fields: Record<string, unknown> | null } {
  if (op.family === "ofrep") {
    const details = (json as { errorDetails?: unknown })?.errorDetails;
    return { message: typeof details === "string" ? details : "", fields: null };
  }
  const error = (json as { error?: { message?: unknown; fields?: unknown } })?.error;
  const fields = error?.fields && typeof error.fields === "object" ? (error.fields as Record<string, unknown>) : null;
  return { message: typeof error?.message === "string" ? error.message : "", fields };
}

export function judge(
  op: FuzzOperation,
  facts: CaseFacts,
  outcome: RawResponse | NoResponse,
  databaseAnswers: boolean,
): Judged {
  const findings: Finding[] = [];
  if ("error" in outcome) {
    findings.push({ symptom: "no-response", signature: outcome.error.replace(/\d+/g, "N"), message: outcome.error });
    return { findings, undocumented: null };
  }
  const { status } = outcome;
  const type = contentTypeOf(outcome);
  const parsed = /json/i.test(type) || outcome.body.length ? parseJson(outcome) : ({ ok: false } as const);
  const json = parsed.ok ? parsed.value : undefined;

  if (status >= 500) {
    if (!(status === 503 && !databaseAnswers))
      findings.push({
        symptom: "server-error",
        signature: `${status} ${type.split(";")[0] || "no content type"} ${snippet(outcome, 80)}`,
        message: `${status} ${type || "(no content type)"} ${snippet(outcome)}`,
      });
  } else if (status >= 400) {
    const schema = op.errorSchema;
    if (!parsed.ok || !/json/i.test(type)) {
      findings.push({
        symptom: "error-shape",
        signature: `not JSON (${type.split(";")[0] || "no content type"})`,
        message: `${status} is not JSON (${type || "no content type"}): ${snippet(outcome)}`,
      });
    } else if (schema) {
      const errors = validate(schema, json, schema);
      if (errors.length)
        findings.push({
          symptom: "error-shape",
          signature: `breaks the error schema: ${describeErrors(errors, true)}`,
          message: `${status} body breaks the error schema (${describeErrors(errors)}): ${snippet(outcome)}`,
        });
    }
    if ((status === 400 || status === 422) && facts.field?.violates && parsed.ok) {
      const { message, fields } = errorMessageOf(op, json);
      const names = facts.field.path.filter((p): p is string => typeof p === "string" && p !== "[]");
      const named =
        fields !== null ||
        names.some((n) => message.includes(n)) ||
        (facts.field.path.length === 0 && message.length > 0);
      if (!named)
        findings.push({
          symptom: "field-not-named",
          signature: `bad ${genericPath(facts.field.path)}: ${message.slice(0, 60)}`,
          message: `${status} for a bad ${pathToString(facts.field.path)} names no field: ${snippet(outcome)}`,
        });
    }
  } else if (status >= 200 && status < 300) {
    const documented = op.responses[String(status)] ?? op.responses["200"];
    if (documented) {
      const isJson = /json/i.test(type);
      if (isJson) {
        if (!parsed.ok)
          findings.push({
            symptom: "response-schema",
            signature: "claims JSON but is not",
            message: `${status} claims JSON but is not: ${snippet(outcome)}`,
          });
        else if (documented.json === undefined)
          findings.push({
            symptom: "response-schema",
            signature: "JSON where a document is documented",
            message: `${status} is JSON, documented as ${documented.text?.join(", ") ?? "no body"}`,
          });
        else if (documented.json !== null) {
          const errors = validate(documented.json as JsonSchema, json, documented.json);
          if (errors.length)
            findings.push({
              symptom: "response-schema",
              signature: describeErrors(errors, true),
              message: `${status} body breaks the documented schema: ${describeErrors(errors)}`,
            });
        }
      } else if (!documented.text?.some((t) => type.toLowerCase().startsWith(t.split(";")[0]!.toLowerCase()))) {
        findings.push({
          symptom: "response-schema",
          signature: `content type ${type.split(";")[0]}`,
          message: `${status} with content type ${JSON.stringify(type)}, documented: ${["application/json", ...(documented.text ?? [])].join(", ")}`,
        });
      }
    }
    if (facts.bodyViolates)
      findings.push({
        symptom: "accepted-invalid",
        signature: `body breaks the request schema${facts.field ? ` at ${genericPath(facts.field.path)}` : ""}`,
        message: `${status} for a body that breaks the documented request schema${facts.field ? ` (at ${pathToString(facts.field.path)})` : ""}`,
      });
  } else if (status === 304 && !facts.conditional) {
    findings.push({
      symptom: "unexpected-status",
      signature: "304 without If-None-Match",
      message: "304 without If-None-Match",
    });
  } else if (status === 304 && op.method !== "GET" && !op.responses["304"]) {
    // RFC 9110 §13.1.2: a failed If-None-Match on anything but GET/HEAD is a 412; a 304 hides the answer to a write.
    findings.push({
      symptom: "unexpected-status",
      signature: `304 to a ${op.method} with If-None-Match`,
      message: `304 Not Modified to a ${op.method} (RFC 9110: 412 for methods other than GET/HEAD); the client never learns whether it was applied`,
    });
  }

  for (const e of facts.expectations) {
    const is2xx = status >= 200 && status < 300;
    if (e.statuses && !e.statuses.includes(status))
      findings.push({
        symptom: "unexpected-status",
        signature: `expected ${e.statuses.join("/")}: ${e.why}`,
        message: `expected ${e.statuses.join(" or ")} (${e.why}), got ${status}: ${snippet(outcome, 160)}`,
      });
    if (e.not2xx && is2xx)
      findings.push({ symptom: "accepted-invalid", signature: e.why, message: `${status} although ${e.why}` });
    if (e.notStatuses?.includes(status))
      findings.push({
        symptom: "unexpected-status",
        signature: `not ${e.notStatuses.join("/")}: ${e.why.replace(/\d+ bytes/, "N bytes")}`,
        message: `${status} although ${e.why}: ${snippet(outcome, 160)}`,
      });
    else if (
      e.notSizeRefusal &&
      [400, 413, 422].includes(status) &&
      parsed.ok &&
      /larger than|too large|too big|\bbytes\b|\bKiB\b|\bMB\b|size/i.test(errorMessageOf(op, json).message)
    ) {
      findings.push({
        symptom: "unexpected-status",
        signature: `refused for its size: ${e.why.replace(/\d+ bytes/, "N bytes")}`,
        message: `${status} blames the size although ${e.why}: ${snippet(outcome, 160)}`,
      });
    }
  }
  const documentedStatuses = Object.keys(op.responses);
  const undocumented =
    documentedStatuses.length && !documentedStatuses.includes(String(status)) && !(status >= 300 && status < 400)
      ? status
      : null;
  return { findings, undocumented, json };
}

/** A path with array indexes replaced by [] (so rows 3 and 7 group together). */
function genericPath(path: (string | number)[]): string {
  return pathToString(path.map((p) => (typeof p === "number" ? "[]" : p)));
}

function describeErrors(errors: { path: (string | number)[]; message: string }[], generic = false): string {
  const shown = errors.slice(0, 4).map((e) => `${generic ? genericPath(e.path) : pathToString(e.path)}: ${e.message}`);
  if (generic) return [...new Set(shown)].join("; ");
  return errors.length > 4 ? `${shown.join("; ")}; and ${errors.length - 4} more` : shown.join("; ");
}
