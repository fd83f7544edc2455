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
  now: Date = new Date(),
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const ip = input.ip || "unknown";
  return db.transaction(async (tx) => {
    // One attempt per account and address at a time, across every app instance: a second
    // concurrent attempt from the same address is refused at once instead of queueing; attempts
    // from elsewhere (the owner's) are never held up by it.
    const locked = rowsOf<{ ok: boolean }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(hashtext(${`login:${email}:${ip}`})) as ok`),
    )[0]?.ok;
    if (!locked) return { ok: false, reason: "throttled", retryAfterMs: 1000 };
    const since = new Date(now.getTime() - policy.windowMs);
    const fromHere = and(sql`lower(${loginAttempts.email}) = ${email}`, eq(loginAttempts.ip, ip));
    const [lastSuccess] = await tx
      .select({ id: max(loginAttempts.id) })
      .from(loginAttempts)
      .where(and(fromHere, eq(loginAttempts.succeeded, true)));
    const [[pair], [byIp]] = await Promise.all([
      tx
        .select({ n: count(), last: max(loginAttempts.createdAt) })
        .from(loginAttempts)
        .where(
          and(
            fromHere,
            eq(loginAttempts.succeeded, false),
            gt(loginAttempts.createdAt, since),
            gt(loginAttempts.id, Number(lastSuccess?.id ?? 0)),
          ),
        ),
      tx
        .select({ n: count() })
        .from(loginAttempts)
        .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.createdAt, since))),
    ]);
    const verdict = evaluateThrottle(
      { pair: Number(pair?.n ?? 0), lastPairFailureAt: pair?.last ?? null, ip: Number(byIp?.n ?? 0) },
      now,
      policy,
    );
    if (!verdict.allowed) return { ok: false, reason: "throttled", retryAfterMs: verdict.retryAfterMs };

    const [user] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    const passwordOk = await verifyPassword(user?.passwordHash, input.password);
    const ok = Boolean(user && passwordOk && !user.disabledAt);
    await tx.insert(loginAttempts).values({ email, ip, succeeded: ok, createdAt: now });
    return ok && user
      ? { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionEpoch: user.sessionEpoch } }
      : { ok: false, reason: "invalid" };
  });
}
