import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, loginAttempts, users } from "@/db/schema";
import { attemptLogin } from "@/lib/auth/login";
import { verifyPassword } from "@/lib/auth/password";
import { loadUserActor } from "@/lib/auth/user-actor";
import { changeOwnPassword, endUserSessions } from "@/lib/services/account";
import { setUserPassword } from "@/lib/services/admin";
import { makeProject, makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Sessions carry the person's session epoch. A new password or "sign out everywhere" raises it,
// and every session issued before is refused at its next request.

const OLD = "correct horse battery";
const NEW = "staple-orbit-lantern-42";

describe.each(backends)("sessions and passwords on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(async () => t?.drop());
  const db = () => t.handle.db;
  const as = (actor: Awaited<ReturnType<typeof makeUser>>) => ({ db: db(), actor, requestId: "req-test" });
  const epochOf = async (userId: string) =>
    (await db().select({ e: users.sessionEpoch }).from(users).where(eq(users.id, userId)))[0]!.e;
  const auditOf = (userId: string) =>
    db().select().from(auditEvents).where(eq(auditEvents.entityId, userId)).orderBy(auditEvents.id);

  test("sign-in hands out the current epoch; a session from an older epoch is refused, the current one accepted", async () => {
    const person = await makeUser(db(), { password: OLD });
    const signedIn = await attemptLogin(db(), { email: person.email, password: OLD, ip: "10.0.0.1" });
    expect(signedIn).toMatchObject({ ok: true, user: { id: person.userId, sessionEpoch: 0 } });
    expect(await loadUserActor(db(), person.userId, 0)).toMatchObject({ userId: person.userId });

    await endUserSessions(as(person), { userId: person.userId });
    expect(await loadUserActor(db(), person.userId, 0)).toBeNull();
    expect(await loadUserActor(db(), person.userId, 1)).toMatchObject({ userId: person.userId });
    expect(await attemptLogin(db(), { email: person.email, password: OLD, ip: "10.0.0.1" })).toMatchObject({
      ok: true,
      user: { sessionEpoch: 1 },
    });
    expect((await auditOf(person.userId)).map((a) => [a.action, a.actorId, a.after])).toEqual([
      ["user.sessions_ended", person.userId, { email: person.email, self: true }],
    ]);
  });

  test("an admin's new password for someone ends their sessions; the old password stops working", async () => {
    const admin = await makeUser(db(), { isAdmin: true });
    const person = await makeUser(db(), { password: OLD });
    await setUserPassword(as(admin), { userId: person.userId, password: NEW });
    expect(await epochOf(person.userId)).toBe(1);
    expect(await loadUserActor(db(), person.userId, 0)).toBeNull();
    expect(await attemptLogin(db(), { email: person.email, password: OLD, ip: "10.0.0.2" })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(await attemptLogin(db(), { email: person.email, password: NEW, ip: "10.0.0.2" })).toMatchObject({
      ok: true,
      user: { sessionEpoch: 1 },
    });
    expect((await auditOf(person.userId)).map((a) => [a.action, a.actorId])).toEqual([
      ["user.password_set", admin.userId],
    ]);
  });

  test("only admins end someone else's sessions; a refusal changes and records nothing", async () => {
    const project = await makeProject(db());
    const manager = await makeUser(db(), { projectId: project.id, roles: ["release_manager", "approver"] });
    const person = await makeUser(db(), { projectId: project.id, roles: ["engineer"] });
    await expect(endUserSessions(as(manager), { userId: person.userId })).rejects.toMatchObject({
      code: "forbidden:permission",
    });
    expect(await epochOf(person.userId)).toBe(0);
    expect(await auditOf(person.userId)).toEqual([]);

    const admin = await makeUser(db(), { isAdmin: true });
    expect(await endUserSessions(as(admin), { userId: person.userId })).toMatchObject({
      id: person.userId,
      sessionEpoch: 1,
    });
    expect((await auditOf(person.userId)).map((a) => [a.action, a.actorId, a.after])).toEqual([
      ["user.sessions_ended", admin.userId, { email: person.email, self: false }],
    ]);

    await expect(endUserSessions(as(admin), { userId: "not-an-id" })).rejects.toMatchObject({
      code: "bad_request:validation",
      fieldErrors: { userId: [expect.any(String)] },
    });
    await expect(endUserSessions(as(admin), { userId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      code: "not_found:entity",
    });
    await expect(
      endUserSessions({ db: db(), actor: { kind: "system" }, requestId: null }, { userId: person.userId }),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
  });

  test("changing one's own password: checked, named field by field, and on success every session ends", async () => {
    const person = await makeUser(db(), { password: OLD });
    const fields = async (input: Record<string, unknown>) =>
      changeOwnPassword(as(person), input).then(
        () => null,
        (e: { code?: string; fieldErrors?: Record<string, string[]> }) => ({
          code: e.code,
          fields: Object.keys(e.fieldErrors ?? {}).sort(),
        }),
      );
    expect(await fields({})).toEqual({
      code: "bad_request:validation",
      fields: ["confirm", "currentPassword", "password"],
    });
    expect(await fields({ currentPassword: OLD, password: "short", confirm: "short" })).toEqual({
      code: "bad_request:validation",
      fields: ["password"],
    });
    expect(await fields({ currentPassword: OLD, password: NEW, confirm: `${NEW}!` })).toEqual({
      code: "bad_request:validation",
      fields: ["confirm"],
    });
    expect(await fields({ currentPassword: OLD, password: OLD, confirm: OLD })).toEqual({
      code: "bad_request:validation",
      fields: ["password"],
    });
    expect(await fields({ currentPassword: "not my password", password: NEW, confirm: NEW })).toEqual({
      code: "bad_request:validation",
      fields: ["currentPassword"],
    });
    // Nothing changed so far, and the wrong guess counts against sign-in like any other.
    expect(await epochOf(person.userId)).toBe(0);
    expect(await auditOf(person.userId)).toEqual([]);
    const failures = await db()
      .select()
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, person.email), eq(loginAttempts.succeeded, false)));
    expect(failures).toHaveLength(1);

    await changeOwnPassword(as(person), { currentPassword: OLD, password: NEW, confirm: NEW }, "10.0.0.3");
    const [row] = await db().select().from(users).where(eq(users.id, person.userId));
    expect(row!.sessionEpoch).toBe(1);
    expect(await verifyPassword(row!.passwordHash, NEW)).toBe(true);
    expect(await loadUserActor(db(), person.userId, 0)).toBeNull();
    expect((await auditOf(person.userId)).map((a) => [a.action, a.actorId])).toEqual([
      ["user.password_changed", person.userId],
    ]);
    // The hash never reaches the audit trail.
    expect(JSON.stringify(await auditOf(person.userId))).not.toContain("argon2");
  });

  test("guessing the current password is throttled like sign-in; a single-sign-on person has no password to change", async () => {
    const person = await makeUser(db(), { password: OLD });
    for (let i = 0; i < 3; i++) {
      await expect(
        changeOwnPassword(as(person), { currentPassword: `guess ${i}`, password: NEW, confirm: NEW }),
      ).rejects.toMatchObject({ code: "bad_request:validation" });
    }
    await expect(
      changeOwnPassword(as(person), { currentPassword: OLD, password: NEW, confirm: NEW }),
    ).rejects.toMatchObject({ code: "rate_limited", status: 429 });
    expect(await epochOf(person.userId)).toBe(0);

    const sso = await makeUser(db());
    await expect(
      changeOwnPassword(as(sso), { currentPassword: "anything at all", password: NEW, confirm: NEW }),
    ).rejects.toMatchObject({ code: "conflict:state" });
  });
});
