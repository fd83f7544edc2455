import { waitInWords } from "@/lib/auth/login-throttle";
import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { assertUserCan, type UserActor } from "@/lib/auth/actor";
import { attemptLogin } from "@/lib/auth/login";
import { hashPassword } from "@/lib/auth/password";
import { AppError } from "@/lib/errors";
import { changeOwnPasswordSchema, endSessionsSchema } from "@/lib/validation/admin";
import { parseInput } from "@/lib/validation/parse";
import { writeAudit } from "./audit";
import type { ServiceContext } from "./context";

// A person's own account: their password and their sessions. Sessions are signed cookies that
// carry the person's session epoch; raising the epoch ends every session issued before it, on
// every device and app instance, at the next request.

function person(ctx: ServiceContext): UserActor {
  if (ctx.actor.kind !== "user") throw new AppError("forbidden:permission", "Only people have sessions and passwords");
  return ctx.actor;
}

/** Ends every session of a person. Admins may do it for anyone (a lost laptop); everyone for themselves. */
export async function endUserSessions(ctx: ServiceContext, input: unknown) {
  const actor = person(ctx);
  const data = parseInput(endSessionsSchema, input);
  if (data.userId !== actor.userId) assertUserCan(actor, "user:manage", null);
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(eq(users.id, data.userId))
      .returning({ id: users.id, email: users.email, sessionEpoch: users.sessionEpoch });
    if (!user) throw new AppError("not_found:entity", "No such user");
    await writeAudit(
      tx,
      actor,
      {
        action: "user.sessions_ended",
        entityType: "user",
        entityId: user.id,
        after: { email: user.email, self: user.id === actor.userId },
      },
      ctx.requestId,
    );
    return user;
  });
}

/**
 * Changes the signed-in person's own password. The current password is checked under the
 * sign-in throttle (a stolen session cannot guess it faster than the sign-in page could), and
 * the change ends every session, this one included: they sign in again with the new password.
 */
export async function changeOwnPassword(ctx: ServiceContext, input: unknown, ip = "unknown") {
  const actor = person(ctx);
  const data = parseInput(changeOwnPasswordSchema, input);
  const [row] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!row) throw new AppError("not_found:entity", "No such user");
  if (!row.passwordHash)
    throw new AppError("conflict:state", "You sign in through single sign-on; change your password there");
  const check = await attemptLogin(ctx.db, { email: actor.email, password: data.currentPassword, ip });
  if (!check.ok) {
    if (check.reason === "throttled")
      throw new AppError(
        "rate_limited",
        `Too many wrong passwords. ${waitInWords(check.retryAfterMs ?? 1000)}, then try again.`,
      );
    throw new AppError("bad_request:validation", "currentPassword: that is not your current password", {
      currentPassword: ["That is not your current password"],
    });
  }
  const passwordHash = await hashPassword(data.password);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, sessionEpoch: sql`${users.sessionEpoch} + 1` })
      .where(eq(users.id, actor.userId));
    await writeAudit(
      tx,
      actor,
      { action: "user.password_changed", entityType: "user", entityId: actor.userId, after: { sessionsEnded: true } },
      ctx.requestId,
    );
  });
}
