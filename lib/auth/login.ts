import { and, count, eq, gt, max, sql } from "drizzle-orm";
import { type Database, rowsOf } from "@/db/client";
import { loginAttempts, users } from "@/db/schema";
import { DEFAULT_THROTTLE, evaluateThrottle, normaliseEmail, type ThrottlePolicy } from "./login-throttle";
import { verifyPassword } from "./password";

export type LoginResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionEpoch: number } }
  | { ok: false; reason: "invalid" | "throttled"; retryAfterMs?: number };

/**
 * Checks an email and password under the sign-in throttle. Every outcome for an unknown email is
 * indistinguishable from a wrong password: same answer, same password-hash work, same counting.
 */
export async function attemptLogin(
  db: Database,
  input: { email: string; password: string; ip: string },
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const ip = input.ip || "unknown";
  return db.transaction(async (tx) => {
    // One attempt per account at a time, across every app instance. A second concurrent attempt
    // is refused at once instead of queueing (and holding a connection) behind the first.
    const locked = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${`login:${email}`})) as ok`))[0]?.ok;
    if (!locked) return { ok: false, reason: "throttled", retryAfterMs: 1000 };
    const since = new Date(Date.now() - policy.windowMs);
    const [lastSuccess] = await tx
      .select({ at: max(loginAttempts.createdAt) })
      .from(loginAttempts)
      .where(and(sql`lower(${loginAttempts.email}) = ${email}`, eq(loginAttempts.succeeded, true)));
    const accountSince = lastSuccess?.at && lastSuccess.at > since ? lastSuccess.at : since;
    const [[account], [byIp]] = await Promise.all([
      tx
        .select({ n: count() })
        .from(loginAttempts)
        .where(and(sql`lower(${loginAttempts.email}) = ${email}`, eq(loginAttempts.succeeded, false), gt(loginAttempts.createdAt, accountSince))),
      tx
        .select({ n: count() })
        .from(loginAttempts)
        .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.createdAt, since))),
    ]);
    const verdict = evaluateThrottle({ account: Number(account?.n ?? 0), ip: Number(byIp?.n ?? 0) }, policy);
    if (!verdict.allowed) return { ok: false, reason: "throttled", retryAfterMs: verdict.retryAfterMs };

    const [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email}`);
    const passwordOk = await verifyPassword(user?.passwordHash, input.password);
    const ok = Boolean(user && passwordOk && !user.disabledAt);
    await tx.insert(loginAttempts).values({ email, ip, succeeded: ok });
    return ok && user ? { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } } : { ok: false, reason: "invalid" };
  });
}
