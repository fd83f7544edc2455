import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";
import { decodablePath, Draw, encodeComponent } from "@/tests/fuzz/cases";
import { arbitraryFor } from "@/tests/fuzz/generate";
import { codePointLength, deref, isValid, type JsonPath, type JsonSchema, validate } from "@/tests/fuzz/json-schema";
import { rawMutationArb, rawViolates, valueMutations } from "@/tests/fuzz/mutate";
import type { RawResponse } from "@/tests/fuzz/http";
import { HAND_WRITTEN, OFREP_ERROR_SCHEMA, operationsFromDocument, planCoverage } from "@/tests/fuzz/operations";
import { type CaseFacts, judge } from "@/tests/fuzz/oracle";

// The API fuzz (tests/fuzz, npm run fuzz) generates requests from the OpenAPI document's JSON
// Schemas. These tests hold its generator to the schemas: generated values satisfy them, and
// the hostile mutations really break them where they claim to.

const root = {
  components: {
    schemas: {
      Id: { type: "string", format: "uuid" },
      Phase: {
        type: "object",
        properties: {
          name: { type: "string", minLength: 1, maxLength: 20 },
          traffic: { type: "number", minimum: 0, maximum: 100 },
        },
        required: ["name", "traffic"],
        additionalProperties: false,
      },
    },
  },
};

// Each keyword of the subset the document uses, alone and combined.
const SUBSET: Record<string, JsonSchema> = {
  "object with required, optional and no additional properties": {
    type: "object",
    properties: { a: { type: "string" }, b: { type: "integer" }, c: { type: "boolean" } },
    required: ["a"],
    additionalProperties: false,
  },
  "additionalProperties as a schema with propertyNames": {
    type: "object",
    propertyNames: { type: "string", pattern: "^[a-z]+$" },
    additionalProperties: { type: "array", items: { type: "string" } },
  },
  "open object (additional properties allowed)": {
    type: "object",
    properties: { id: { type: "string" } },
    required: ["id"],
  },
  "string enum": { type: "string", enum: ["go", "no_go", "rollback"] },
  const: { const: "phasegate.plan.v1" },
  uuid: { type: "string", format: "uuid" },
  "date-time": { type: "string", format: "date-time" },
  uri: { type: "string", format: "uri" },
  "string length": { type: "string", minLength: 3, maxLength: 7 },
  pattern: { type: "string", pattern: "^[a-z0-9][a-z0-9._-]{0,79}$" },
  "zod's iso datetime pattern": {
    type: "string",
    format: "date-time",
    pattern:
      "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$",
  },
  "integer range": { type: "integer", minimum: 1, maximum: 9007199254740991 },
  "number range": { type: "number", minimum: -2.5, maximum: 100 },
  "exclusive bounds": { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
  "array bounds": { type: "array", items: { type: "integer", minimum: 0, maximum: 9 }, minItems: 2, maxItems: 5 },
  boolean: { type: "boolean" },
  "anyOf with null (zod nullable)": {
    anyOf: [
      { type: "object", properties: { x: { type: "number" } }, required: ["x"], additionalProperties: false },
      { type: "null" },
    ],
  },
  oneOf: { oneOf: [{ type: "string", maxLength: 3 }, { type: "integer" }] },
  "type array": { type: ["string", "number"] },
  "type array with null": { type: ["number", "null"] },
  "OpenAPI 3.0 nullable": { type: "string", nullable: true, maxLength: 4 },
  "$ref into components": {
    type: "object",
    properties: {
      id: { $ref: "#/components/schemas/Id" },
      phases: { type: "array", items: { $ref: "#/components/schemas/Phase" }, maxItems: 3 },
    },
    required: ["id", "phases"],
  },
  allOf: {
    allOf: [
      { type: "object", properties: { a: { type: "integer" } }, required: ["a"] },
      { type: "object", properties: { b: { type: "string" } }, required: ["b"] },
    ],
  },
  "empty schema (anything)": {},
};

function schemasOfDocument(): [string, JsonSchema][] {
  const doc = openApiDocument() as unknown as Parameters<typeof operationsFromDocument>[0];
  const out: [string, JsonSchema][] = [];
  for (const op of operationsFromDocument(doc)) {
    if (op.body?.kind === "json") out.push([`${op.method} ${op.template} request`, op.body.schema]);
    for (const [status, r] of Object.entries(op.responses))
      if (r.json) out.push([`${op.method} ${op.template} ${status}`, r.json]);
  }
  for (const op of HAND_WRITTEN) {
    if (op.body?.kind === "json") out.push([`${op.method} ${op.template} request`, op.body.schema]);
    for (const [status, r] of Object.entries(op.responses))
      if (r.json) out.push([`${op.method} ${op.template} ${status}`, r.json]);
  }
  return out;
}

describe("JSON Schema → fast-check generator", () => {
  it.each(Object.entries(SUBSET))("%s: generated values satisfy the schema", (_, schema) => {
    fc.assert(
      fc.property(arbitraryFor(schema, { root }), (value) => {
        expect(validate(schema, value, root)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it.each(schemasOfDocument())("the OpenAPI document's %s: generated values satisfy it", (_, schema) => {
    const doc = openApiDocument();
    fc.assert(
      fc.property(arbitraryFor(schema, { root: doc }), (value) => {
        expect(validate(schema, value, doc)).toEqual([]);
        // And it survives the trip through JSON (what is sent is what was checked).
        expect(validate(schema, JSON.parse(JSON.stringify(value)), doc)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("is deterministic by seed", () => {
    const schema = SUBSET["$ref into components"]!;
    const a = fc.sample(arbitraryFor(schema, { root }), { seed: 42, numRuns: 20 });
    const b = fc.sample(arbitraryFor(schema, { root }), { seed: 42, numRuns: 20 });
    expect(a).toEqual(b);
    const d1 = new Draw(7, 3);
    const d2 = new Draw(7, 3);
    expect([d1.int(0, 1e6), d1.pick(["a", "b", "c"]), d1.bool(0.5)]).toEqual([
      d2.int(0, 1e6),
      d2.pick(["a", "b", "c"]),
      d2.bool(0.5),
    ]);
  });

  it("takes hints for fields, and otherwise covers optional properties both ways", () => {
    const schema = SUBSET["object with required, optional and no additional properties"]!;
    const hinted = fc.sample(
      arbitraryFor(schema, { hint: (path) => (path.join(".") === "a" ? fc.constant("real-id") : undefined) }),
      { seed: 1, numRuns: 50 },
    );
    expect(hinted.every((v) => (v as { a: string }).a === "real-id")).toBe(true);
    const values = fc.sample(arbitraryFor(schema), { seed: 2, numRuns: 200 }) as Record<string, unknown>[];
    expect(values.some((v) => "b" in v)).toBe(true);
    expect(values.some((v) => !("b" in v))).toBe(true);
  });

  it("refuses a schema that admits nothing", () => {
    expect(() => arbitraryFor(false)).toThrow(/admits no value/);
    expect(() => arbitraryFor({ type: "integer", minimum: 5, maximum: 4 })).toThrow(/Empty range/);
  });
});

describe("the validator", () => {
  const phase = { $ref: "#/components/schemas/Phase" };
  it.each<[string, JsonSchema, unknown, JsonPath | null]>([
    ["a valid object", phase, { name: "GA", traffic: 100 }, null],
    ["a missing required property", phase, { name: "GA" }, ["traffic"]],
    ["an undeclared property", phase, { name: "GA", traffic: 1, extra: true }, ["extra"]],
    ["a wrong type", phase, { name: 5, traffic: 1 }, ["name"]],
    ["a number above the maximum", phase, { name: "GA", traffic: 100.5 }, ["traffic"]],
    ["a string too long, in code points", { type: "string", maxLength: 2 }, "abc", []],
    ["astral characters count once", { type: "string", maxLength: 2 }, "😀😀", null],
    ["a lone surrogate counts once", { type: "string", minLength: 1, maxLength: 1 }, "\ud800", null],
    ["a pattern mismatch", { type: "string", pattern: "^[a-z]+$" }, "ABC", []],
    ["a bad uuid", { type: "string", format: "uuid" }, "not-a-uuid", []],
    ["a bad date-time", { type: "string", format: "date-time" }, "2026-02-30T10:00:00Z", []],
    ["a relative uri", { type: "string", format: "uri" }, "/just/a/path", []],
    ["an integer with a fraction", { type: "integer" }, 1.5, []],
    ["NaN is not JSON", { type: "number" }, Number.NaN, []],
    ["undefined is not JSON", {}, undefined, []],
    ["not in the enum", { enum: ["a", "b"] }, "c", []],
    ["anyOf: matches none", { anyOf: [{ type: "string" }, { type: "null" }] }, 3, []],
    ["oneOf: matches two", { oneOf: [{ type: "number" }, { type: "integer" }] }, 3, []],
    ["null allowed by nullable", { type: "string", nullable: true }, null, null],
    ["too many items", { type: "array", maxItems: 1 }, [1, 2], []],
    ["an item of the wrong type", { type: "array", items: { type: "string" } }, ["a", 2], [1]],
    [
      "a property name breaking propertyNames",
      { type: "object", propertyNames: { pattern: "^[a-z]+$" } },
      { Bad: 1 },
      ["Bad"],
    ],
  ])("%s", (_, schema, value, errorAt) => {
    const errors = validate(schema, value, root);
    if (errorAt === null) expect(errors).toEqual([]);
    else expect(errors.map((e) => e.path)).toContainEqual(errorAt);
  });

  it("follows $ref chains and refuses unresolvable ones", () => {
    const chained = { components: { schemas: { A: { $ref: "#/components/schemas/B" }, B: { type: "integer" } } } };
    expect(deref({ $ref: "#/components/schemas/A" }, chained)).toEqual({ type: "integer" });
    expect(isValid({ $ref: "#/components/schemas/A" }, 1, chained)).toBe(true);
    expect(isValid({ $ref: "#/components/schemas/A" }, "1", chained)).toBe(false);
    expect(() => validate({ $ref: "#/components/schemas/Missing" }, 1, chained)).toThrow(/Unresolvable/);
  });

  it("counts length in code points", () => {
    expect(codePointLength("a😀\ud800")).toBe(3);
  });
});

// Mutation kinds that must break the schema whenever the generator offers them.
const ALWAYS_VIOLATE = new Set([
  "wrong-type",
  "missing-required",
  "too-long",
  "too-short",
  "out-of-range",
  "fraction-for-integer",
  "enum-violation",
  "format-violation",
  "too-many-items",
  "body-not-object",
]);

function valueAt(body: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], body);
}

describe("hostile mutations", () => {
  const targets: [string, JsonSchema][] = [
    ...Object.entries(SUBSET).filter(
      ([name]) => !["empty schema (anything)", "type array", "oneOf", "allOf"].includes(name),
    ),
    ...schemasOfDocument().filter(([name]) => name.endsWith("request")),
  ];

  it.each(targets)("%s: each mutation that claims to break the schema breaks it at the field it names", (_, schema) => {
    const doc = openApiDocument();
    // One root for both: the document's components plus the test's schemas.
    const base = { ...doc, components: { ...doc.components, ...root.components } };
    fc.assert(
      fc.property(arbitraryFor(schema, { root: base }), (value) => {
        const mutations = valueMutations(schema, value, base);
        for (const m of mutations) {
          const errors = validate(schema, m.value, base);
          expect(m.violates, `${m.kind} ${m.description}`).toBe(errors.length > 0);
          if (ALWAYS_VIOLATE.has(m.kind)) {
            expect(m.violates, `${m.kind} ${m.description} should break the schema`).toBe(true);
            // The error is at the mutated field, or inside it (a wrong-type object…), or at its parent (anyOf).
            const at = (p: JsonPath) => JSON.stringify(p);
            const parents = m.path.map((_, i) => at(m.path.slice(0, i)));
            expect(
              errors.some(
                (e) =>
                  at(e.path) === at(m.path) ||
                  at(e.path).startsWith(at(m.path).slice(0, -1)) ||
                  parents.includes(at(e.path)),
              ),
              `${m.kind} ${m.description}: errors ${JSON.stringify(errors)}`,
            ).toBe(true);
          }
          if (m.kind === "missing-required") expect(valueAt(m.value, m.path)).toBeUndefined();
          if (m.kind === "too-long")
            expect(codePointLength(valueAt(m.value, m.path) as string)).toBeGreaterThan(
              codePointLength(valueAt(value, m.path) as string),
            );
        }
        // The original is never touched.
        expect(validate(schema, value, base)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  it("offers the kinds the brief asks for on a real request body", () => {
    const doc = openApiDocument() as unknown as Parameters<typeof operationsFromDocument>[0];
    const decisions = operationsFromDocument(doc).find((o) => o.template.endsWith("/decisions"))!;
    const schema = (decisions.body as { schema: JsonSchema }).schema;
    const kinds = new Set(
      valueMutations(schema, { version: 3, kind: "go", rationale: "green" }, doc).map((m) => m.kind),
    );
    for (const kind of [
      "wrong-type",
      "missing-required",
      "extra-field",
      "huge-string",
      "unicode",
      "special-number-string",
      "huge-number",
      "out-of-range",
      "fraction-for-integer",
      "enum-violation",
      "too-short",
      "body-not-object",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    const unicode = valueMutations(schema, { version: 3, kind: "go", rationale: "green" }, doc)
      .filter((m) => m.kind === "unicode")
      .map((m) => (m.value as { rationale?: string; kind?: string }).rationale ?? "");
    expect(unicode.some((s) => s.includes("\u0000"))).toBe(true);
    expect(unicode.some((s) => /[\ud800-\udbff](?![\udc00-\udfff])/.test(s))).toBe(true);
    expect(unicode.some((s) => s.includes("\u202e"))).toBe(true);
  });

  it("raw mutations are not JSON satisfying the schema, except those a server may accept", () => {
    const schema: JsonSchema = { type: "object", properties: { state: { type: "string" } }, required: ["state"] };
    const json = JSON.stringify({ state: "done", evidenceNote: "ok" });
    fc.assert(
      fc.property(rawMutationArb(json), (r) => {
        if (r.violates === null) return;
        expect(rawViolates(r.body, schema), `${r.kind}: ${r.description}`).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(rawViolates(Buffer.from(json), schema)).toBe(false);
  });

  it("sends lone surrogates in paths as their (invalid UTF-8) WTF-8 bytes instead of throwing", () => {
    expect(() => encodeURIComponent("\ud800")).toThrow();
    expect(encodeComponent("a\ud800/b")).toBe("a%ED%A0%80%2Fb");
    expect(encodeComponent("é😀")).toBe(encodeURIComponent("é😀"));
  });
});

describe("coverage of the routes", () => {
  it("finds the OFREP routes the OpenAPI document leaves out and describes them by hand", () => {
    const coverage = planCoverage(
      openApiDocument() as unknown as Parameters<typeof planCoverage>[0],
      `${process.cwd()}/app`,
    );
    const keys = coverage.operations.map((o) => `${o.method} ${o.template}`);
    expect(keys).toContain("GET /api/v1/plans");
    expect(keys).toContain("POST /ofrep/v1/evaluate/flags/{key}");
    expect(keys).toContain("POST /ofrep/v1/evaluate/flags");
    expect(coverage.withoutRoute).toEqual([]);
    // Every route in app/ is fuzzed, documented or not.
    for (const r of coverage.missingFromDocument) expect(keys).toContain(`${r.method} ${r.template}`);
    expect(isValid(OFREP_ERROR_SCHEMA, { errorCode: "PARSE_ERROR", errorDetails: "x" })).toBe(true);
    expect(isValid(OFREP_ERROR_SCHEMA, { error: { code: "x", message: "y" } })).toBe(false);
  });
});

describe("paths refused before the body is read", () => {
  it("an undecodable segment makes the path the request's fault, not the body's field", () => {
    expect(decodablePath("/ofrep/v1/evaluate/flags/%C0%AF")).toBe(false);
    expect(decodablePath("/api/v1/plans/%zz")).toBe(false);
    expect(decodablePath("/ofrep/v1/evaluate/flags/%F0%9F%92%A9")).toBe(true);
    expect(decodablePath("/api/v1/plans/a%2Fb?x=%zz")).toBe(true);
  });
});

describe("the oracle", () => {
  const doc = openApiDocument() as unknown as Parameters<typeof operationsFromDocument>[0];
  const ops = operationsFromDocument(doc);
  const decisions = ops.find((o) => o.template.endsWith("/decisions"))!;
  const ofrep = HAND_WRITTEN.find((o) => o.template.endsWith("{key}"))!;
  const answer = (status: number, body: unknown, type = "application/json"): RawResponse => ({
    status,
    headers: { "content-type": type },
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
    ms: 1,
  });
  const facts = (extra: Partial<CaseFacts> = {}): CaseFacts => ({ bodyViolates: false, expectations: [], ...extra });
  const symptoms = (r: ReturnType<typeof judge>) => r.findings.map((f) => f.symptom);

  it("accepts a documented error and a documented success", () => {
    expect(
      symptoms(
        judge(
          decisions,
          facts(),
          answer(409, { error: { code: "conflict:state", message: "The gate does not hold" } }),
          true,
        ),
      ),
    ).toEqual([]);
    const ok = {
      decisionId: "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
      kind: "no_go",
      status: "in_progress",
      version: 5,
      trafficPercent: 10,
      activePhase: "Pilot",
      overridden: [],
      incidentId: null,
    };
    expect(symptoms(judge(decisions, facts(), answer(200, ok), true))).toEqual([]);
  });

  it("flags 5xx (a 503 only while the database answers), missing answers and undocumented error bodies", () => {
    expect(symptoms(judge(decisions, facts(), answer(500, "Internal Server Error", "text/plain"), true))).toEqual([
      "server-error",
    ]);
    expect(
      symptoms(
        judge(decisions, facts(), answer(503, { error: { code: "unavailable:database", message: "retry" } }), false),
      ),
    ).toEqual([]);
    expect(
      symptoms(
        judge(decisions, facts(), answer(503, { error: { code: "unavailable:database", message: "retry" } }), true),
      ),
    ).toEqual(["server-error"]);
    expect(symptoms(judge(decisions, facts(), { error: "connection failed: ECONNRESET", ms: 3 }, true))).toEqual([
      "no-response",
    ]);
    expect(symptoms(judge(decisions, facts(), answer(404, "<!DOCTYPE html>", "text/html"), true))).toEqual([
      "error-shape",
    ]);
    expect(symptoms(judge(decisions, facts(), answer(400, { message: "bad" }), true))).toEqual(["error-shape"]);
    expect(
      symptoms(judge(ofrep, facts(), answer(400, { errorCode: "PARSE_ERROR", errorDetails: "not JSON" }), true)),
    ).toEqual([]);
    expect(
      symptoms(judge(ofrep, facts(), answer(401, { error: { code: "unauthorized:auth", message: "no" } }), true)),
    ).toEqual(["error-shape"]);
  });

  it("wants a 400 caused by a body field to name it", () => {
    const bad = facts({ bodyViolates: true, field: { path: ["kind"], violates: true } });
    expect(
      symptoms(
        judge(
          decisions,
          bad,
          answer(400, { error: { code: "bad_request:validation", message: "Invalid input" } }),
          true,
        ),
      ),
    ).toEqual(["field-not-named"]);
    expect(
      symptoms(
        judge(
          decisions,
          bad,
          answer(400, { error: { code: "bad_request:validation", message: "kind: unknown" } }),
          true,
        ),
      ),
    ).toEqual([]);
    expect(
      symptoms(
        judge(
          decisions,
          bad,
          answer(400, {
            error: { code: "bad_request:validation", message: "Invalid input", fields: { kind: ["unknown"] } },
          }),
          true,
        ),
      ),
    ).toEqual([]);
  });

  it("flags a 2xx that breaks its schema or accepts what it must refuse, and unmet expectations", () => {
    expect(symptoms(judge(decisions, facts(), answer(200, { decisionId: "x" }), true))).toEqual(["response-schema"]);
    const ok = {
      decisionId: "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
      kind: "go",
      status: "in_progress",
      version: 5,
      trafficPercent: 25,
      activePhase: "Expanded",
      overridden: [],
      incidentId: null,
    };
    expect(symptoms(judge(decisions, facts({ bodyViolates: true }), answer(200, ok), true))).toEqual([
      "accepted-invalid",
    ]);
    expect(
      symptoms(
        judge(
          decisions,
          facts({ expectations: [{ not2xx: true, why: "another project's plan" }] }),
          answer(200, ok),
          true,
        ),
      ),
    ).toEqual(["accepted-invalid"]);
    const over = facts({ expectations: [{ statuses: [413], why: "over the cap" }] });
    expect(
      symptoms(
        judge(
          decisions,
          over,
          answer(400, { error: { code: "bad_request:validation", message: "The body is larger than 1000000 bytes" } }),
          true,
        ),
      ),
    ).toEqual(["unexpected-status"]);
    expect(
      symptoms(
        judge(
          decisions,
          over,
          answer(413, { error: { code: "payload_too_large", message: "The body is larger than 1 MB" } }),
          true,
        ),
      ),
    ).toEqual([]);
    const within = facts({ expectations: [{ notStatuses: [413], notSizeRefusal: true, why: "within the cap" }] });
    expect(
      symptoms(
        judge(
          decisions,
          within,
          answer(400, { error: { code: "bad_request:validation", message: "The body is larger than 1000000 bytes" } }),
          true,
        ),
      ),
    ).toEqual(["unexpected-status"]);
    expect(
      symptoms(
        judge(
          decisions,
          within,
          answer(409, { error: { code: "conflict:state", message: "The gate does not hold" } }),
          true,
        ),
      ),
    ).toEqual([]);
  });
});
