import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { setting } from "@/lib/config";

// Structured logs: JSON lines in production, readable lines in development (or with
// PHASEGATE_LOG_FORMAT=pretty). One logger per process, kept on globalThis so every bundle of
// the server writes through the same one. Secrets never reach a line: tokens, passwords,
// cookies and authorization headers are censored wherever they appear in what is logged.

export type LogFormat = "json" | "pretty";

export function logSettings(env: NodeJS.ProcessEnv): { level: string; format: LogFormat } {
  // Tests read their own output: only warnings and worse unless asked (the setting's default).
  return { level: setting("PHASEGATE_LOG_LEVEL", env), format: setting("PHASEGATE_LOG_FORMAT", env) };
}

export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "password",
  "token",
  "secret",
  "*.authorization",
  "*.cookie",
  "*.password",
  "*.token",
  "*.secret",
  "headers.authorization",
  "headers.cookie",
  "headers['x-api-key']",
];

export function createLogger(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
  destination?: NodeJS.WritableStream,
): Logger {
  const { level, format } = logSettings(env);
  const options = {
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  // pino-pretty as a stream in this thread (no worker): bundlers and short-lived scripts keep working.
  return format === "pretty"
    ? pino(
        options,
        pretty({
          sync: true,
          colorize: Boolean(process.stdout.isTTY),
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname,service",
        }),
      )
    : pino(options);
}

const holder = globalThis as typeof globalThis & { __phasegateLog?: Logger };

/** The app's logger. */
export function log(): Logger {
  return (holder.__phasegateLog ??= createLogger("phasegate-app"));
}

/** An error as fields a log line can carry (the stack is for operators; it never reaches a user). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.message,
    errorName: error.name,
    ...(typeof code === "string" ? { code } : {}),
    stack: error.stack,
  };
}
