import fc from "fast-check";
import type { FuzzTokens, LiveIds } from "./database";
import { arbitraryFor, cached, urlArb } from "./generate";
import type { RawRequest } from "./http";
import type { JsonPath, JsonSchema, JsonSchemaObject } from "./json-schema";
import { NASTY_STRINGS, rawMutationArb, rawViolates, valueMutationArb, type ValueMutationKind } from "./mutate";
import type { FuzzOperation } from "./operations";
import type { CaseFacts, Expectation } from "./oracle";

// One fuzz request at a time: which token, which path parameters (real ids of the token's
// project most of the time; another project's, random and odd ones sometimes), which query, and
// which body — generated from the operation's schema, or a hostile mutation of it, or a body
// over the size cap. Every draw comes from fast-check with a seed derived from (run seed, case
// index, draw number), so a run is reproducible from its seed.

export interface World {
  ids: LiveIds;
  mainProjectId: string;
  otherProjectId: string;
  tokens: FuzzTokens;
  /** The OpenAPI document ($ref root of the schemas). */
  doc: unknown;
  /** Markdown plans to import (exports of the demo's plans and a built-in one). */
  markdown: string[];
  /** ETags seen on bulk evaluations (for If-None-Match). */
  etags: string[];
}

export type AuthKind = "valid" | "none" | "unknown" | "malformed" | "revoked" | "expired" | "wrong-scope";
export type BodyMode =
  "valid" | "mutation" | "raw" | "content-type" | "none" | "oversize" | "under-cap" | "chunked" | "text" | "stall";
export type PathKind = "real" | "real-variant" | "cross" | "random" | "odd" | "odd-near-real";

/** Choices a probe fixes instead of drawing them. */
export interface Forced {
  auth?: AuthKind;
  body?: BodyMode;
  chunked?: boolean;
  /** For metrics: send Prometheus text. */
  text?: boolean;
  path?: "real";
  /** No hostile query parameters or extra headers (a probe tests one thing). */
  clean?: boolean;
  /** For body: "mutation", the kinds to choose from. */
  mutation?: ValueMutationKind[];
}

export interface FuzzCase {
  index: number;
  op: FuzzOperation;
  /** One line: auth, path, body choices (for the report). */
  label: string;
  request: RawRequest;
  facts: CaseFacts;
  /** Token values in headers → what to print instead. */
  redactions: [string, string][];
  probe: boolean;
}

// ---------------------------------------------------------------------------------------------
// Deterministic draws

function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

export class Draw {
  private n = 0;
  constructor(
    private readonly seed: number,
    private readonly index: number,
  ) {}

  arb<T>(arbitrary: fc.Arbitrary<T>): T {
    const seed = mix(mix(this.seed, this.index), this.n++);
    return fc.sample(arbitrary, { seed, numRuns: 1 })[0]!;
  }

  /** Uniform (fast-check's bias towards small values and bounds would skew weighted choices). */
  int(min: number, max: number): number {
    return this.arb(fc.noBias(fc.integer({ min, max })));
  }

  bool(p: number): boolean {
    return this.int(0, 9_999) < p * 10_000;
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)]!;
  }

  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((s, [, w]) => s + w, 0);
    let x = this.int(0, total - 1);
    for (const [value, w] of options) {
      if (x < w) return value;
      x -= w;
    }
    return options[options.length - 1]![0];
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication

const SCOPES = [
  "plans:read",
  "plans:write",
  "decisions:write",
  "checklists:write",
  "metrics:write",
  "flags:evaluate",
] as const;

interface Auth {
  kind: AuthKind;
  headers: Record<string, string>;
  label: string;
  redactions: [string, string][];
}

function fakeToken(d: Draw): string {
  const body = cached("fake-token", () =>
    fc.string({
      minLength: 43,
      maxLength: 43,
      unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
    }),
  );
  return `pgt_${d.arb(body)}`;
}

function buildAuth(d: Draw, op: FuzzOperation, world: World, kind: AuthKind): Auth {
  const t = world.tokens;
  const redactions: [string, string][] = [
    [t.all, "<token: all scopes>"],
    [t.otherProject, "<token: other project>"],
    [t.revoked, "<revoked token>"],
    [t.expired, "<expired token>"],
    ...SCOPES.map((s): [string, string] => [t.byScope[s], `<token: ${s}>`]),
  ];
  const scope = op.scope;
  const carry = (token: string, label: string): Auth => {
    const how = d.weighted([
      ["bearer", 80],
      ["x-api-key", 15],
      ["bearer-odd-case", 5],
    ] as const);
    const headers: Record<string, string> =
      how === "x-api-key"
        ? { "x-api-key": token }
        : how === "bearer"
          ? { authorization: `Bearer ${token}` }
          : { authorization: `bearer   ${token} ` };
    return { kind, headers, label: `${label} via ${how}`, redactions };
  };
  switch (kind) {
    case "valid": {
      if (!scope || scope === "*") return carry(t.all, "all-scopes token");
      return d.bool(0.5)
        ? carry(t.byScope[scope as (typeof SCOPES)[number]] ?? t.all, `${scope} token`)
        : carry(t.all, "all-scopes token");
    }
    case "wrong-scope": {
      const others = SCOPES.filter((s) => s !== scope);
      const s = d.pick(others);
      return carry(t.byScope[s], `${s} token (wrong scope)`);
    }
    case "revoked":
      return carry(t.revoked, "revoked token");
    case "expired":
      return carry(t.expired, "expired token");
    case "unknown":
      return carry(fakeToken(d), "unknown token");
    case "none":
      return { kind, headers: {}, label: "no token", redactions };
    case "malformed": {
      const value = d.pick([
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer a b",
        "Token abc",
        `Bearer ${"x".repeat(4000)}`,
        `Bearer ${t.all}x`,
        `Bearer ${t.all.slice(0, -1)}`,
        `Bearer ${t.all.toUpperCase()}`,
        `Bearer pgt_`,
        `Bearer ${t.all},${t.all}`,
        "Bearer \u00ff\u00fe",
      ]);
      return { kind, headers: { authorization: value }, label: "malformed Authorization header", redactions };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Path parameters

interface Segment {
  value: string;
  kind: PathKind;
  note: string;
}

const ODD_SEGMENTS: readonly string[] = [
  "%",
  "%zz",
  "%ED%A0%80",
  "%C0%AF",
  "%00",
  "%2F",
  "a%2Fb",
  "..%2F..%2Fplans",
  "%2e%2e",
  "%25",
  "%2525",
  "%25zz",
  "%E2%80%AE",
  "%F0%9F%92%A9",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "%27%20OR%201%3D1--",
  "a".repeat(6000),
  "1".repeat(100),
  "%20",
  "~",
  "%3Cscript%3E",
  "%5C",
  "%3F",
  "%23",
  ";",
  "__proto__",
  "constructor",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
];

/**
 * encodeURIComponent that does not throw on lone surrogates: they go out as their WTF-8 bytes
 * (%ED%A0%80 …), which is invalid UTF-8 — exactly the hostile input meant.
 */
export function encodeComponent(value: string): string {
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** True when every segment of the path decodes as percent-encoded UTF-8. */
export function decodablePath(path: string): boolean {
  try {
    for (const segment of (path.split("?")[0] ?? "").split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

function percentEncodeAll(value: string): string {
  return [...Buffer.from(value, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

function oddNearReal(d: Draw, real: string): Segment {
  const variant = d.pick(["%00", "%20", "x", "%2F", "%25", "/", "cut", "braces", "space-before"]);
  const value =
    variant === "cut"
      ? real.slice(0, -1)
      : variant === "braces"
        ? `%7B${real}%7D`
        : variant === "space-before"
          ? `%20${real}`
          : `${real}${variant}`;
  return { value, kind: "odd-near-real", note: `a real id with ${variant}` };
}

function idSegment(d: Draw, own: string[], cross: string[], forced: Forced): Segment {
  if (forced.path === "real" && own.length) return { value: d.pick(own), kind: "real", note: "a real id" };
  const choice = d.weighted([
    ["real", 68],
    ["real-variant", 4],
    ["cross", 8],
    ["random", 9],
    ["odd", 7],
    ["odd-near-real", 4],
  ] as const);
  if ((choice === "real" || choice === "real-variant" || choice === "odd-near-real") && own.length) {
    const real = d.pick(own);
    if (choice === "real") return { value: real, kind: "real", note: "a real id" };
    if (choice === "odd-near-real") return oddNearReal(d, real);
    return d.bool(0.5)
      ? { value: real.toUpperCase(), kind: "real-variant", note: "a real id in upper case" }
      : { value: percentEncodeAll(real), kind: "real-variant", note: "a real id, every byte percent-encoded" };
  }
  if (choice === "cross" && cross.length) return { value: d.pick(cross), kind: "cross", note: "another project's id" };
  if (choice === "odd") return { value: d.pick(ODD_SEGMENTS), kind: "odd", note: "an odd segment" };
  return { value: d.arb(fc.uuid({ version: 4 })), kind: "random", note: "a random uuid" };
}

function keySegment(d: Draw, keys: string[], schema: JsonSchema, forced: Forced): Segment {
  if (forced.path === "real" && keys.length)
    return { value: encodeComponent(d.pick(keys)), kind: "real", note: "a real key" };
  const choice = d.weighted([
    ["real", 72],
    ["real-variant", 4],
    ["random", 12],
    ["odd", 8],
    ["odd-near-real", 4],
  ] as const);
  if ((choice === "real" || choice === "real-variant" || choice === "odd-near-real") && keys.length) {
    const real = d.pick(keys);
    if (choice === "real") return { value: encodeComponent(real), kind: "real", note: "a real key" };
    if (choice === "odd-near-real") return oddNearReal(d, encodeComponent(real));
    return d.bool(0.5)
      ? { value: encodeComponent(real.toUpperCase()), kind: "real-variant", note: "a real key in upper case" }
      : { value: percentEncodeAll(real), kind: "real-variant", note: "a real key, every byte percent-encoded" };
  }
  if (choice === "odd") return { value: d.pick(ODD_SEGMENTS), kind: "odd", note: "an odd segment" };
  const random = d.arb(arbitraryFor(schema) as fc.Arbitrary<string>);
  // A key that happens to exist is real, not random.
  return keys.includes(random)
    ? { value: encodeComponent(random), kind: "real", note: "a real key" }
    : { value: encodeComponent(`${random}`), kind: "random", note: "a random key" };
}

// ---------------------------------------------------------------------------------------------
// Bodies

const MINUTE = 60_000;

function mainPlans(world: World) {
  return world.ids.plans.filter((p) => p.projectId === world.mainProjectId);
}

function metricKeys(world: World): string[] {
  const plans = new Set(mainPlans(world).map((p) => p.id));
  return [...new Set(world.ids.metricKeys.filter((m) => plans.has(m.planId)).map((m) => m.key))];
}

/** Realistic values for fields the schema only calls "string" or "number". */
function hintsFor(d: Draw, world: World, op: FuzzOperation, planId: string | null) {
  const plans = mainPlans(world);
  const keys = metricKeys(world);
  const now = Date.now();
  const hint = (path: JsonPath, schema: JsonSchemaObject): fc.Arbitrary<unknown> | undefined => {
    const name = path[path.length - 1];
    if (op.template.endsWith("/decisions") && path.length === 0) {
      // Half the bodies the way a pipeline writes them (an override only with a go), half from the schema.
      const fields = (p: JsonPath, s: JsonSchemaObject) => (p.length ? hint(p, s) : undefined);
      const version = hint(["version"], { type: "integer" }) ?? fc.integer({ min: 1, max: 50 });
      const rationale = fc.oneof(
        fc.constantFrom(
          "Error rate and p95 within target for 24 h",
          "Conversion dropped 8% in the canary",
          "Rollback: payment timeouts",
        ),
        cached("string:1:200", () => fc.string({ minLength: 1, maxLength: 200 })),
      );
      const realistic = fc.oneof(
        fc.record({ version, kind: fc.constantFrom("no_go", "rollback"), rationale }),
        fc.record(
          {
            version,
            kind: fc.constant("go"),
            rationale,
            overrideReason: fc.constantFrom(
              "KPIs are noisy after the CDN change; accepted by the release manager",
              "Known false alarm on p95 since the CDN switch",
            ),
          },
          { requiredKeys: ["version", "kind", "rationale"] },
        ),
      );
      return fc.oneof(realistic, arbitraryFor(schema, { root: world.doc, hint: fields }));
    }
    if (op.template.endsWith("/decisions") && name === "version" && path.length === 1) {
      const current = world.ids.plans.find((p) => p.id === planId)?.version;
      return current
        ? fc.oneof(
            { arbitrary: fc.constant(current), weight: 3 },
            { arbitrary: fc.integer({ min: Math.max(1, current - 2), max: current + 2 }), weight: 1 },
            { arbitrary: fc.integer({ min: 1, max: 1_000_000 }), weight: 1 },
          )
        : undefined;
    }
    if (op.template.endsWith("/decisions") && name === "kind")
      return fc.constantFrom("no_go", "no_go", "go", "rollback");
    // An override needs a written reason of at least 10 characters (lib/validation/plans.ts).
    if (op.template.endsWith("/decisions") && name === "overrideReason")
      return fc.oneof(
        fc.constantFrom(
          "KPIs are noisy after the CDN change; accepted by the release manager",
          "Known false alarm on p95",
        ),
        cached("string:10:60", () => fc.string({ minLength: 10, maxLength: 60 })),
      );
    if (op.template === "/api/v1/metrics") {
      if (name === "plan" && path.length === 1 && plans.length) {
        const cross = world.ids.plans.filter((p) => p.projectId !== world.mainProjectId).map((p) => p.id);
        return fc.oneof(
          { arbitrary: fc.constantFrom(...plans.map((p) => p.id)), weight: 17 },
          { arbitrary: cross.length ? fc.constantFrom(...cross) : fc.uuid({ version: 4 }), weight: 2 },
          { arbitrary: fc.uuid({ version: 4 }), weight: 1 },
        );
      }
      if (name === "metric" && keys.length)
        return fc.oneof(
          { arbitrary: fc.constantFrom(...keys), weight: 5 },
          { arbitrary: cached("string:0:20", () => fc.string({ maxLength: 20 })), weight: 1 },
        );
      if (name === "ts") {
        return fc.oneof(
          {
            arbitrary: fc.integer({ min: 1, max: 3 * 24 * 60 }).map((m) => new Date(now - m * MINUTE).toISOString()),
            weight: 4,
          },
          { arbitrary: fc.integer({ min: 1, max: 3 * 24 * 60 }).map((m) => now - m * MINUTE), weight: 2 },
          {
            arbitrary: fc
              .date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
              .map((x) => x.toISOString()),
            weight: 1,
          },
        );
      }
      if (name === "value")
        return fc.oneof(
          { arbitrary: fc.double({ min: 0, max: 1000, noNaN: true }), weight: 5 },
          { arbitrary: fc.constantFrom("0.5", "12", "1e3"), weight: 1 },
        );
      if (name === "samples" && schema.type === "array") return undefined;
    }
    if (op.template.includes("/items/") && name === "evidenceUrl")
      return cached("hint:evidenceUrl", () =>
        fc.oneof(
          { arbitrary: urlArb(), weight: 4 },
          { arbitrary: fc.constantFrom("https://ci.example/run/1", "not a url", ""), weight: 1 },
        ),
      );
    if (op.template.includes("/items/") && path.length === 0) {
      const fields = (p: JsonPath, s: JsonSchemaObject) => (p.length ? hint(p, s) : undefined);
      const realistic = fc.oneof(
        fc.record(
          {
            state: fc.constant("done"),
            evidenceUrl: urlArb(),
            evidenceNote: fc.constantFrom("green on main", "see the run"),
          },
          { requiredKeys: ["state"] },
        ),
        fc.record({
          state: fc.constantFrom("not_applicable", "blocked"),
          reason: fc.constantFrom("No schema change in this release", "Waiting for the load test"),
        }),
        fc.record({ state: fc.constant("open") }),
      );
      return fc.oneof(realistic, arbitraryFor(schema, { root: world.doc, hint: fields }));
    }
    if (op.family === "ofrep" && name === "context" && path.length === 1) {
      // Realistic evaluation contexts: a targeting key (mostly), and attributes segments look at.
      return fc.oneof(
        {
          arbitrary: fc.record(
            {
              targetingKey: fc.oneof(
                fc.constantFrom("rina", "eko", "sam", "user-1", "user-42"),
                cached("string:1:40", () => fc.string({ minLength: 1, maxLength: 40 })),
              ),
              region: fc.constantFrom("Jakarta", "Surabaya", "Bandung", "Medan", "Singapore"),
              plan: fc.constantFrom("free", "pro", "enterprise"),
              beta: fc.boolean(),
              age: fc.integer({ min: 0, max: 120 }),
            },
            { requiredKeys: [] },
          ),
          weight: 8,
        },
        { arbitrary: fc.constant(null), weight: 1 },
        {
          arbitrary: cached("ofrep:free-context", () =>
            fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
          ),
          weight: 1,
        },
      );
    }
    return undefined;
  };
  return hint;
}

interface BuiltBody {
  body: Buffer | null;
  contentType: string | null;
  chunked: boolean;
  mode: BodyMode;
  note: string;
  facts: Partial<CaseFacts>;
  stall?: { declaredLength: number; waitMs: number };
  query?: Record<string, string>;
}

const JSON_TYPES = ["application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8"];
const HOSTILE_TYPES = [
  null,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "text/json",
  "APPLICATION/JSON",
  "application/jsonx",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "*/*",
  "application/json, text/plain",
  "\u00ff",
];

function pad(json: string, total: number): Buffer {
  const head = Buffer.from(json.slice(0, 1), "utf8");
  const tail = Buffer.from(json.slice(1), "utf8");
  const spaces = Math.max(0, total - head.length - tail.length);
  return Buffer.concat([head, Buffer.alloc(spaces, 0x20), tail]);
}

function jsonBody(
  d: Draw,
  op: FuzzOperation,
  schema: JsonSchema,
  optional: boolean,
  world: World,
  planId: string | null,
  forced: Forced,
  stallMs: number,
): BuiltBody {
  const mode: BodyMode =
    forced.body ??
    d.weighted([
      ["valid", 38],
      ["mutation", 32],
      ["raw", 12],
      ["content-type", 7],
      ["chunked", 4],
      ["none", 3],
      ["oversize", 3],
      ["under-cap", 1],
    ] as const);
  const base = d.arb(arbitraryFor(schema, { root: world.doc, hint: hintsFor(d, world, op, planId) }));
  const json = JSON.stringify(base);
  const type = d.pick(JSON_TYPES);
  const cap = op.cap;
  switch (mode) {
    case "valid":
    case "chunked":
      return {
        body: Buffer.from(json),
        contentType: type,
        chunked: mode === "chunked" || !!forced.chunked,
        mode,
        note: mode === "chunked" ? "valid body, chunked" : "valid body",
        facts: { bodyViolates: false },
      };
    case "mutation": {
      const m = d.arb(valueMutationArb(schema, base, world.doc, forced.mutation));
      // OFREP evaluates the context's attributes per flag (a bad targetingKey is a per-flag
      // error in a bulk answer): only a bad body or context as a whole must be refused.
      const violates = m.violates && !(op.family === "ofrep" && m.path.length > 1);
      return {
        body: Buffer.from(JSON.stringify(m.value)),
        contentType: type,
        chunked: false,
        mode,
        note: `${m.kind}: ${m.description}`,
        facts: { bodyViolates: violates, field: { path: m.path, violates } },
      };
    }
    case "raw": {
      const r = d.arb(rawMutationArb(json));
      const emptyAllowed = optional && (r.kind === "empty" || r.kind === "whitespace");
      const violates = emptyAllowed || r.violates === null ? false : rawViolates(r.body, schema, world.doc);
      return {
        body: r.body,
        contentType: type,
        chunked: false,
        mode,
        note: `${r.kind}: ${r.description}`,
        facts: { bodyViolates: violates },
      };
    }
    case "content-type": {
      const t = d.pick(HOSTILE_TYPES);
      return {
        body: Buffer.from(json),
        contentType: t,
        chunked: false,
        mode,
        note: `valid body with Content-Type ${JSON.stringify(t)}`,
        facts: { bodyViolates: false },
      };
    }
    case "none":
      return {
        body: null,
        contentType: d.bool(0.5) ? type : null,
        chunked: false,
        mode,
        note: "no body",
        facts: { bodyViolates: !optional },
      };
    case "oversize": {
      const size = (cap?.over ?? 1_048_576) + 1 + (forced.body ? 0 : d.int(0, 4096));
      return {
        body: pad(json, size),
        contentType: type,
        chunked: forced.chunked ?? d.bool(0.3),
        mode,
        note: `valid JSON padded to ${size} bytes (over the ${cap?.label ?? "body"} cap)`,
        facts: { bodyViolates: false },
      };
    }
    case "under-cap": {
      const size = (cap?.under ?? 1_000_000) - (forced.body ? 0 : d.int(0, 1024));
      return {
        body: pad(json, size),
        contentType: type,
        chunked: forced.chunked ?? false,
        mode,
        note: `valid JSON padded to ${size} bytes (within the ${cap?.label ?? "body"} cap)`,
        facts: { bodyViolates: false },
      };
    }
    case "stall":
      return {
        body: Buffer.from(json.slice(0, Math.max(1, Math.floor(json.length / 2)))),
        contentType: type,
        chunked: false,
        mode,
        note: `body announced as 5 MB, ${Math.floor(json.length / 2)} bytes sent, then nothing`,
        facts: { bodyViolates: false },
        stall: { declaredLength: 5_000_000, waitMs: stallMs },
      };
    default:
      throw new Error(`body mode ${mode} is not for JSON bodies`);
  }
}

const PROM_HOSTILE = [
  'error_rate{cohort="canary"} NaN',
  'error_rate{cohort="canary"} +Inf',
  'error_rate{cohort="canary"} -Inf',
  'error_rate{cohort="canary"',
  "error_rate",
  'error_rate{cohort="\u0000"} 1',
  'error_rate{cohort="\ud800"} 1',
  `error_rate{cohort="canary"} 1 ${Date.now() + 86_400_000}`,
  'error_rate{cohort="canary"} 1 0',
  "# TYPE error_rate histogram",
  "# HELP",
  "unknown_metric 1",
  `${"m".repeat(5000)} 1`,
  'error_rate{cohort="canary",cohort="baseline"} 1',
  "error_rate{} 1e999",
  "error_rate 0x10",
  "\u202eerror_rate 1",
  "{}",
];

function prometheusBody(d: Draw, op: FuzzOperation, world: World, forced: Forced): BuiltBody {
  const keys = metricKeys(world).length ? metricKeys(world) : ["error_rate"];
  const now = Date.now();
  const alt = op.altBodies.find((b) => b.kind === "text");
  const types = alt && alt.kind === "text" ? alt.types : ["text/plain"];
  const lines: string[] = [];
  const n = d.int(1, 6);
  const hostile = forced.body === "oversize" || forced.body === "under-cap" ? false : d.bool(0.4);
  for (let i = 0; i < n; i++) {
    const cohort = d.pick(["canary", "baseline"]);
    lines.push(
      `${d.pick(keys)}{cohort="${cohort}"} ${d.arb(fc.double({ min: 0, max: 100, noNaN: true }))} ${now - d.int(1, 2000) * MINUTE}`,
    );
  }
  if (hostile) lines.splice(d.int(0, lines.length), 0, d.pick(PROM_HOSTILE));
  let text = lines.join("\n") + (d.bool(0.8) ? "\n" : "");
  let note = hostile ? "Prometheus text with a hostile line" : "Prometheus text";
  let body = Buffer.from(text, "utf8");
  if (forced.body === "oversize") {
    const size = (op.cap?.over ?? 10_485_760) + 1;
    body = Buffer.concat([body, Buffer.alloc(Math.max(0, size - body.length - 1), 0x0a)]).subarray(0, size);
    if (body.length < size) body = Buffer.concat([body, Buffer.alloc(size - body.length, 0x0a)]);
    note = `Prometheus text padded to ${size} bytes (over the ${op.cap?.label} cap)`;
  } else if (d.bool(0.03)) {
    text = d.pick(["", "\u0000\u0001\u0002", "x".repeat(200_000), "# only a comment\n"]);
    body = Buffer.from(text, "utf8");
    note = "Prometheus text: degenerate";
  }
  return {
    body,
    contentType: d.pick(types),
    chunked: forced.chunked ?? false,
    mode: forced.body === "oversize" ? "oversize" : "text",
    note,
    facts: { bodyViolates: false },
  };
}

const BUILT_IN_MARKDOWN = `# Fuzz rollout

Version: 1.2.3

## Phases

| Phase | Audience | Traffic | Duration |
|---|---|---|---|
| Internal | Staff | 1% | 1 day |
| Pilot | Jakarta | 10% | 3 days |
| GA | Everyone | 100% | — |

## Go/no-go checklist

- [ ] All tests passing
- [x] Monitoring ready
- [ ] Rollback tested

## KPIs

| Metric | Target | Alert | Critical |
|---|---|---|---|
| Error rate | < 0.5% | 1% | 2% |
| p95 latency | < 400 ms | 600 ms | 900 ms |

## Rollback triggers

- Error rate above 2% for 5 minutes: roll back automatically
`;

function markdownMutation(d: Draw, doc: string): { text: string; note: string } {
  const lines = doc.split("\n");
  const kind = d.pick([
    "truncate",
    "shuffle",
    "repeat-row",
    "nasty",
    "numbers",
    "no-headings",
    "deep-quote",
    "deep-list",
    "long-line",
    "table-garbage",
  ] as const);
  switch (kind) {
    case "truncate": {
      const cut = d.int(0, doc.length);
      return { text: doc.slice(0, cut), note: `cut after ${cut} characters` };
    }
    case "shuffle":
      return {
        text: d.arb(fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length })).join("\n"),
        note: "lines shuffled",
      };
    case "repeat-row": {
      const row = lines.find((l) => l.startsWith("|") && !l.startsWith("|---")) ?? "| Pilot | 10% |";
      const n = d.int(100, 5000);
      return { text: `${doc}\n${`${row}\n`.repeat(n)}`, note: `a table row repeated ${n} times` };
    }
    case "nasty": {
      const i = d.int(0, Math.max(0, lines.length - 1));
      const copy = [...lines];
      copy[i] = `${copy[i] ?? ""} ${d.pick(NASTY_STRINGS)}`;
      return { text: copy.join("\n"), note: `nasty characters on line ${i + 1}` };
    }
    case "numbers":
      return {
        text: doc.replace(/\d+(\.\d+)?/g, () =>
          d.pick(["1e309", "-5", "NaN", "999999999999999999999", "0", "100.0000001", "٣"]),
        ),
        note: "numbers replaced by odd ones",
      };
    case "no-headings":
      return { text: lines.filter((l) => !l.startsWith("#")).join("\n"), note: "headings removed" };
    case "deep-quote": {
      const n = d.int(1000, 20_000);
      return { text: `${doc}\n${">".repeat(n)} deep`, note: `blockquote nested ${n} deep` };
    }
    case "deep-list": {
      const n = d.int(200, 3000);
      return {
        text: `${doc}\n${Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}- level ${i}`).join("\n")}`,
        note: `list nested ${n} deep`,
      };
    }
    case "long-line": {
      const n = d.int(50_000, 400_000);
      return { text: `${doc}\n${"word ".repeat(n / 5)}`, note: `a ${n}-character line` };
    }
    case "table-garbage":
      return { text: `${doc}\n| ${"|".repeat(d.int(100, 10_000))}\n|---|\n`, note: "a table of pipes" };
  }
}

function markdownBody(d: Draw, op: FuzzOperation, world: World, forced: Forced): BuiltBody {
  const types = op.body?.kind === "text" ? op.body.types : ["text/markdown"];
  const mode: BodyMode =
    forced.body ??
    d.weighted([
      ["valid", 40],
      ["mutation", 35],
      ["content-type", 10],
      ["raw", 8],
      ["chunked", 3],
      ["oversize", 3],
      ["under-cap", 1],
    ] as const);
  const doc = d.pick([...world.markdown, BUILT_IN_MARKDOWN]);
  const type = d.weighted([
    [types[0]!, 6],
    [types[1] ?? types[0]!, 2],
    ["text/x-markdown", 1],
    ["text/markdown; charset=utf-8", 1],
  ] as const);
  const facts: Partial<CaseFacts> = { bodyViolates: false };
  switch (mode) {
    case "valid":
    case "chunked":
      return {
        body: Buffer.from(doc),
        contentType: type,
        chunked: mode === "chunked" || !!forced.chunked,
        mode,
        note: mode === "chunked" ? "a plan document, chunked" : "a plan document",
        facts,
      };
    case "mutation": {
      const m = markdownMutation(d, doc);
      return { body: Buffer.from(m.text), contentType: type, chunked: false, mode, note: `document ${m.note}`, facts };
    }
    case "content-type": {
      const t = d.pick([
        null,
        "application/json",
        "text/markdownx",
        "TEXT/MARKDOWN",
        "text/html",
        "application/octet-stream",
        "text/plain; charset=utf-16",
      ]);
      return {
        body: Buffer.from(doc),
        contentType: t,
        chunked: false,
        mode,
        note: `a plan document with Content-Type ${JSON.stringify(t)}`,
        facts,
      };
    }
    case "raw": {
      const raw = d.pick([
        Buffer.alloc(0),
        Buffer.from(" \n\t "),
        Buffer.from([0xff, 0xfe, 0x00, 0x23]),
        Buffer.from(doc, "utf16le"),
        Buffer.from("\u0000".repeat(100)),
        Buffer.from(`\ufeff${doc}`),
        Buffer.from(JSON.stringify({ markdown: doc })),
      ]);
      return {
        body: raw,
        contentType: type,
        chunked: false,
        mode,
        note: `degenerate document (${raw.length} bytes)`,
        facts,
      };
    }
    case "oversize": {
      const size = (op.cap?.over ?? 1_048_576) + 1 + (forced.body ? 0 : d.int(0, 4096));
      const filler = Buffer.alloc(Math.max(0, size - Buffer.byteLength(doc) - 1), 0x0a);
      return {
        body: Buffer.concat([Buffer.from(doc), filler, Buffer.from("\n")]).subarray(0, size),
        contentType: type,
        chunked: forced.chunked ?? d.bool(0.3),
        mode,
        note: `a plan document padded to ${size} bytes (over the ${op.cap?.label} cap)`,
        facts,
      };
    }
    case "under-cap": {
      const size = Math.min(op.cap?.under ?? 1_000_000, 499_000);
      const filler = Buffer.alloc(Math.max(0, size - Buffer.byteLength(doc)), 0x0a);
      return {
        body: Buffer.concat([Buffer.from(doc), filler]),
        contentType: type,
        chunked: forced.chunked ?? false,
        mode,
        note: `a plan document padded to ${size} bytes (within the cap and the 500,000-character limit)`,
        facts,
      };
    }
    default:
      throw new Error(`body mode ${mode} is not for documents`);
  }
}

// ---------------------------------------------------------------------------------------------
// Query strings

function queryFor(
  d: Draw,
  op: FuzzOperation,
  world: World,
  pathPlan: string | null,
  body: BuiltBody,
  forced: Forced,
): { pairs: [string, string][]; facts: Expectation[]; note: string } {
  const pairs: [string, string][] = [];
  const expectations: Expectation[] = [];
  const notes: string[] = [];
  for (const param of op.queryParams) {
    if (forced.clean || !d.bool(0.5)) continue;
    const hostile = d.bool(0.3);
    let value: string;
    if (param.name === "project") {
      const choice = d.weighted([
        ["own", 6],
        ["other", 2],
        ["random", 1],
        ["odd", 1],
      ] as const);
      value =
        choice === "own"
          ? world.mainProjectId
          : choice === "other"
            ? world.otherProjectId
            : choice === "random"
              ? d.arb(fc.uuid({ version: 4 }))
              : d.pick(["x", "", "%00", "null"]);
      if (choice === "other" || choice === "random")
        expectations.push({
          not2xx: true,
          why: `?project= names ${choice === "other" ? "another project" : "a nonexistent project"}`,
        });
      // An odd value other than empty (which counts as absent) names no project of the token's either.
      else if (choice === "odd" && value !== "")
        expectations.push({ not2xx: true, why: `?project=${value} is not the token's project` });
      notes.push(`project=${choice}`);
    } else if (hostile) {
      value = d.pick([
        ...NASTY_STRINGS,
        "x".repeat(3000),
        "1e309",
        "-1",
        "json&format=markdown",
        "JSON",
        "",
        "[]",
        "{}",
      ]);
      notes.push(`${param.name}=hostile`);
    } else {
      value = String(d.arb(arbitraryFor(param.schema, { root: world.doc, maxLength: 30 })));
      notes.push(`${param.name}=valid`);
    }
    pairs.push([param.name, value]);
    if (d.bool(0.05)) pairs.push([param.name, d.pick(["json", "markdown", "1", "0", ""])]);
  }
  if (
    op.template === "/api/v1/metrics" &&
    (body.mode === "text" || (body.mode === "oversize" && body.contentType?.startsWith("text/")) || d.bool(0.1))
  ) {
    const choice = pathPlan
      ? "given"
      : forced.clean
        ? "real"
        : d.weighted([
            ["real", 7],
            ["cross", 1],
            ["random", 1],
            ["none", 1],
          ] as const);
    const own = mainPlans(world).map((p) => p.id);
    const cross = world.ids.plans.filter((p) => p.projectId !== world.mainProjectId).map((p) => p.id);
    if (choice === "real" && own.length) pairs.push(["plan", d.pick(own)]);
    else if (choice === "cross" && cross.length) {
      pairs.push(["plan", d.pick(cross)]);
      if (body.mode === "text") expectations.push({ not2xx: true, why: "?plan= is another project's plan" });
    } else if (choice === "random") {
      pairs.push(["plan", d.arb(fc.uuid({ version: 4 }))]);
      if (body.mode === "text") expectations.push({ not2xx: true, why: "?plan= is a nonexistent plan" });
    }
    notes.push(`plan=${choice}`);
  }
  if (!forced.clean && d.bool(0.06)) {
    pairs.push(
      d.pick([
        ["__proto__[isAdmin]", "true"],
        ["constructor", "x"],
        ["a[]", "1"],
        ["x", "\u0000"],
        ["", ""],
        ["utm", "%"],
      ] as [string, string][]),
    );
    notes.push("junk parameter");
  }
  return { pairs, facts: expectations, note: notes.join(" ") };
}

function encodeQuery(pairs: [string, string][]): string {
  if (!pairs.length) return "";
  // The junk "%" value goes out raw on purpose; everything else is encoded.
  return `?${pairs.map(([k, v]) => `${encodeComponent(k)}=${v === "%" ? "%" : encodeComponent(v)}`).join("&")}`;
}

// ---------------------------------------------------------------------------------------------
// Extra headers

function noiseHeaders(d: Draw): { headers: Record<string, string>; note: string | null } {
  if (!d.bool(0.08)) return { headers: {}, note: null };
  const [name, value] = d.pick([
    ["x-request-id", "a".repeat(3000)],
    ["x-request-id", "../../etc/passwd"],
    ["x-request-id", "\u00ff\u00fe latin-1"],
    ["accept", "text/html"],
    ["accept", "application/xml"],
    ["x-forwarded-for", "999.1.1.1, ::1, garbage"],
    ["content-encoding", "gzip"],
    ["x-http-method-override", "DELETE"],
    ["cookie", "authjs.session-token=garbage; __Secure-authjs.session-token=x"],
    ["origin", "https://evil.example"],
    ["if-none-match", "*"],
  ] as [string, string][]);
  return { headers: { [name]: value }, note: `${name}: ${value.length > 30 ? `${value.slice(0, 27)}…` : value}` };
}

// ---------------------------------------------------------------------------------------------
// The case

export function buildCase(
  index: number,
  seed: number,
  op: FuzzOperation,
  world: World,
  forced: Forced = {},
  options: { stallMs?: number; probe?: boolean } = {},
): FuzzCase {
  const d = new Draw(seed, index);
  const authKind: AuthKind =
    forced.auth ??
    (op.scope === null
      ? d.weighted([
          ["none", 6],
          ["valid", 2],
          ["unknown", 1],
          ["malformed", 1],
        ] as const)
      : d.weighted([
          ["valid", 74],
          ["none", 5],
          ["unknown", 4],
          ["malformed", 3],
          ["revoked", 4],
          ["expired", 4],
          ["wrong-scope", op.scope === "*" ? 0 : 6],
        ] as const));
  const auth = buildAuth(d, op, world, authKind);

  // Path parameters.
  const mainProject = world.mainProjectId;
  const ownPlans = world.ids.plans.filter((p) => p.projectId === mainProject).map((p) => p.id);
  const crossPlans = world.ids.plans.filter((p) => p.projectId !== mainProject).map((p) => p.id);
  const ownLists = world.ids.checklists.filter((c) => c.projectId === mainProject);
  const crossLists = world.ids.checklists.filter((c) => c.projectId !== mainProject);
  const segments: Record<string, Segment> = {};
  let planId: string | null = null;
  for (const param of op.pathParams) {
    if (param.name === "planId") {
      segments.planId = idSegment(d, ownPlans, crossPlans, forced);
      planId = segments.planId.kind === "real" ? segments.planId.value : null;
    } else if (param.name === "checklistId") {
      segments.checklistId = idSegment(
        d,
        ownLists.map((c) => c.id),
        crossLists.map((c) => c.id),
        forced,
      );
    } else if (param.name === "key" && op.family === "ofrep") {
      const own = world.ids.flagKeys.filter((f) => f.projectId === mainProject).map((f) => f.key);
      const other = world.ids.flagKeys.filter((f) => f.projectId !== mainProject).map((f) => f.key);
      const seg = keySegment(d, own, param.schema, forced);
      segments.key =
        seg.kind === "random" && other.length && d.bool(0.3)
          ? { value: encodeComponent(d.pick(other)), kind: "cross", note: "another project's flag" }
          : seg;
    } else if (param.name === "key") {
      const list = [...ownLists, ...crossLists].find((c) => c.id === segments.checklistId?.value);
      segments.key = keySegment(d, list?.keys ?? [], param.schema, forced);
    } else {
      const v = d.arb(arbitraryFor(param.schema, { root: world.doc }));
      segments[param.name] = { value: encodeComponent(String(v)), kind: "random", note: "generated" };
    }
  }
  let path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => segments[name]?.value ?? "x");

  // Body.
  const stallMs = options.stallMs ?? 5_000;
  let built: BuiltBody = {
    body: null,
    contentType: null,
    chunked: false,
    mode: "none",
    note: "",
    facts: { bodyViolates: false },
  };
  const metricsText =
    op.altBodies.some((b) => b.kind === "text") && (forced.text ?? (forced.body === undefined && d.bool(0.18)));
  if (metricsText) built = prometheusBody(d, op, world, forced);
  else if (op.body?.kind === "json")
    built = jsonBody(d, op, op.body.schema, !!op.body.optional, world, planId, forced, stallMs);
  else if (op.body?.kind === "text") built = markdownBody(d, op, world, forced);

  const query = queryFor(d, op, world, planId, built, forced);
  path += encodeQuery(query.pairs);

  const headers: Record<string, string> = { ...auth.headers };
  if (built.contentType !== null && built.contentType !== undefined) headers["content-type"] = built.contentType;
  const noise = forced.clean ? { headers: {}, note: null } : noiseHeaders(d);
  Object.assign(headers, noise.headers);
  let conditional = "if-none-match" in noise.headers;
  if (op.template === "/ofrep/v1/evaluate/flags" && !forced.clean && d.bool(0.15)) {
    headers["if-none-match"] = d.pick(
      world.etags.length ? [...world.etags, "*", '"bogus"', `W/${world.etags[0]}`] : ["*", '"bogus"', 'W/"x"'],
    );
    conditional = true;
  }

  // What must come back.
  const expectations: Expectation[] = [...query.facts];
  const ids = Object.values(segments);
  const standardPath = ids.every((s) => s.kind === "real" || s.kind === "cross" || s.kind === "random");
  const fake = ids.filter((s) => s.kind === "cross" || s.kind === "random" || s.kind === "odd");
  if (fake.length && authKind === "valid")
    expectations.push({ not2xx: true, why: `the path names ${fake.map((s) => s.note).join(" and ")}` });
  const size = built.stall ? built.stall.declaredLength : (built.body?.length ?? 0);
  const cap = op.cap;
  const over = !!cap && size > cap.over;
  // Another reason to refuse (a nonexistent or foreign id in the path or query) may come first.
  const otherRefusal = fake.length > 0 || query.facts.some((e) => e.not2xx);
  if (op.scope !== null && standardPath && !(over && otherRefusal && authKind === "valid")) {
    const refusal = authKind === "wrong-scope" ? 403 : authKind === "valid" ? null : 401;
    if (refusal !== null) {
      // OFREP authenticates before it reads a body; the API may also refuse the size first.
      const statuses = over && op.family === "api" ? [refusal, 413] : [refusal];
      expectations.push({ statuses, why: `${auth.label}${over ? `, body over the ${cap!.label} cap` : ""}` });
    } else if (over) {
      expectations.push({ statuses: [413], why: `${size} bytes is over the ${cap!.label} cap` });
    }
  }
  if (cap && authKind === "valid" && !over && size <= cap.under && size > 0 && !built.stall) {
    expectations.push({
      notStatuses: [413],
      notSizeRefusal: built.mode === "under-cap",
      why: `${size} bytes is within the ${cap.label} cap`,
    });
  }
  if (
    op.template === "/api/v1/metrics" &&
    !metricsText &&
    authKind === "valid" &&
    built.body &&
    built.body.length < 2_000_000
  ) {
    // The plan a JSON batch names (body first, then ?plan=): another project's or none at all is never stored.
    // (A body that is not JSON is judged by bodyViolates; a BOM may be ignored, RFC 8259 §8.1.)
    let parsed: { plan?: unknown } | null = null;
    try {
      parsed = JSON.parse(built.body.toString("utf8").replace(/^\ufeff/, "")) as { plan?: unknown };
    } catch {
      parsed = null;
    }
    if (parsed !== null && typeof parsed === "object") {
      const named = parsed.plan;
      const fromQuery = query.pairs.find(([k]) => k === "plan")?.[1];
      const planRef = typeof named === "string" ? named : named === undefined ? fromQuery : undefined;
      if (planRef !== undefined && crossPlans.includes(planRef))
        expectations.push({ not2xx: true, why: "the batch names another project's plan" });
      else if (planRef !== undefined && !ownPlans.includes(planRef))
        expectations.push({ not2xx: true, why: "the batch names a nonexistent plan" });
      else if (planRef === undefined && named === undefined)
        expectations.push({ not2xx: true, why: "the batch names no plan" });
    }
  }
  if (
    metricsText &&
    fake.length === 0 &&
    query.pairs.every(([k]) => k !== "plan") &&
    authKind === "valid" &&
    built.mode === "text"
  ) {
    expectations.push({ not2xx: true, why: "Prometheus text without ?plan= names no plan" });
  }

  const label = [auth.label, ...ids.map((s) => `path: ${s.note}`), built.note, query.note, noise.note]
    .filter(Boolean)
    .join("; ");
  const request: RawRequest = {
    method: op.method,
    path,
    headers,
    body: built.body,
    chunked: built.chunked,
    ...(built.stall ? { stall: built.stall } : {}),
  };
  return {
    index,
    op,
    label,
    request,
    facts: {
      bodyViolates:
        (built.facts.bodyViolates ?? false) &&
        authKind === "valid" &&
        ids.every((s) => s.kind === "real" || s.kind === "real-variant"),
      // A path that is not valid percent-encoded UTF-8 is refused before the body is read, so
      // the answer names the path rather than the body's field.
      ...(built.facts.field && decodablePath(path) ? { field: built.facts.field } : {}),
      expectations,
      conditional,
    },
    redactions: auth.redactions,
    probe: !!options.probe,
  };
}

// ---------------------------------------------------------------------------------------------
// Probes: requests every run makes, whatever the seed (auth refusals, size caps, a stalled body).

export interface Probe {
  op: FuzzOperation;
  forced: Forced;
}

export function probesFor(operations: FuzzOperation[]): Probe[] {
  const probes: Probe[] = [];
  for (const op of operations) {
    const bodyOp = op.body !== null;
    if (bodyOp && op.cap) {
      probes.push({
        op,
        forced: { auth: "valid", body: "oversize", chunked: false, path: "real", text: false, clean: true },
      });
      probes.push({
        op,
        forced: { auth: "valid", body: "oversize", chunked: true, path: "real", text: false, clean: true },
      });
      probes.push({
        op,
        forced: { auth: "none", body: "oversize", chunked: false, path: "real", text: false, clean: true },
      });
      probes.push({
        op,
        forced: { auth: "valid", body: "under-cap", chunked: false, path: "real", text: false, clean: true },
      });
      if (op.altBodies.some((b) => b.kind === "text"))
        probes.push({
          op,
          forced: { auth: "valid", body: "oversize", chunked: false, path: "real", text: true, clean: true },
        });
    }
    if (op.family === "ofrep" && op.body?.kind === "json")
      probes.push({ op, forced: { auth: "none", body: "stall", path: "real", text: false, clean: true } });
    // NUL, lone surrogates and bidi controls in every free-text field, a few times (real ids, valid token).
    if (op.body?.kind === "json")
      for (let k = 0; k < 3; k++)
        probes.push({
          op,
          forced: {
            auth: "valid",
            body: "mutation",
            mutation: ["unicode-everywhere"],
            path: "real",
            text: false,
            clean: true,
          },
        });
    if (op.scope !== null) {
      for (const auth of [
        "none",
        "unknown",
        "revoked",
        "expired",
        ...(op.scope === "*" ? [] : ["wrong-scope"]),
      ] as AuthKind[]) {
        probes.push({
          op,
          forced: { auth, path: "real", text: false, clean: true, ...(bodyOp ? { body: "valid" as const } : {}) },
        });
      }
    }
  }
  return probes;
}
