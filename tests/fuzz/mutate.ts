import fc from "fast-check";
import {
  declaredTypes,
  deref,
  isValid,
  type JsonPath,
  type JsonSchema,
  type JsonSchemaObject,
  jsonTypeOf,
} from "./json-schema";

// Hostile versions of a valid request body. Value mutations change one field (or the whole body)
// and say whether the result still satisfies the documented schema (`violates`), so the oracle
// knows when a 2xx would be an acceptance of invalid input and which field a 400 must name.
// Raw mutations break the JSON text itself (malformed, truncated, BOM, NaN literals, …).

export type ValueMutationKind =
  | "wrong-type"
  | "missing-required"
  | "null"
  | "extra-field"
  | "huge-string"
  | "too-long"
  | "too-short"
  | "unicode"
  | "special-number-string"
  | "huge-number"
  | "out-of-range"
  | "fraction-for-integer"
  | "enum-violation"
  | "format-violation"
  | "too-many-items"
  | "empty-array"
  | "body-not-object"
  | "proto-keys"
  | "unicode-everywhere";

export interface ValueMutation {
  kind: ValueMutationKind;
  /** The field changed (empty: the whole body). */
  path: JsonPath;
  /** The whole mutated body. */
  value: unknown;
  /** What was done, for the report. */
  description: string;
  /** True when the mutated body no longer satisfies the schema (checked with the validator). */
  violates: boolean;
}

/** Strings that break naive handling: control characters, lone surrogates, bidi overrides, … */
export const NASTY_STRINGS: readonly string[] = [
  "\u0000",
  "before\u0000after",
  "\ud800",
  "lone \udfff low surrogate",
  "\udc00\ud800",
  "\u202eRTL override\u202c",
  "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
  "zero\u200bwidth\u200djoiner\ufeff",
  "e\u0301\u0301\u0301\u0301\u0301 combining",
  "\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 family emoji",
  "\ufffe\uffff noncharacters",
  "line\r\nbreak\u2028\u2029",
  "tab\there\u000b\u000c\u001b[31mred",
  "<script>alert(1)</script>",
  "' OR '1'='1' --",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "%s%n%x",
  "../../../../etc/passwd",
  "𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐",
  " ",
  "",
  "ᴺᵁᴸᴸ",
  "null",
  "undefined",
  "true",
  "[object Object]",
  "__proto__",
];

export const SPECIAL_NUMBER_STRINGS: readonly string[] = [
  "NaN",
  "Infinity",
  "-Infinity",
  "+Inf",
  "1e309",
  "-1e309",
  "0x1F",
  "1_000",
  " 7 ",
  "",
  "1e",
  "--1",
  "٣",
  "0.1.2",
  "9".repeat(400),
];

export const HUGE_NUMBERS: readonly number[] = [
  1e308,
  -1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  1e21,
  5e-324,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 63,
];

interface Node {
  path: JsonPath;
  value: unknown;
  /** The schema of the node (for anyOf/oneOf: the branch the value satisfies). */
  schema: JsonSchemaObject | null;
  /** The node's schema as written (what a replacement must break). */
  original: JsonSchema | null;
  /** The schema of the object holding this node, and the property name (for missing-required). */
  parent?: { schema: JsonSchemaObject; key: string };
}

/** Every node of `value` with the schema describing it (when one is known). */
function nodes(
  schemaIn: JsonSchema | null,
  value: unknown,
  root: unknown,
  path: JsonPath = [],
  out: Node[] = [],
  parent?: Node["parent"],
): Node[] {
  let schema: JsonSchemaObject | null = null;
  if (schemaIn !== null) {
    const d = deref(schemaIn, root);
    schema = typeof d === "object" ? narrow(d, value, root) : null;
  }
  out.push({ path, value, schema, original: schemaIn, ...(parent ? { parent } : {}) });
  if (Array.isArray(value)) {
    const items = schema && !Array.isArray(schema.items) ? (schema.items ?? null) : null;
    value.forEach((v, i) => nodes(items, v, root, [...path, i], out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const sub =
        schema?.properties?.[k] ??
        (schema && typeof schema.additionalProperties === "object" ? schema.additionalProperties : null);
      nodes(sub, v, root, [...path, k], out, schema ? { schema, key: k } : undefined);
    }
  }
  return out;
}

/** For anyOf/oneOf, the branch the value satisfies (so the constraints of that branch apply). */
function narrow(schema: JsonSchemaObject, value: unknown, root: unknown): JsonSchemaObject {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  for (const b of branches) {
    const d = deref(b, root);
    if (typeof d === "object" && isValid(d, value, root))
      return { ...schema, ...d, anyOf: undefined, oneOf: undefined } as JsonSchemaObject;
  }
  return schema;
}

function setAt(body: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

function deleteAt(body: unknown, path: JsonPath): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

const SAMPLES_OF_TYPE: Record<string, unknown[]> = {
  string: ["x", "42", "true", ""],
  number: [1.5, -7.25],
  integer: [0, 42, -1],
  boolean: [true, false],
  null: [null],
  array: [[], [1, "a"], [{}]],
  object: [{}, { a: 1 }],
};

/** A mutation not yet applied: cheap to list, applied only when chosen. */
export interface MutationCandidate {
  kind: ValueMutationKind;
  path: JsonPath;
  description: string;
  apply(): unknown;
}

/** Every candidate mutation of a valid body (deterministic order), not yet applied. */
export function mutationCandidates(schema: JsonSchema, body: unknown, root: unknown = schema): MutationCandidate[] {
  const out: MutationCandidate[] = [];
  const add = (kind: ValueMutationKind, path: JsonPath, apply: () => unknown, description: string) =>
    out.push({ kind, path, description, apply });
  const hasText = nodes(schema, body, root).some(
    (n) =>
      typeof n.value === "string" && n.path.length > 0 && !(n.schema?.enum || n.schema?.format || n.schema?.pattern),
  );
  if (hasText) {
    for (const [label, text] of [
      ["NUL", "NUL\u0000inside"],
      ["lone surrogates", "lone \ud800 and \udfff"],
      ["RTL override and zero-width", "\u202egnp.exe\u200b\ufeff"],
    ] as const) {
      add("unicode-everywhere", [], () => everyString(body, schema, root, text), `every free-text field: ${label}`);
    }
  }
  for (const node of nodes(schema, body, root)) {
    const { path, value, schema: s, original } = node;
    const where = path.length ? path.join(".") : "body";
    const types = s ? declaredTypes(s) : null;
    // A value of another JSON type than the schema allows (fields the schema does not describe
    // are left alone here: any type is theirs).
    for (const [type, samples] of Object.entries(SAMPLES_OF_TYPE)) {
      if (original === null) break;
      const t = jsonTypeOf(value);
      if (type === t || (type === "number" && t === "integer") || (type === "integer" && t === "number")) continue;
      const replacement = samples[path.length % samples.length];
      if (isValid(original, replacement, root)) continue;
      add(
        path.length ? "wrong-type" : "body-not-object",
        path,
        () => setAt(body, path, replacement),
        `${where}: ${type} ${JSON.stringify(replacement)} instead of ${t}`,
      );
    }
    if (path.length && value !== null) add("null", path, () => setAt(body, path, null), `${where}: null`);
    if (node.parent && path.length && node.parent.schema.required?.includes(node.parent.key)) {
      add("missing-required", path, () => deleteAt(body, path), `${where}: required, left out`);
    }
    if (typeof value === "string") {
      add(
        "huge-string",
        path,
        () => setAt(body, path, "\u00e9x".repeat(60_000)),
        `${where}: a 120,000-character string`,
      );
      for (const [i, nasty] of NASTY_STRINGS.entries())
        add(
          "unicode",
          path,
          () => setAt(body, path, nasty),
          `${where}: nasty string #${i} ${JSON.stringify(nasty).slice(0, 40)}`,
        );
      if (s?.maxLength !== undefined)
        add(
          "too-long",
          path,
          () => setAt(body, path, "y".repeat(s.maxLength! + 1)),
          `${where}: ${s.maxLength + 1} characters (maxLength ${s.maxLength})`,
        );
      if (s?.minLength !== undefined && s.minLength > 0)
        add(
          "too-short",
          path,
          () => setAt(body, path, "z".repeat(s.minLength! - 1)),
          `${where}: ${s.minLength - 1} characters (minLength ${s.minLength})`,
        );
      if (s?.enum) {
        for (const near of [
          String(s.enum[0]).toUpperCase(),
          `${String(s.enum[0])} `,
          `${String(s.enum[0])}\u0000`,
          "unknown_value",
        ]) {
          if (!s.enum.includes(near))
            add(
              "enum-violation",
              path,
              () => setAt(body, path, near),
              `${where}: ${JSON.stringify(near)} is not in the enum`,
            );
        }
      }
      if (s?.format) {
        const bad =
          s.format === "uuid"
            ? ["not-a-uuid", "00000000-0000-0000-0000-00000000000g", "{" + "0".repeat(32) + "}"]
            : s.format === "date-time"
              ? ["2026-13-45T25:61:61Z", "yesterday", "1700000000000"]
              : ["ht tp://bad uri", "://no-scheme", "relative/path"];
        for (const b of bad)
          add(
            "format-violation",
            path,
            () => setAt(body, path, b),
            `${where}: ${JSON.stringify(b)} is not a ${s.format}`,
          );
      }
    }
    if (typeof value === "number") {
      for (const special of SPECIAL_NUMBER_STRINGS)
        add(
          "special-number-string",
          path,
          () => setAt(body, path, special),
          `${where}: the string ${JSON.stringify(special.slice(0, 20))}`,
        );
      for (const huge of HUGE_NUMBERS) add("huge-number", path, () => setAt(body, path, huge), `${where}: ${huge}`);
      if (s?.minimum !== undefined)
        add(
          "out-of-range",
          path,
          () => setAt(body, path, s.minimum! - 1),
          `${where}: ${s.minimum - 1} (minimum ${s.minimum})`,
        );
      if (s?.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER)
        add(
          "out-of-range",
          path,
          () => setAt(body, path, s.maximum! + 1),
          `${where}: ${s.maximum + 1} (maximum ${s.maximum})`,
        );
      if (types?.includes("integer") && !types.includes("number")) {
        // Beyond 2^52 a double has no fractions: use a small one there.
        const fraction = Math.abs(value) < 2 ** 51 ? value + 0.5 : 1.5;
        add("fraction-for-integer", path, () => setAt(body, path, fraction), `${where}: ${fraction} for an integer`);
      }
    }
    if (Array.isArray(value)) {
      if (value.length) add("empty-array", path, () => setAt(body, path, []), `${where}: empty array`);
      const limit = s?.maxItems;
      if (limit !== undefined && limit < 20_000 && value.length) {
        add(
          "too-many-items",
          path,
          () =>
            setAt(
              body,
              path,
              Array.from({ length: limit + 1 }, (_, i) => value[i % value.length]),
            ),
          `${where}: ${limit + 1} items (maxItems ${limit})`,
        );
      }
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      add(
        "extra-field",
        path,
        () => setAt(body, path, { ...(value as object), unexpectedField: "surprise", "": 1 }),
        `${where}: undeclared properties`,
      );
      add(
        "proto-keys",
        path,
        () =>
          setAt(
            body,
            path,
            Object.assign(
              structuredClone(value as object),
              JSON.parse(
                `{"__proto__":{"isAdmin":true,"scopes":["plans:write"]},"constructor":{"prototype":{"polluted":true}}}`,
              ) as object,
            ),
          ),
        `${where}: __proto__ and constructor keys`,
      );
    }
  }
  return out;
}

/** Every free-text string of the body (not enums, formats or patterns) replaced by `text`. */
function everyString(body: unknown, schema: JsonSchema, root: unknown, text: string): unknown {
  const copy = structuredClone(body);
  for (const node of nodes(schema, copy, root)) {
    if (typeof node.value !== "string" || !node.path.length) continue;
    const s = node.schema;
    if (s && (s.enum || s.format || s.pattern || "const" in s)) continue;
    setInPlace(copy, node.path, text);
  }
  return copy;
}

function setInPlace(body: unknown, path: JsonPath, value: unknown): void {
  let node = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/** Applies a candidate and checks whether the result still satisfies the schema. */
export function applyMutation(candidate: MutationCandidate, schema: JsonSchema, root: unknown = schema): ValueMutation {
  const value = candidate.apply();
  return {
    kind: candidate.kind,
    path: candidate.path,
    description: candidate.description,
    value,
    violates: !isValid(schema, value, root),
  };
}

/** Every mutation of a valid body, applied (for tests; the fuzz applies only the one it picks). */
export function valueMutations(schema: JsonSchema, body: unknown, root: unknown = schema): ValueMutation[] {
  return mutationCandidates(schema, body, root).map((c) => applyMutation(c, schema, root));
}

/** How often each kind is picked relative to the others (the productive ones more often). */
const KIND_WEIGHTS: Partial<Record<ValueMutationKind, number>> = {
  unicode: 3,
  "unicode-everywhere": 3,
  "wrong-type": 2,
  "missing-required": 2,
  "huge-string": 1,
  "too-long": 2,
};

/**
 * One mutation of `body`, chosen by fast-check: a kind first (weighted, so rare kinds still come
 * up), then one of its candidates. `only` restricts the kinds.
 */
export function valueMutationArb(
  schema: JsonSchema,
  body: unknown,
  root: unknown = schema,
  only?: ValueMutationKind[],
): fc.Arbitrary<ValueMutation> {
  const candidates = mutationCandidates(schema, body, root);
  // A body without the wanted kind (no free text for unicode-everywhere) gets any other kind.
  const wanted =
    only && candidates.some((m) => only.includes(m.kind))
      ? candidates.filter((m) => only.includes(m.kind))
      : candidates;
  const byKind = new Map<ValueMutationKind, MutationCandidate[]>();
  for (const m of wanted) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  if (!byKind.size) throw new Error("no mutation applies to this body");
  return fc
    .oneof(
      ...[...byKind.entries()].map(([kind, list]) => ({
        arbitrary: fc.constant(list),
        weight: KIND_WEIGHTS[kind] ?? 1,
      })),
    )
    .chain((list) => fc.constantFrom(...list))
    .map((c) => applyMutation(c, schema, root));
}

export type RawMutationKind =
  | "malformed"
  | "truncated"
  | "empty"
  | "whitespace"
  | "bom"
  | "trailing-garbage"
  | "single-quotes"
  | "nan-literal"
  | "comments"
  | "deep-nesting"
  | "duplicate-keys"
  | "invalid-utf8"
  | "utf16"
  | "json-scalar";

export interface RawMutation {
  kind: RawMutationKind;
  body: Buffer;
  description: string;
  /**
   * null: a server may accept it (RFC 8259 lets parsers ignore a BOM; duplicate keys are
   * implementation-defined). Otherwise decide with `rawViolates`, which reads the bytes the way
   * a lenient server does (UTF-8 with replacement characters, then JSON.parse).
   */
  violates: boolean | null;
}

/** Whether the bytes, decoded leniently and parsed, fail to be a JSON value satisfying the schema. */
export function rawViolates(body: Buffer, schema: JsonSchema, root: unknown = schema): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return true;
  }
  return !isValid(schema, value, root);
}

const GARBAGE = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "\\",
  "nul",
  "tru",
  "{{}}",
  "\u0000",
  "\ud800",
  "<xml/>",
  "a=b&c=d",
  "--boundary\r\n",
];

/** Hostile variants of the JSON text of a (valid) body. */
export function rawMutationArb(json: string): fc.Arbitrary<RawMutation> {
  const text = (
    kind: RawMutationKind,
    body: string,
    description: string,
    violates: boolean | null = true,
  ): RawMutation => ({ kind, body: Buffer.from(body, "utf8"), description, violates });
  return fc.oneof(
    fc
      .array(fc.constantFrom(...GARBAGE), { minLength: 1, maxLength: 12 })
      .map((parts) => text("malformed", parts.join(""), "random JSON-ish garbage")),
    // At least one character kept: an empty body is the "empty" case (valid where a body is optional).
    fc
      .integer({ min: Math.min(1, Math.max(0, json.length - 1)), max: Math.max(0, json.length - 1) })
      .map((cut) => text("truncated", json.slice(0, cut), `JSON cut after ${cut} of ${json.length} characters`)),
    fc.constant(text("empty", "", "empty body")),
    fc.constant(text("whitespace", " \n\t\r ", "whitespace only")),
    fc.constant(text("bom", `\ufeff${json}`, "UTF-8 byte order mark before the JSON", null)),
    fc
      .constantFrom("x", "}", "]]", "\u0000", " // done", `${json}`)
      .map((tail) => text("trailing-garbage", json + tail, `trailing ${JSON.stringify(tail.slice(0, 10))}`)),
    fc.constant(text("single-quotes", json.replace(/"/g, "'"), "single-quoted JSON")),
    fc.constantFrom("NaN", "Infinity", "-Infinity", "undefined", "0x10", "1e999999", "01", ".5", "+1").map((lit) => {
      const replaced = json.replace(/(:\s*)(-?\d[\d.eE+-]*|"[^"]*")/, `$1${lit}`);
      return text(
        "nan-literal",
        replaced === json ? `{"value":${lit}}` : replaced,
        `the literal ${lit} where a value goes`,
      );
    }),
    fc.constant(text("comments", `/* comment */${json}// trailing`, "JavaScript comments around the JSON")),
    fc
      .integer({ min: 2_000, max: 20_000 })
      .map((depth) => text("deep-nesting", `${"[".repeat(depth)}${"]".repeat(depth)}`, `arrays nested ${depth} deep`)),
    fc
      .integer({ min: 2_000, max: 20_000 })
      .map((depth) =>
        text("deep-nesting", `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`, `objects nested ${depth} deep`),
      ),
    fc.constant(
      json.startsWith("{") && json.length > 2
        ? text("duplicate-keys", `${json.slice(0, -1)},${json.slice(1)}`, "every key twice", null)
        : text("duplicate-keys", '{"a":1,"a":2}', "a duplicate key"),
    ),
    fc
      .constantFrom(
        Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
        Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
        Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]),
        Buffer.from([0xc0, 0xaf]),
      )
      .map((bytes): RawMutation => ({
        kind: "invalid-utf8",
        body: bytes,
        description: `invalid UTF-8 bytes ${bytes.toString("hex")}`,
        violates: true,
      })),
    fc.constant<RawMutation>({
      kind: "utf16",
      body: Buffer.from(json, "utf16le"),
      description: "the JSON encoded as UTF-16LE",
      violates: true,
    }),
    fc
      .constantFrom("null", "true", "0", '"a string"', "[]", "[{}]", "-1", "1e400")
      .map((scalar) => text("json-scalar", scalar, `the JSON ${scalar} instead of an object`)),
  );
}
