import fs from "node:fs";
import path from "node:path";
import type { JsonSchema } from "./json-schema";

// What the fuzz sends requests to: every operation of the served OpenAPI document, plus routes
// that exist in app/ under /api/v1 or /ofrep/v1 but are missing from the document. Those are
// described by hand here (OFREP, after the OFREP specification and lib/ofrep/handler.ts) or, for
// a route nobody described yet, generically (any JSON body, string path parameters).

export type Family = "api" | "ofrep";

export interface Param {
  name: string;
  schema: JsonSchema;
}

export type BodySpec = { kind: "json"; schema: JsonSchema; optional?: boolean } | { kind: "text"; types: string[] };

export interface ResponseSpec {
  /** JSON Schema of an application/json body (null: JSON of any shape). */
  json?: JsonSchema | null;
  /** Other media types the body may be (a document such as text/markdown). */
  text?: string[];
}

/** Request size caps: at most `under` bytes is never refused for size, more than `over` must be 413. */
export interface BodyCap {
  under: number;
  over: number;
  label: string;
}

export interface FuzzOperation {
  id: string;
  method: string;
  /** The path with {params}, e.g. /api/v1/plans/{planId}. */
  template: string;
  family: Family;
  /** The token scope the operation needs (null: public). */
  scope: string | null;
  pathParams: Param[];
  queryParams: Param[];
  body: BodySpec | null;
  /** Other bodies the route reads (e.g. Prometheus text on /api/v1/metrics). */
  altBodies: BodySpec[];
  /** Status code → documented response. */
  responses: Record<string, ResponseSpec>;
  errorSchema: JsonSchema | null;
  cap: BodyCap | null;
  source: "openapi" | "hand-written" | "generic";
}

/** The error body of /api/v1 (also the fallback when the document names none). */
export const API_ERROR_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
      },
      required: ["code", "message"],
      additionalProperties: false,
    },
  },
  required: ["error"],
  additionalProperties: false,
};

// OFREP (https://openfeature.dev/specification/appendix-c, its OpenAPI document, and
// lib/ofrep/handler.ts): errors are {errorCode?, errorDetails} (with the key on one-flag errors).
const OFREP_ERROR_CODES = [
  "PARSE_ERROR",
  "TARGETING_KEY_MISSING",
  "INVALID_CONTEXT",
  "FLAG_NOT_FOUND",
  "TYPE_MISMATCH",
  "GENERAL",
];
export const OFREP_ERROR_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    key: { type: "string" },
    errorCode: { type: "string", enum: OFREP_ERROR_CODES },
    errorDetails: { type: "string" },
  },
  required: ["errorDetails"],
  additionalProperties: false,
};
const OFREP_REASONS = ["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "DEFAULT", "CACHED", "UNKNOWN", "ERROR"];
const ofrepSuccess: JsonSchema = {
  type: "object",
  properties: {
    key: { type: "string" },
    value: { type: ["boolean", "string", "number", "object", "array"] },
    reason: { type: "string", enum: OFREP_REASONS },
    variant: { type: "string" },
    metadata: { type: "object", additionalProperties: { type: ["boolean", "string", "number"] } },
  },
  required: ["key", "value", "reason"],
  additionalProperties: false,
};
const ofrepEventStream: JsonSchema = {
  type: "object",
  properties: {
    type: { type: "string" },
    url: { type: "string" },
    endpoint: {
      type: "object",
      properties: { origin: { type: "string" }, requestUri: { type: "string" } },
      required: ["requestUri"],
      additionalProperties: false,
    },
    inactivityDelaySec: { type: "integer", minimum: 1 },
  },
  required: ["type"],
  additionalProperties: false,
};
const ofrepFlagError: JsonSchema = {
  type: "object",
  properties: {
    key: { type: "string" },
    errorCode: { type: "string", enum: OFREP_ERROR_CODES },
    errorDetails: { type: "string" },
  },
  required: ["key", "errorCode"],
  additionalProperties: false,
};
/**
 * The evaluation request: {"context": {"targetingKey": …, attributes…}}. Body and context are
 * optional, a null context counts as an empty one (lib/ofrep/handler.ts), attributes are free.
 * Only what the specification fixes is here: the generator adds realistic attributes by hint.
 */
export const OFREP_REQUEST_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    context: {
      type: ["object", "null"],
      properties: { targetingKey: { type: "string" } },
    },
  },
};

const OFREP_KEY_SCHEMA: JsonSchema = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$" };
const OFREP_CAP: BodyCap = { under: 64 * 1024, over: 64 * 1024, label: "OFREP 64 KiB" };
const JSON_CAP: BodyCap = { under: 1_000_000, over: 1_048_576, label: "JSON 1 MB" };
const METRICS_CAP: BodyCap = { under: 10_000_000, over: 10_485_760, label: "metrics 10 MB" };
const IMPORT_CAP: BodyCap = { under: 1_000_000, over: 1_048_576, label: "import 1 MB" };

/** Hand-written descriptions of routes the OpenAPI document leaves out. */
export const HAND_WRITTEN: FuzzOperation[] = [
  {
    id: "ofrepEvaluateFlag",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags/{key}",
    family: "ofrep",
    scope: "flags:evaluate",
    pathParams: [{ name: "key", schema: OFREP_KEY_SCHEMA }],
    queryParams: [],
    body: { kind: "json", schema: OFREP_REQUEST_SCHEMA, optional: true },
    altBodies: [],
    responses: {
      "200": { json: ofrepSuccess },
      "400": { json: OFREP_ERROR_SCHEMA },
      "401": { json: OFREP_ERROR_SCHEMA },
      "403": { json: OFREP_ERROR_SCHEMA },
      "404": { json: OFREP_ERROR_SCHEMA },
      "413": { json: OFREP_ERROR_SCHEMA },
      "429": { json: OFREP_ERROR_SCHEMA },
      "500": { json: OFREP_ERROR_SCHEMA },
    },
    errorSchema: OFREP_ERROR_SCHEMA,
    cap: OFREP_CAP,
    source: "hand-written",
  },
  {
    id: "ofrepEvaluateFlags",
    method: "POST",
    template: "/ofrep/v1/evaluate/flags",
    family: "ofrep",
    scope: "flags:evaluate",
    pathParams: [],
    queryParams: [],
    body: { kind: "json", schema: OFREP_REQUEST_SCHEMA, optional: true },
    altBodies: [],
    responses: {
      "200": {
        json: {
          type: "object",
          properties: {
            flags: { type: "array", items: { anyOf: [ofrepSuccess, ofrepFlagError] } },
            eventStreams: { type: "array", items: ofrepEventStream },
          },
          required: ["flags"],
          additionalProperties: false,
        },
      },
      "304": {},
      "400": { json: OFREP_ERROR_SCHEMA },
      "401": { json: OFREP_ERROR_SCHEMA },
      "403": { json: OFREP_ERROR_SCHEMA },
      "413": { json: OFREP_ERROR_SCHEMA },
      "429": { json: OFREP_ERROR_SCHEMA },
      "500": { json: OFREP_ERROR_SCHEMA },
    },
    errorSchema: OFREP_ERROR_SCHEMA,
    cap: OFREP_CAP,
    source: "hand-written",
  },
  {
    // OFREP ADR 0008: opened with the token id and key a bulk answer advertises, never guessed.
    id: "ofrepEventStream",
    method: "GET",
    template: "/ofrep/v1/event-stream",
    family: "ofrep",
    scope: null,
    pathParams: [],
    queryParams: [
      { name: "token", schema: { type: "string", format: "uuid" } },
      { name: "key", schema: { type: "string", minLength: 43, maxLength: 43, pattern: "^[A-Za-z0-9_-]{43}$" } },
    ],
    body: null,
    altBodies: [],
    responses: {
      "200": { text: ["text/event-stream"] },
      "401": { json: OFREP_ERROR_SCHEMA },
      "403": { json: OFREP_ERROR_SCHEMA },
      "405": { json: OFREP_ERROR_SCHEMA },
      "503": { json: OFREP_ERROR_SCHEMA },
    },
    errorSchema: OFREP_ERROR_SCHEMA,
    cap: null,
    source: "hand-written",
  },
];

/** What the document does not say about a route but the route reads (from its source and the README). */
const EXTRA_BODIES: Record<string, BodySpec[]> = {
  // Prometheus text exposition format with ?plan= (the operation's summary says so; the document lists only JSON).
  "POST /api/v1/metrics": [
    { kind: "text", types: ["text/plain; version=0.0.4", "text/plain", "application/openmetrics-text; version=1.0.0"] },
  ],
};

const CAPS: Record<string, BodyCap> = {
  "POST /api/v1/metrics": METRICS_CAP,
  "POST /api/v1/plans/import": IMPORT_CAP,
};

interface OpenApiDocument {
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

interface OpenApiOperation {
  operationId?: string;
  security?: { bearer?: string[] }[];
  parameters?: { name: string; in: string; schema?: JsonSchema; $ref?: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** The operations of an OpenAPI document under /api/v1 and /ofrep/v1. */
export function operationsFromDocument(doc: OpenApiDocument): FuzzOperation[] {
  const ops: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    if (!template.startsWith("/api/v1") && !template.startsWith("/ofrep/v1")) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const key = `${method.toUpperCase()} ${template}`;
      const family: Family = template.startsWith("/ofrep/") ? "ofrep" : "api";
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      let body: BodySpec | null = null;
      if (content["application/json"]) body = { kind: "json", schema: content["application/json"].schema ?? true };
      else if (Object.keys(content).length) body = { kind: "text", types: Object.keys(content) };
      const responses: Record<string, ResponseSpec> = {};
      let errorSchema: JsonSchema | null = null;
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const media = response.content ?? {};
        const spec: ResponseSpec = {};
        if (media["application/json"]) spec.json = media["application/json"].schema ?? null;
        const text = Object.keys(media).filter((t) => t !== "application/json");
        if (text.length) spec.text = text;
        responses[status] = spec;
        if (/^[45]/.test(status) && spec.json && !errorSchema) errorSchema = spec.json;
      }
      ops.push({
        id: op.operationId ?? key,
        method: method.toUpperCase(),
        template,
        family,
        scope: op.security?.[0]?.bearer?.[0] ?? null,
        pathParams: params
          .filter((p) => p.in === "path")
          .map((p) => ({ name: p.name, schema: p.schema ?? { type: "string" } })),
        queryParams: params
          .filter((p) => p.in === "query")
          .map((p) => ({ name: p.name, schema: p.schema ?? { type: "string" } })),
        body,
        altBodies: EXTRA_BODIES[key] ?? [],
        responses,
        errorSchema: errorSchema ?? (family === "api" ? API_ERROR_SCHEMA : OFREP_ERROR_SCHEMA),
        cap: CAPS[key] ?? (body?.kind === "json" ? JSON_CAP : body ? IMPORT_CAP : null),
        source: "openapi",
      });
    }
  }
  return ops;
}

export interface RouteFile {
  method: string;
  template: string;
  file: string;
}

/** Route handlers under app/api/v1 and app/ofrep, from the files and their exported methods. */
export function discoverRoutes(appDir: string): RouteFile[] {
  const out: RouteFile[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // A catch-all ([...path]) answers unknown paths with a JSON 404: not an operation of its own;
      // the odd paths generated for every operation reach it.
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("[...")) walk(full);
      } else if (/^route\.(ts|tsx|js|mjs)$/.test(entry.name)) {
        const rel = path.relative(appDir, path.dirname(full)).split(path.sep);
        const segments = rel
          .filter((s) => !/^\(.*\)$/.test(s))
          .map((s) => s.replace(/^\[\[?(?:\.\.\.)?(\w+)\]?\]$/, "{$1}"));
        const template = `/${segments.join("/")}`;
        const source = fs.readFileSync(full, "utf8");
        const methods = new Set<string>();
        for (const m of source.matchAll(
          /export\s+(?:const|let|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g,
        ))
          methods.add(m[1]!);
        for (const m of source.matchAll(/export\s*\{([^}]*)\}/g))
          for (const name of m[1]!.split(",")) {
            const exported = name
              .trim()
              .split(/\s+as\s+/)
              .pop()!;
            if (METHODS.includes(exported.toLowerCase())) methods.add(exported);
          }
        for (const method of methods) out.push({ method, template, file: path.relative(path.dirname(appDir), full) });
      }
    }
  };
  walk(path.join(appDir, "api", "v1"));
  walk(path.join(appDir, "ofrep"));
  return out.sort((a, b) => a.template.localeCompare(b.template) || a.method.localeCompare(b.method));
}

/** A description for a route nobody described: string path params, any JSON body, any token scope. */
function genericOperation(route: RouteFile): FuzzOperation {
  const family: Family = route.template.startsWith("/ofrep/") ? "ofrep" : "api";
  const hasBody = route.method !== "GET" && route.method !== "DELETE";
  return {
    id: `${route.method} ${route.template} (generic)`,
    method: route.method,
    template: route.template,
    family,
    scope: "*",
    pathParams: [...route.template.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1]!,
      schema: { type: "string", maxLength: 80 },
    })),
    queryParams: [],
    body: hasBody ? { kind: "json", schema: true } : null,
    altBodies: [],
    responses: {},
    errorSchema: family === "api" ? API_ERROR_SCHEMA : OFREP_ERROR_SCHEMA,
    cap: hasBody ? (family === "ofrep" ? OFREP_CAP : JSON_CAP) : null,
    source: "generic",
  };
}

export interface Coverage {
  operations: FuzzOperation[];
  /** Routes in app/ that the document does not list (fuzzed from a hand-written or generic description). */
  missingFromDocument: RouteFile[];
  /** Routes nobody described: fuzzed generically; the report asks for a description. */
  undescribed: RouteFile[];
  /** Operations of the document without a route file (a stale document). */
  withoutRoute: string[];
}

const keyOf = (method: string, template: string) => `${method.toUpperCase()} ${template}`;

export function planCoverage(doc: OpenApiDocument, appDir: string | null): Coverage {
  const documented = operationsFromDocument(doc);
  const operations = [...documented];
  const known = new Set(documented.map((o) => keyOf(o.method, o.template)));
  const missingFromDocument: RouteFile[] = [];
  const undescribed: RouteFile[] = [];
  const routes = appDir ? discoverRoutes(appDir) : [];
  for (const route of routes) {
    const key = keyOf(route.method, route.template);
    if (known.has(key)) continue;
    missingFromDocument.push(route);
    const described = HAND_WRITTEN.find((o) => keyOf(o.method, o.template) === key);
    if (described) operations.push(described);
    else {
      undescribed.push(route);
      operations.push(genericOperation(route));
    }
    known.add(key);
  }
  // Without app/ (fuzzing a deployed server), the hand-written OFREP operations are still covered.
  if (!appDir) for (const o of HAND_WRITTEN) if (!known.has(keyOf(o.method, o.template))) operations.push(o);
  const routeKeys = new Set(routes.map((r) => keyOf(r.method, r.template)));
  const withoutRoute = appDir
    ? documented.filter((o) => !routeKeys.has(keyOf(o.method, o.template))).map((o) => keyOf(o.method, o.template))
    : [];
  return { operations, missingFromDocument, undescribed, withoutRoute };
}
