import type { z } from "zod";
import { AppError } from "@/lib/errors";

const NUL_MESSAGE = "Remove the NUL character (\\u0000): text may not contain it";

/** Paths of strings holding a NUL character, which PostgreSQL text cannot store. */
function nulPaths(value: unknown, path: string, out: string[], depth = 0): void {
  if (out.length >= 20 || depth > 32) return;
  if (typeof value === "string") {
    if (value.includes("\u0000")) out.push(path || "_");
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, path ? `${path}.${i}` : String(i), out, depth + 1));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) nulPaths(v, path ? `${path}.${k}` : k, out, depth + 1);
  }
}

/**
 * Parses input or throws one 400 AppError naming every bad field (not just the first). Text
 * that still holds a NUL character once parsed (schemas that clean text remove it) is refused
 * too, naming its field: PostgreSQL cannot store it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    const nul: string[] = [];
    nulPaths(result.data, "", nul);
    if (nul.length)
      throw new AppError(
        "bad_request:validation",
        `Invalid input — ${nul.map((p) => `${p}: ${NUL_MESSAGE}`).join(", ")}`,
        Object.fromEntries(nul.map((p) => [p, [NUL_MESSAGE]])),
      );
    return result.data;
  }
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
    .join(", ");
  throw new AppError("bad_request:validation", `Invalid input — ${summary}`, fieldErrors);
}
