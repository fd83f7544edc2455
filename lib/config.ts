import { z } from "zod";
import { parseEgressAllowlist } from "@/lib/domain/egress";
import { AppError } from "@/lib/errors";

// Every setting Phasegate reads from the environment, in one place: its schema, its default and
// how the README's configuration table shows that default (tests/unit/config.test.ts checks the
// table against this list). Code reads a setting with `setting(name, env)`; a value that does not
// parse is refused at start (`configurationProblems`, one line naming the variable), so a running
// process never meets one. NODE_ENV, NEXT_RUNTIME and NEXT_MANUAL_SIG_HANDLE belong to the
// platform, and the test harness's own variables (TEST_DATABASE_URL, E2E_*) to the tests: those are
// read where they are needed.

/** The shortest AUTH_SECRET accepted: 32 characters of `openssl rand -base64 32` are 192 bits. */
export const MIN_AUTH_SECRET_LENGTH = 32;

type Env = Readonly<Record<string, string | undefined>>;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const switchOnOff = z.enum(["0", "1"], { error: "must be 0 or 1" }).transform((v) => v === "1");
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL (postgres://user:password@host:5432/database)");
const text = z.string();

interface Setting<T> {
  schema: z.ZodType<T, string>;
  /** The value when the variable is unset or blank. */
  fallback: (env: Env) => T;
  /** The default as the README's table shows it. */
  shown: string;
}

const define = <T>(schema: z.ZodType<T, string>, fallback: (env: Env) => T, shown: string): Setting<T> => ({
  schema,
  fallback,
  shown,
});
const unset = () => undefined;

export const SETTINGS = {
  DATABASE_URL: define<string | undefined>(postgresUrl, unset, "unset"),
  MIGRATION_DATABASE_URL: define<string | undefined>(postgresUrl, unset, "unset"),
  EDGE_DATABASE_URL: define<string | undefined>(postgresUrl, unset, "unset"),
  PHASEGATE_EGRESS_ALLOW: define<string | undefined>(
    text.superRefine((value, ctx) => {
      for (const problem of parseEgressAllowlist(value).problems)
        ctx.addIssue({ code: "custom", message: `has ${problem}` });
    }),
    unset,
    "unset",
  ),
  PGLITE_DIR: define(text, () => ".data/pglite", "`.data/pglite`"),
  TRUSTED_PROXY_HOPS: define(wholeNumber(0, 99), () => 0, "`0`"),
  PHASEGATE_DEMO_SEED: define(switchOnOff, (env) => env.NODE_ENV !== "production", "`1` outside production"),
  PHASEGATE_DEMO_TRAFFIC: define(switchOnOff, () => false, "unset (`1` in `npm run demo`)"),
  PHASEGATE_WATCH_SECONDS: define(wholeNumber(1, 3600), () => 15, "`15`"),
  PHASEGATE_BACKGROUND: define(switchOnOff, () => true, "`1`"),
  EDGE_PORT: define(wholeNumber(0, 65_535), () => 3100, "`3100`"),
  EDGE_HOST: define(text, () => "0.0.0.0", "`0.0.0.0`"),
  EDGE_DB_CONNECTIONS: define(wholeNumber(1, 100), () => 4, "`4`"),
  OFREP_RATE_LIMIT: define(wholeNumber(0, 10_000_000), () => 2000, "`2000`"),
  PHASEGATE_LIVE_STREAMS_PER_USER: define(wholeNumber(1, 10_000), () => 10, "`10`"),
  PHASEGATE_LIVE_STREAMS: define(wholeNumber(1, 1_000_000), () => 1000, "`1000`"),
  PHASEGATE_LIVE_RECHECK_SECONDS: define(wholeNumber(1, 86_400), () => 60, "`60`"),
  PHASEGATE_METRICS_TOKEN: define<string | undefined>(text, unset, "unset"),
  PHASEGATE_LOG_LEVEL: define(
    z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(
        z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
          error: "must be one of fatal, error, warn, info, debug, trace, silent",
        }),
      ),
    (env) => (env.VITEST ? "warn" : "info"),
    "`info`",
  ),
  PHASEGATE_LOG_FORMAT: define(
    z.enum(["json", "pretty"], { error: "must be json or pretty" }),
    (env) => (env.NODE_ENV === "production" ? "json" : "pretty"),
    "`json` in production (`pretty` otherwise)",
  ),
  PHASEGATE_SHUTDOWN_GRACE_MS: define(wholeNumber(500, 3_600_000), () => 10_000, "`10000`"),
  PHASEGATE_SHUTDOWN_DELAY_MS: define(wholeNumber(0, 3_600_000), () => 0, "`0`"),
  EDGE_DB_CHECK_MS: define(wholeNumber(100, 3_600_000), () => 5000, "`5000`"),
  PORT: define(wholeNumber(0, 65_535), () => 3000, "`3000`"),
  AUTH_SECRET: define<string | undefined>(
    text.refine((s) => s.length >= MIN_AUTH_SECRET_LENGTH, {
      error: (issue) =>
        `is ${String(issue.input).length} characters long; use at least ${MIN_AUTH_SECRET_LENGTH} random characters (openssl rand -base64 32)`,
    }),
    unset,
    "required in production on PostgreSQL",
  ),
  OIDC_ISSUER: define<string | undefined>(
    z.url({ error: "must be the provider's https:// issuer URL" }),
    unset,
    "unset",
  ),
  OIDC_CLIENT_ID: define<string | undefined>(text, unset, "unset"),
  OIDC_CLIENT_SECRET: define<string | undefined>(text, unset, "unset"),
  OIDC_NAME: define(text, () => "Single sign-on", "`Single sign-on`"),
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<K extends SettingName> = (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;

/** A setting whose value does not parse: the message names the variable. */
export class ConfigError extends AppError {
  constructor(
    readonly variable: SettingName,
    detail: string,
  ) {
    super("config:database", `${variable} ${detail}`);
    this.name = "ConfigError";
  }
}

const parsed = new Map<string, { raw: string; value: unknown }>();

function check<K extends SettingName>(
  name: K,
  raw: string,
): { ok: true; value: SettingValue<K> } | { ok: false; problem: string } {
  const result = (SETTINGS[name].schema as z.ZodType<SettingValue<K>, string>).safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  // Secrets and URLs (which may carry a password) are never repeated back.
  const secret = /(_SECRET|_TOKEN|_URL|_ALLOW)$/.test(name);
  const shown = secret ? "" : `; got “${raw.slice(0, 80)}”`;
  return { ok: false, problem: `${result.error.issues.map((i) => i.message).join("; ")}${shown}` };
}

/**
 * A setting's value: parsed from the environment, or its default when unset or blank. Throws a
 * ConfigError naming the variable when the value does not parse (refused at start before that).
 */
export function setting<K extends SettingName>(name: K, env: Env = process.env): SettingValue<K> {
  const raw = env[name]?.trim();
  if (!raw) return (SETTINGS[name] as Setting<SettingValue<K>>).fallback(env);
  // Read on hot paths (every request's client address): parse each distinct value once.
  const known = parsed.get(name);
  if (known && known.raw === raw) return known.value as SettingValue<K>;
  const result = check(name, raw);
  if (!result.ok) throw new ConfigError(name, result.problem);
  parsed.set(name, { raw, value: result.value });
  return result.value;
}

/** True when the server keeps its data in the embedded PGlite database (no DATABASE_URL). */
export function usesEmbeddedDatabase(env: Env): boolean {
  return !env.DATABASE_URL?.trim();
}

/**
 * Every problem with the environment, one line each naming its variable; empty when the process
 * can start. An edge signs no sessions, so it needs no AUTH_SECRET.
 */
export function configurationProblems(env: Env, process: "app" | "edge" = "app"): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const result = check(name, raw);
    if (!result.ok) problems.push(`${name} ${result.problem}`);
  }
  if (process === "app" && !env.AUTH_SECRET?.trim() && env.NODE_ENV === "production" && !usesEmbeddedDatabase(env)) {
    problems.push(
      "set AUTH_SECRET (openssl rand -base64 32): it signs sessions, and every instance must share it. Only the embedded evaluation database generates one by itself",
    );
  }
  const oidc = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((n) => env[n]?.trim());
  if (oidc.length > 0 && oidc.length < 3) {
    problems.push(
      `set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (only ${oidc.join(", ")} ${oidc.length === 1 ? "is" : "are"} set)`,
    );
  }
  return problems;
}
