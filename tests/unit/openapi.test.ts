import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { openApiDocument, operations } from "@/lib/api/openapi";

// Walks app/api/v1 for route handlers: a route missing from the OpenAPI document fails here.
function routeFiles(dir: string, prefix: string): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const segment = entry.name.startsWith("[") ? `{${entry.name.slice(1, -1)}}` : entry.name;
      out.push(...routeFiles(full, `${prefix}/${segment}`));
    } else if (entry.name === "route.ts") {
      const source = fs.readFileSync(full, "utf8");
      const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) =>
        new RegExp(`export (const|async function|function) ${m}\\b`).test(source),
      );
      out.push({ path: prefix, methods });
    }
  }
  return out;
}

describe("OpenAPI document", () => {
  const doc = openApiDocument();
  const routes = routeFiles(path.join(process.cwd(), "app/api/v1"), "/api/v1");

  test("is OpenAPI 3.1 with a bearer scheme", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  test("the walk finds the routes", () => {
    expect(routes.length).toBeGreaterThanOrEqual(4);
  });

  test.each(routes.flatMap((r) => r.methods.map((m) => [m, r.path] as const)))(
    "%s %s is described",
    (method, route) => {
      const op = (doc.paths[route] as Record<string, { responses: Record<string, unknown> }> | undefined)?.[
        method.toLowerCase()
      ];
      expect(op, `${method} ${route} is missing from lib/api/openapi.ts`).toBeDefined();
      expect(op!.responses["200"]).toBeDefined();
    },
  );

  test("every described operation exists as a route", () => {
    for (const op of operations) {
      const route = routes.find((r) => r.path === op.path);
      expect(route?.methods, `${op.path} has no route handler`).toContain(op.method.toUpperCase());
    }
  });

  test("the decision body comes from the validation schema", () => {
    const post = doc.paths["/api/v1/plans/{planId}/decisions"]!.post as {
      requestBody: {
        content: { "application/json": { schema: { properties: Record<string, unknown>; required: string[] } } };
      };
    };
    const schema = post.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(["kind", "overrideReason", "rationale", "version"]);
    expect(schema.required).toEqual(expect.arrayContaining(["kind", "rationale", "version"]));
  });
});
