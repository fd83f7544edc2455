import { z } from "zod";
import type { TokenScope } from "@/lib/auth/permissions";
import {
  checklistItemResponseSchema,
  decisionResponseSchema,
  errorResponseSchema,
  PLAN_PAGE_DEFAULT,
  PLAN_PAGE_MAX,
  planListResponseSchema,
  planResponseSchema,
  planStatusResponseSchema,
} from "@/lib/validation/api";
import { itemPatchBodySchema } from "@/lib/validation/checklists";
import { ingestResponseSchema, metricsJsonDocSchema } from "@/lib/validation/metrics";
import { decisionBodySchema } from "@/lib/validation/plans";
import { planDocumentSchema } from "@/lib/domain/plan-markdown/schema";

// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas that validate
// requests. Every route handler under app/api/v1 must appear here (a test walks app/ to check).

interface Operation {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  summary: string;
  scope: TokenScope | null;
  body?: z.ZodType;
  /** A body that is a document, not JSON (media types it may be sent as). */
  textBody?: { types: string[]; description: string };
  query?: { name: string; description: string; schema: Record<string, unknown> }[];
  response: z.ZodType;
  /** Media types the 200 response may also be, as a document (e.g. text/markdown). */
  textResponse?: string[];
  errors: number[];
}

const pathParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema:
    name === "key" ? { type: "string", pattern: "^[a-z0-9][a-z0-9._-]{0,79}$" } : { type: "string", format: "uuid" },
});

const planImportResponseSchema = z.object({
  planId: z.uuid().optional().meta({ description: "Only with ?save=1" }),
  preview: planDocumentSchema,
});
const planExportJsonSchema = z.object({ format: z.literal("phasegate.plan.v1"), plan: planDocumentSchema });

export const operations: Operation[] = [
  {
    method: "get",
    path: "/api/v1/plans",
    summary:
      "The plans of the token's project, newest first, a page at a time: phase, traffic, status, health, next milestone",
    scope: "plans:read",
    query: [
      {
        name: "limit",
        description: `Plans per page, 1 to ${PLAN_PAGE_MAX} (default ${PLAN_PAGE_DEFAULT})`,
        schema: { type: "integer", minimum: 1, maximum: PLAN_PAGE_MAX, default: PLAN_PAGE_DEFAULT },
      },
      { name: "cursor", description: "nextCursor from the previous page", schema: { type: "string" } },
    ],
    response: planListResponseSchema,
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/api/v1/plans/{planId}",
    summary: "One plan with its phases, and the change freeze holding it or the next to come",
    scope: "plans:read",
    response: planResponseSchema,
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/api/v1/plans/{planId}/status",
    summary: "Is the active phase go? The gate with every unmet condition, and the change freeze holding the plan",
    scope: "plans:read",
    response: planStatusResponseSchema,
    errors: [400, 401, 403, 404],
  },
  {
    method: "post",
    path: "/api/v1/plans/{planId}/decisions",
    summary:
      "Record go / no_go / rollback on the active phase, at the plan version the caller saw (409 when it changed or the gate does not hold)",
    scope: "decisions:write",
    body: decisionBodySchema,
    response: decisionResponseSchema,
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    method: "patch",
    path: "/api/v1/checklists/{checklistId}/items/{key}",
    summary:
      "Tick a checklist item by its key (done / not_applicable / blocked / open) with evidence; voids the checklist's sign-offs",
    scope: "checklists:write",
    body: itemPatchBodySchema,
    response: checklistItemResponseSchema,
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    method: "post",
    path: "/api/v1/metrics",
    summary:
      "Push KPI samples per cohort (canary, baseline): JSON, or Prometheus text exposition format (Content-Type: text/plain, plan in ?plan=). A rate can be pushed as counts (numerator and denominator, e.g. errors and requests per minute) so the canary judge tests counts, not averaged percentages. All or nothing: any bad row rejects the batch with 422 naming each row",
    scope: "metrics:write",
    body: metricsJsonDocSchema,
    response: ingestResponseSchema,
    errors: [400, 401, 403, 404, 409, 413, 422],
  },
  {
    method: "post",
    path: "/api/v1/plans/import",
    summary:
      "Read a Markdown rollout plan (English or Indonesian headings): without ?save=1 the preview of what was understood (phases with traffic %, checklists, KPIs with thresholds, triggers, risks, comms, roles, notes) and nothing is saved; with ?save=1 the plan is created in the token's project",
    scope: "plans:write",
    textBody: { types: ["text/markdown", "text/plain"], description: "The plan as Markdown (at most 1 MB)" },
    query: [
      {
        name: "save",
        description: "1 to save the plan; otherwise only the preview is returned",
        schema: { type: "string", enum: ["1"] },
      },
      {
        name: "project",
        description: "The token's project id (optional; another project is refused)",
        schema: { type: "string", format: "uuid" },
      },
      { name: "name", description: "Plan name to use instead of the document's title", schema: { type: "string" } },
      { name: "version", description: "Release version, when the document states none", schema: { type: "string" } },
    ],
    response: planImportResponseSchema,
    errors: [400, 401, 403, 404, 413, 422],
  },
  {
    method: "get",
    path: "/api/v1/plans/{planId}/export",
    summary:
      "The plan as a document: Markdown in the shape teams write (stages table, task lists, KPI table) or JSON in the import's preview shape; re-importing it gives the same plan",
    scope: "plans:read",
    query: [
      {
        name: "format",
        description: "markdown (default) or json",
        schema: { type: "string", enum: ["markdown", "json"] },
      },
    ],
    response: planExportJsonSchema,
    textResponse: ["text/markdown"],
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    scope: null,
    response: z.object({ openapi: z.string() }).passthrough(),
    errors: [],
  },
];

const errorText: Record<number, string> = {
  400: "Invalid input: the body names each bad field",
  401: "Missing, unknown, expired or revoked token",
  403: "The token lacks the scope the operation needs",
  404: "No such plan, checklist or item key in the token's project",
  409: "The plan changed since the version sent, or its state does not allow this (a finished plan takes no samples)",
  413: "The body is larger than the operation accepts (1 MB of JSON, 10 MB of samples, 1 MB of Markdown); nothing past the cap was read",
  422: "The batch (or the imported plan) was refused as a whole; `fields` names each bad row or field",
};

const schemaOf = (schema: z.ZodType, io: "input" | "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  void _drop;
  return rest;
};

export function openApiDocument(serverUrl = "/") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const error = schemaOf(errorResponseSchema, "output");
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      operationId: `${op.method}${op.path
        .replace(/\/api\/v1/, "")
        .replace(/[{}]/g, "")
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/\W/g, "")}`,
      ...(op.scope
        ? { security: [{ bearer: [op.scope] }], description: `Token scope: \`${op.scope}\`.` }
        : { security: [] }),
      ...(op.path.includes("{") || op.query
        ? {
            parameters: [
              ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => pathParam(m[1]!)),
              ...(op.query ?? []).map((q) => ({ ...q, in: "query", required: false })),
            ],
          }
        : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body, "input") } } } }
        : {}),
      ...(op.textBody
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                op.textBody.types.map((t) => [
                  t,
                  { schema: { type: "string", description: op.textBody!.description } },
                ]),
              ),
            },
          }
        : {}),
      responses: {
        200: {
          description: "OK",
          content: {
            "application/json": { schema: schemaOf(op.response, "output") },
            ...Object.fromEntries((op.textResponse ?? []).map((t) => [t, { schema: { type: "string" } }])),
          },
        },
        ...Object.fromEntries(
          op.errors.map((code) => [
            code,
            { description: errorText[code], content: { "application/json": { schema: error } } },
          ]),
        ),
        503: {
          description: "The database is not answering; retry",
          content: { "application/json": { schema: error } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Phasegate API",
      version: "1",
      description:
        "For pipelines: plan status, go/no-go decisions, checklist items, metrics. Authenticate with a project API token: `Authorization: Bearer <token>`.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A project API token (pgt_…) with the scopes the operation names",
        },
      },
    },
    paths,
  };
}
