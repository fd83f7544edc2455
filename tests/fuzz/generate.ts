import fc from "fast-check";
import {
  declaredTypes,
  deref,
  isValid,
  type JsonPath,
  type JsonSchema,
  type JsonSchemaObject,
  type JsonType,
  patternRegex,
} from "./json-schema";

// JSON Schema → fast-check arbitrary of values that satisfy the schema ("valid-looking" requests).
// zod-fast-check does not support zod 4 / fast-check 4, so requests are generated from the
// JSON Schemas of the served OpenAPI document instead.

export interface GenerateOptions {
  /** The document `$ref`s point into (defaults to the schema itself). */
  root?: unknown;
  /**
   * Domain knowledge for a field: return an arbitrary to use instead of the schema's (e.g. real
   * plan ids, the plan's metric keys). Its values must satisfy the field's schema. The path holds
   * property names, and "[]" for an array item.
   */
  hint?: (path: JsonPath, schema: JsonSchemaObject) => fc.Arbitrary<unknown> | undefined;
  /** Upper bound on generated array lengths when the schema allows more (default 4). */
  maxItems?: number;
  /** Upper bound on generated string lengths when the schema sets none (default 24). */
  maxLength?: number;
  /** Whether objects that allow it get a few undeclared properties now and then (default true). */
  extraProperties?: boolean;
  /** Depth beyond which optional properties and array items are left out (default 6). */
  maxDepth?: number;
}

const SAFE = Number.MAX_SAFE_INTEGER;

// Some arbitraries are costly to build (fc.webUrl about 250 ms, fc.stringMatching tens of ms)
// and cheap to reuse: they are immutable, so one instance per shape serves every request.
const built = new Map<string, fc.Arbitrary<unknown>>();
export function cached<T>(key: string, make: () => fc.Arbitrary<T>): fc.Arbitrary<T> {
  let arb = built.get(key);
  if (!arb) {
    arb = make();
    built.set(key, arb);
  }
  return arb as fc.Arbitrary<T>;
}

interface Ctx {
  root: unknown;
  hint: GenerateOptions["hint"];
  maxItems: number;
  maxLength: number;
  extra: boolean;
  maxDepth: number;
}

export function arbitraryFor(schema: JsonSchema, options: GenerateOptions = {}): fc.Arbitrary<unknown> {
  const ctx: Ctx = {
    root: options.root ?? schema,
    hint: options.hint,
    maxItems: options.maxItems ?? 4,
    maxLength: options.maxLength ?? 24,
    extra: options.extraProperties ?? true,
    maxDepth: options.maxDepth ?? 6,
  };
  return build(schema, [], ctx, 0);
}

function build(schemaIn: JsonSchema, path: JsonPath, ctx: Ctx, depth: number): fc.Arbitrary<unknown> {
  const schema = deref(schemaIn, ctx.root);
  if (schema === false) throw new Error(`The schema at ${path.join(".") || "(root)"} admits no value`);
  if (schema === true) return anyJson(depth);
  const hinted = ctx.hint?.(path, schema);
  if (hinted) return hinted;

  const valid = (v: unknown) => isValid(schema, v, ctx.root);
  if (schema.enum) {
    const allowed = schema.enum.filter(valid);
    if (!allowed.length) throw new Error(`No enum value at ${path.join(".")} satisfies its schema`);
    return fc.constantFrom(...allowed);
  }
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.allOf?.length) {
    const { allOf, ...rest } = schema;
    // Merge the branches (properties and required lists unite, other keywords: the last wins),
    // generate from that, and keep what satisfies every branch.
    let merged: JsonSchemaObject = { ...rest };
    for (const branch of allOf) {
      const d = deref(branch, ctx.root);
      if (d === false) throw new Error(`The schema at ${path.join(".") || "(root)"} admits no value`);
      if (d === true) continue;
      merged = {
        ...merged,
        ...d,
        ...(merged.properties || d.properties ? { properties: { ...merged.properties, ...d.properties } } : {}),
        ...(merged.required || d.required
          ? { required: [...new Set([...(merged.required ?? []), ...(d.required ?? [])])] }
          : {}),
      };
    }
    return build(merged, path, ctx, depth).filter(valid);
  }
  if (schema.anyOf?.length || schema.oneOf?.length) {
    const { anyOf, oneOf, ...rest } = schema;
    const branches = (anyOf ?? oneOf)!.map((b) => {
      const d = deref(b, ctx.root);
      return typeof d === "object" ? { ...rest, ...d } : d;
    });
    const arb = fc.oneof(...branches.map((b) => build(b, path, ctx, depth)));
    return oneOf || schema.not !== undefined || (anyOf && oneOf) ? arb.filter(valid) : arb;
  }
  if (schema.not !== undefined) {
    const { not: _not, ...rest } = schema;
    void _not;
    return build(rest, path, ctx, depth).filter(valid);
  }
  const types = declaredTypes(schema) ?? inferTypes(schema);
  if (types.length > 1) return fc.oneof(...types.map((t) => byType(t, schema, path, ctx, depth)));
  return byType(types[0]!, schema, path, ctx, depth);
}

function inferTypes(schema: JsonSchemaObject): JsonType[] {
  if (schema.properties || schema.required || schema.additionalProperties !== undefined) return ["object"];
  if (schema.items || schema.prefixItems) return ["array"];
  if (schema.minLength !== undefined || schema.maxLength !== undefined || schema.pattern || schema.format)
    return ["string"];
  if (schema.minimum !== undefined || schema.maximum !== undefined) return ["number"];
  return ["null", "boolean", "number", "string", "array", "object"];
}

function byType(
  type: JsonType,
  schema: JsonSchemaObject,
  path: JsonPath,
  ctx: Ctx,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return integerArb(schema);
    case "number":
      return numberArb(schema);
    case "string":
      return stringArb(schema, ctx);
    case "array":
      return arrayArb(schema, path, ctx, depth);
    case "object":
      return objectArb(schema, path, ctx, depth);
    default:
      throw new Error(`Unknown type ${String(type)} at ${path.join(".")}`);
  }
}

function bounds(
  schema: JsonSchemaObject,
  integer: boolean,
): { min: number; max: number; minExcluded: boolean; maxExcluded: boolean } {
  let min = schema.minimum ?? -Infinity;
  let max = schema.maximum ?? Infinity;
  let minExcluded = false;
  let maxExcluded = false;
  if (typeof schema.exclusiveMinimum === "number" && schema.exclusiveMinimum >= min) {
    min = schema.exclusiveMinimum;
    minExcluded = true;
  } else if (schema.exclusiveMinimum === true) minExcluded = true;
  if (typeof schema.exclusiveMaximum === "number" && schema.exclusiveMaximum <= max) {
    max = schema.exclusiveMaximum;
    maxExcluded = true;
  } else if (schema.exclusiveMaximum === true) maxExcluded = true;
  if (integer) {
    min = Number.isFinite(min) ? (minExcluded ? Math.floor(min) + 1 : Math.ceil(min)) : -SAFE;
    max = Number.isFinite(max) ? (maxExcluded ? Math.ceil(max) - 1 : Math.floor(max)) : SAFE;
    min = Math.max(min, -SAFE);
    max = Math.min(max, SAFE);
    minExcluded = maxExcluded = false;
  }
  if (min > max) throw new Error(`Empty range [${min}, ${max}]`);
  return { min, max, minExcluded, maxExcluded };
}

function integerArb(schema: JsonSchemaObject): fc.Arbitrary<number> {
  const { min, max } = bounds(schema, true);
  const small = { min: Math.max(min, -1000), max: Math.min(max, 1000) };
  const parts: fc.Arbitrary<number>[] = [fc.constantFrom(min, max)];
  if (small.min <= small.max) parts.push(fc.integer(small));
  parts.push(fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number));
  const arb = fc.oneof(...parts);
  return schema.multipleOf
    ? arb.map((n) => Math.round(n / schema.multipleOf!) * schema.multipleOf!).filter((n) => n >= min && n <= max)
    : arb;
}

function numberArb(schema: JsonSchemaObject): fc.Arbitrary<number> {
  const { min, max, minExcluded, maxExcluded } = bounds(schema, false);
  const lo = Number.isFinite(min) ? min : -Number.MAX_VALUE;
  const hi = Number.isFinite(max) ? max : Number.MAX_VALUE;
  const doubles = fc
    .double({ min: lo, max: hi, minExcluded, maxExcluded, noNaN: true, noDefaultInfinity: true })
    .map((n) => (Object.is(n, -0) ? 0 : n));
  const parts: fc.Arbitrary<number>[] = [doubles];
  // Everyday magnitudes too: most real payloads are small numbers.
  const smallLo = Math.max(lo, -1000);
  const smallHi = Math.min(hi, 1000);
  if (smallLo < smallHi)
    parts.push(
      fc
        .double({ min: smallLo, max: smallHi, minExcluded, maxExcluded, noNaN: true })
        .map((n) => (Object.is(n, -0) ? 0 : n)),
    );
  const arb = fc.oneof(...parts);
  return schema.multipleOf
    ? arb.map((n) => Math.round(n / schema.multipleOf!) * schema.multipleOf!).filter((n) => isValid(schema, n))
    : arb;
}

/**
 * Absolute http(s) URLs (fc.webUrl is thorough but takes seconds to build; evidence links and
 * the like need plausible URLs, with a path, query and fragment now and then).
 */
export function urlArb(): fc.Arbitrary<string> {
  return cached("url", () => {
    const word = fc.string({
      minLength: 1,
      maxLength: 8,
      unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"),
    });
    const host = fc
      .tuple(
        fc.array(
          word.filter((w) => !w.startsWith("-") && !w.endsWith("-")),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom("com", "example", "internal", "io"),
      )
      .map(([parts, tld]) => [...parts, tld].join("."));
    return fc
      .record({
        scheme: fc.constantFrom("https", "http"),
        host,
        port: fc.option(fc.integer({ min: 1, max: 65535 }), { freq: 5 }),
        path: fc.array(word, { maxLength: 4 }),
        query: fc.option(fc.tuple(word, word), { freq: 3 }),
        fragment: fc.option(word, { freq: 5 }),
      })
      .map(
        (u) =>
          `${u.scheme}://${u.host}${u.port === null ? "" : `:${u.port}`}/${u.path.join("/")}${u.query ? `?${u.query[0]}=${u.query[1]}` : ""}${u.fragment ? `#${u.fragment}` : ""}`,
      );
  });
}

const DATE_MIN = new Date("2000-01-01T00:00:00.000Z");
const DATE_MAX = new Date("2099-12-31T23:59:59.999Z");

function stringArb(schema: JsonSchemaObject, ctx: Ctx): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min + ctx.maxLength, ctx.maxLength);
  const fits = (s: string) => isValid({ ...schema, type: "string" }, s);
  let base: fc.Arbitrary<string> | undefined;
  switch (schema.format) {
    case "uuid":
      base = fc.uuid({ version: 4 });
      break;
    case "date-time":
      base = fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString());
      break;
    case "date":
      base = fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      break;
    case "uri":
    case "url":
      base = urlArb();
      break;
    case "email":
      base = cached("email", () => fc.emailAddress());
      break;
  }
  if (!base && schema.pattern) {
    const pattern = schema.pattern;
    base = cached(`pattern:${pattern}:${Math.min(max, 200)}`, () =>
      fc.stringMatching(patternRegex(pattern), { maxLength: Math.min(max, 200) }),
    );
  }
  if (base) return base.filter(fits);
  const parts: fc.Arbitrary<string>[] = [
    cached(`string:${min}:${max}:ascii`, () => fc.string({ minLength: min, maxLength: max, unit: "grapheme-ascii" })),
  ];
  // One code point is at most two UTF-16 units: stay within maxLength by either count.
  const half = Math.floor(max / 2);
  if (half >= min)
    parts.push(
      cached(`string:${min}:${half}:composite`, () =>
        fc.string({ minLength: min, maxLength: half, unit: "grapheme-composite" }),
      ),
    );
  return fc
    .oneof({ arbitrary: parts[0]!, weight: 3 }, ...parts.slice(1).map((arbitrary) => ({ arbitrary, weight: 1 })))
    .filter((s) => s.length <= max && fits(s));
}

function arrayArb(schema: JsonSchemaObject, path: JsonPath, ctx: Ctx, depth: number): fc.Arbitrary<unknown[]> {
  const minItems = schema.minItems ?? 0;
  const cap = depth >= ctx.maxDepth ? minItems : minItems + ctx.maxItems;
  const maxItems = Math.min(schema.maxItems ?? cap, Math.max(cap, minItems));
  const prefix = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : []);
  const rest = Array.isArray(schema.items) ? undefined : schema.items;
  const restArb = build(rest ?? true, [...path, "[]"], ctx, depth + 1);
  const arb =
    prefix.length === 0
      ? schema.uniqueItems
        ? fc.uniqueArray(restArb, { minLength: minItems, maxLength: maxItems, selector: (v) => JSON.stringify(v) })
        : fc.array(restArb, { minLength: minItems, maxLength: maxItems })
      : fc.tuple(...prefix.map((p, i) => build(p, [...path, i], ctx, depth + 1))).chain((head) =>
          fc
            .array(restArb, {
              minLength: Math.max(0, minItems - head.length),
              maxLength: Math.max(0, maxItems - head.length),
            })
            .map((tail) => [...head, ...tail]),
        );
  return schema.uniqueItems && prefix.length ? arb.filter((v) => isValid(schema, v, ctx.root)) : arb;
}

function objectArb(
  schema: JsonSchemaObject,
  path: JsonPath,
  ctx: Ctx,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const deep = depth >= ctx.maxDepth;
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (deep && !required.has(key)) continue;
    model[key] = build(sub, [...path, key], ctx, depth + 1);
  }
  // Required properties without a declared schema take any JSON value.
  for (const key of required) model[key] ??= anyJson(depth + 1);
  const record = fc.record(model, { requiredKeys: [...required].filter((k) => k in model) });

  const additional = schema.additionalProperties;
  const extrasAllowed =
    additional !== false && !deep && (additional !== undefined || ctx.extra) && !schema.patternProperties;
  if (!extrasAllowed) return record;
  const keyArb = (
    schema.propertyNames !== undefined
      ? (build(schema.propertyNames, [...path, "{key}"], ctx, depth + 1) as fc.Arbitrary<string>)
      : cached("string:1:12:key", () => fc.string({ minLength: 1, maxLength: 12 }))
  ).filter((k) => typeof k === "string" && !(k in props) && k !== "__proto__");
  const valueArb = build(additional === undefined ? true : additional, [...path, "{value}"], ctx, depth + 1);
  const declaredAdditional = additional !== undefined && additional !== true;
  // Records meant as maps (additionalProperties: schema) get entries often; others rarely.
  const extras = fc.dictionary(keyArb, valueArb, { maxKeys: declaredAdditional ? 3 : 2 });
  const withExtras = fc.tuple(record, extras).map(([r, e]) => ({ ...e, ...r }));
  const minProps = schema.minProperties ?? 0;
  const maxProps = schema.maxProperties ?? Infinity;
  const sized = (o: Record<string, unknown>) => Object.keys(o).length >= minProps && Object.keys(o).length <= maxProps;
  return fc
    .oneof({ arbitrary: record, weight: declaredAdditional ? 1 : 4 }, { arbitrary: withExtras, weight: 1 })
    .filter(sized);
}

function anyJson(depth: number): fc.Arbitrary<unknown> {
  const maxDepth = Math.max(0, 2 - depth);
  return cached(`json:${maxDepth}`, () => fc.jsonValue({ maxDepth }).map((v) => (Object.is(v, -0) ? 0 : v)));
}
