import { z } from "zod";
import type { TokenScope } from "@/lib/auth/permissions";
import { checklistItemResponseSchema, decisionResponseSchema, errorResponseSchema, planListResponseSchema, planResponseSchema, planStatusResponseSchema } from "@/lib/validation/api";
import { itemPatchBodySchema } from "@/lib/validation/checklists";
import { ingestResponseSchema, metricsJsonDocSchema } from "@/lib/validation/metrics";
import { decisionBodySchema } from "@/lib/validation/plans";

// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas that validate
// requests. Every route handler under app/api/v1 must appear here (a test walks app/ to check).

interface Operation {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  summary: string;
  scope: TokenScope | null;
  body?: z.ZodType;
  response: z.ZodType;
  errors: number[];
}

const pathParam = (name: string) => ({ name, in: "path", required: true, schema: name === "key" ? { type: "string", pattern: "^[a-z0-9][a-z0-9._-]{0,79}$" } : { type: "string", format: "uuid" } });

export const operations: Operation[] = [
  { method: "get", path: "/api/v1/plans", summary: "The plans of the token's project: phase, traffic, status, health, next milestone", scope: "plans:read", response: planListResponseSchema, errors: [401, 403] },
  { method: "get", path: "/api/v1/plans/{planId}", summary: "One plan with its phases", scope: "plans:read", response: planResponseSchema, errors: [401, 403, 404] },
  { method: "get", path: "/api/v1/plans/{planId}/status", summary: "Is the active phase go? The gate with every unmet condition", scope: "plans:read", response: planStatusResponseSchema, errors: [401, 403, 404] },
  {
    method: "post",
    path: "/api/v1/plans/{planId}/decisions",
    summary: "Record go / no_go / rollback on the active phase, at the plan version the caller saw (409 when it changed or the gate does not hold)",
    scope: "decisions:write",
    body: decisionBodySchema,
    response: decisionResponseSchema,
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: "patch",
    path: "/api/v1/checklists/{checklistId}/items/{key}",
    summary: "Tick a checklist item by its key (done / not_applicable / blocked / open) with evidence; voids the checklist's sign-offs",
    scope: "checklists:write",
    body: itemPatchBodySchema,
    response: checklistItemResponseSchema,
    errors: [400, 401, 403, 404, 409],
  },
  {
    method: "post",
    path: "/api/v1/metrics",
    summary: "Push KPI samples: JSON, or Prometheus text exposition format (Content-Type: text/plain, plan in ?plan=). All or nothing: any bad row rejects the batch with 422 naming each row",
    scope: "metrics:write",
    body: metricsJsonDocSchema,
    response: ingestResponseSchema,
    errors: [400, 401, 403, 404, 422],
  },
  { method: "get", path: "/api/v1/openapi.json", summary: "This document", scope: null, response: z.object({ openapi: z.string() }).passthrough(), errors: [] },
];

const errorText: Record<number, string> = {
  400: "Invalid input: the body names each bad field",
  401: "Missing, unknown, expired or revoked token",
  403: "The token lacks the scope the operation needs",
  404: "No such plan, checklist or item key in the token's project",
  409: "The plan changed since the version sent, or its state does not allow this",
  422: "The batch was refused as a whole; `fields` names each bad row (\"row 3\": [reasons])",
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
      operationId: `${op.method}${op.path.replace(/\/api\/v1/, "").replace(/[{}]/g, "").replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/\W/g, "")}`,
      ...(op.scope ? { security: [{ bearer: [op.scope] }], description: `Token scope: \`${op.scope}\`.` } : { security: [] }),
      ...(op.path.includes("{") ? { parameters: [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => pathParam(m[1]!)) } : {}),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(op.body, "input") } } } } : {}),
      responses: {
        200: { description: "OK", content: { "application/json": { schema: schemaOf(op.response, "output") } } },
        ...Object.fromEntries(op.errors.map((code) => [code, { description: errorText[code], content: { "application/json": { schema: error } } }])),
        503: { description: "The database is not answering; retry", content: { "application/json": { schema: error } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Phasegate API", version: "1", description: "For pipelines: plan status, go/no-go decisions, checklist items, metrics. Authenticate with a project API token: `Authorization: Bearer <token>`." },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A project API token (pgt_…) with the scopes the operation names" } } },
    paths,
  };
}
