import { parseEgressAllowlist } from "@/lib/domain/egress";

// Settings read from the environment that can be wrong in ways worth refusing at start: the
// server stops with one line naming the setting instead of running half-configured.

/** The shortest AUTH_SECRET accepted: 32 characters of `openssl rand -base64 32` are 192 bits. */
export const MIN_AUTH_SECRET_LENGTH = 32;

/** True when the server keeps its data in the embedded PGlite database (no DATABASE_URL). */
export function usesEmbeddedDatabase(env: NodeJS.ProcessEnv): boolean {
  return !env.DATABASE_URL?.trim();
}

export function configurationProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const secret = env.AUTH_SECRET?.trim();
  if (secret && secret.length < MIN_AUTH_SECRET_LENGTH) {
    problems.push(
      `AUTH_SECRET is ${secret.length} characters long; use at least ${MIN_AUTH_SECRET_LENGTH} random characters (openssl rand -base64 32)`,
    );
  }
  if (!secret && env.NODE_ENV === "production" && !usesEmbeddedDatabase(env)) {
    problems.push(
      "set AUTH_SECRET (openssl rand -base64 32): it signs sessions, and every instance must share it. Only the embedded evaluation database generates one by itself",
    );
  }
  const hops = env.TRUSTED_PROXY_HOPS?.trim();
  if (hops && !/^\d{1,2}$/.test(hops))
    problems.push(
      `TRUSTED_PROXY_HOPS must be a whole number of proxies in front of the app (0 when none); got “${hops}”`,
    );
  const egress = parseEgressAllowlist(env.PHASEGATE_EGRESS_ALLOW);
  for (const problem of egress.problems) problems.push(`PHASEGATE_EGRESS_ALLOW: ${problem}`);
  return problems;
}
