// The JSON Schema subset the OpenAPI document uses (zod 4's toJSONSchema output plus what
// OpenAPI 3.0 documents add): types and type arrays, nullable, enum/const, string length, pattern
// and format (uuid, date-time, uri, email), number bounds, arrays, objects with properties,
// required, additionalProperties and propertyNames, anyOf/oneOf/allOf/not, and $ref into the
// document (components, $defs). Shared by the generator, the mutations and the validator.

export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  propertyNames?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  description?: string;
  [keyword: string]: unknown;
}

export type JsonType = "null" | "boolean" | "object" | "array" | "number" | "integer" | "string";

/** A path into a JSON value: property names and array indexes. */
export type JsonPath = (string | number)[];

/** zod's way of naming a field (what `fields` keys look like): `samples.3.value`. */
export function pathToString(path: JsonPath): string {
  return path.length ? path.join(".") : "(body)";
}

function unescapePointer(token: string): string {
  return decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The schema a local `$ref` ("#/components/schemas/Plan", "#/$defs/x") points at in `root`. */
export function resolveRef(ref: string, root: unknown): JsonSchema {
  if (!ref.startsWith("#")) throw new Error(`Only local $ref is supported, got ${ref}`);
  let node: unknown = root;
  for (const token of ref.slice(1).split("/").filter(Boolean).map(unescapePointer)) {
    if (node === null || typeof node !== "object" || !(token in (node as Record<string, unknown>)))
      throw new Error(`Unresolvable $ref ${ref}`);
    node = (node as Record<string, unknown>)[token];
  }
  if (typeof node !== "boolean" && (node === null || typeof node !== "object"))
    throw new Error(`$ref ${ref} does not point at a schema`);
  return node as JsonSchema;
}

/**
 * The schema with its `$ref` followed (repeatedly); sibling keywords next to a `$ref` (allowed in
 * 2020-12) are merged over the target, the way zod and OpenAPI 3.1 documents use them.
 */
export function deref(schema: JsonSchema, root: unknown): JsonSchema {
  let current = schema;
  const seen = new Set<string>();
  while (typeof current === "object" && current.$ref) {
    if (seen.has(current.$ref)) throw new Error(`Circular $ref ${current.$ref}`);
    seen.add(current.$ref);
    const { $ref, ...siblings } = current;
    const target = resolveRef($ref, root);
    if (target === false) return false;
    current = { ...(target === true ? {} : target), ...siblings };
  }
  return current;
}

/** The JSON types a schema admits by its `type`/`nullable` keywords (null when not restricted). */
export function declaredTypes(schema: JsonSchemaObject): JsonType[] | null {
  let types: JsonType[] | null = null;
  if (typeof schema.type === "string") types = [schema.type as JsonType];
  else if (Array.isArray(schema.type)) types = schema.type as JsonType[];
  if (types && schema.nullable === true && !types.includes("null")) types = [...types, "null"];
  return types;
}

export function jsonTypeOf(value: unknown): JsonType | "undefined" | "invalid" {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "number":
      return Number.isFinite(value) ? (Number.isInteger(value) ? "integer" : "number") : "invalid";
    case "object":
      return "object";
    case "undefined":
      return "undefined";
    default:
      return "invalid";
  }
}

/** Deep equality of JSON values (for enum, const and uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.prototype.hasOwnProperty.call(b, k) &&
        jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** Length as JSON Schema counts it: Unicode code points (a lone surrogate counts as one). */
export function codePointLength(value: string): number {
  return Array.from(value).length;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Format checks for the formats the document uses; unknown formats are annotations only. */
export function checkFormat(format: string, value: string): boolean {
  switch (format) {
    case "uuid":
      return UUID.test(value);
    case "date-time": {
      const m = DATE_TIME.exec(value);
      if (!m) return false;
      const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
      const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
      return (
        mo! >= 1 &&
        mo! <= 12 &&
        d! >= 1 &&
        d! <= days &&
        h! <= 23 &&
        mi! <= 59 &&
        s! <= 60 &&
        !Number.isNaN(Date.parse(value))
      );
    }
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    case "uri":
    case "url":
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value)) return false;
      try {
        new URL(value);
        return true;
      } catch {
        return false;
      }
    case "email":
      return EMAIL.test(value);
    default:
      return true;
  }
}

const regexCache = new Map<string, RegExp>();

/** JSON Schema patterns are ECMA-262 regular expressions, unanchored, in Unicode mode. */
export function patternRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, "u");
    } catch {
      re = new RegExp(pattern);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

export interface ValidationError {
  path: JsonPath;
  message: string;
}

/**
 * Validates a JSON value against a schema; returns every error found (empty: valid). A value
 * that JSON cannot carry (undefined, NaN, Infinity, functions) is never valid.
 */
export function validate(schema: JsonSchema, value: unknown, root: unknown = schema): ValidationError[] {
  const errors: ValidationError[] = [];
  check(schema, value, [], root, errors);
  return errors;
}

export function isValid(schema: JsonSchema, value: unknown, root: unknown = schema): boolean {
  return validate(schema, value, root).length === 0;
}

function check(schemaIn: JsonSchema, value: unknown, path: JsonPath, root: unknown, errors: ValidationError[]): void {
  const schema = deref(schemaIn, root);
  const fail = (message: string) => errors.push({ path, message });
  if (schema === true) return;
  if (schema === false) return void fail("no value is allowed here");
  const actual = jsonTypeOf(value);
  if (actual === "undefined" || actual === "invalid") return void fail(`${String(value)} is not a JSON value`);

  const types = declaredTypes(schema);
  if (types) {
    const ok = types.some((t) => t === actual || (t === "number" && actual === "integer"));
    if (!ok) return void fail(`expected ${types.join(" or ")}, got ${actual}`);
  }
  if (schema.enum && !schema.enum.some((e) => jsonEqual(e, value))) fail(`not one of ${JSON.stringify(schema.enum)}`);
  if ("const" in schema && !jsonEqual(schema.const, value)) fail(`not ${JSON.stringify(schema.const)}`);

  if (typeof value === "string") {
    const len = codePointLength(value);
    if (schema.minLength !== undefined && len < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && len > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !patternRegex(schema.pattern).test(value))
      fail(`does not match ${schema.pattern}`);
    if (schema.format !== undefined && !checkFormat(schema.format, value)) fail(`not a valid ${schema.format}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`less than ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`greater than ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      fail(`not greater than ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum)
      fail(`not less than ${schema.exclusiveMaximum}`);
    if (schema.exclusiveMinimum === true && schema.minimum !== undefined && value <= schema.minimum)
      fail(`not greater than ${schema.minimum}`);
    if (schema.exclusiveMaximum === true && schema.maximum !== undefined && value >= schema.maximum)
      fail(`not less than ${schema.maximum}`);
    if (
      schema.multipleOf !== undefined &&
      Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9
    )
      fail(`not a multiple of ${schema.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    const prefix = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : []);
    const rest = Array.isArray(schema.items) ? undefined : schema.items;
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : rest;
      if (itemSchema !== undefined) check(itemSchema, item, [...path, i], root, errors);
    });
    if (schema.uniqueItems) {
      for (let i = 0; i < value.length; i++)
        for (let j = i + 1; j < value.length; j++)
          if (jsonEqual(value[i], value[j])) fail(`items ${i} and ${j} are equal`);
    }
  }
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (const key of schema.required ?? [])
      if (!Object.prototype.hasOwnProperty.call(obj, key)) errors.push({ path: [...path, key], message: "required" });
    if (schema.minProperties !== undefined && keys.length < schema.minProperties)
      fail(`fewer than ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
      fail(`more than ${schema.maxProperties} properties`);
    for (const key of keys) {
      if (schema.propertyNames !== undefined) {
        const nameErrors: ValidationError[] = [];
        check(schema.propertyNames, key, [...path, key], root, nameErrors);
        if (nameErrors.length) errors.push({ path: [...path, key], message: "property name not allowed" });
      }
      let matched = false;
      if (schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)) {
        matched = true;
        check(schema.properties[key]!, obj[key], [...path, key], root, errors);
      }
      for (const [pattern, sub] of Object.entries(schema.patternProperties ?? {})) {
        if (patternRegex(pattern).test(key)) {
          matched = true;
          check(sub, obj[key], [...path, key], root, errors);
        }
      }
      if (!matched && schema.additionalProperties !== undefined) {
        if (schema.additionalProperties === false)
          errors.push({ path: [...path, key], message: "additional property not allowed" });
        else check(schema.additionalProperties, obj[key], [...path, key], root, errors);
      }
    }
  }
  if (schema.allOf) for (const sub of schema.allOf) check(sub, value, path, root, errors);
  if (schema.anyOf && !schema.anyOf.some((sub) => validate(sub, value, root).length === 0)) {
    fail(`matches none of anyOf: ${schema.anyOf.map((sub) => validate(sub, value, root)[0]?.message).join(" | ")}`);
  }
  if (schema.oneOf) {
    const n = schema.oneOf.filter((sub) => validate(sub, value, root).length === 0).length;
    if (n !== 1) fail(`matches ${n} of oneOf, expected exactly 1`);
  }
  if (schema.not !== undefined && validate(schema.not, value, root).length === 0) fail("matches a schema it must not");
}
