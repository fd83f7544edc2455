import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET as listPlansRoute } from "@/app/api/v1/plans/route";
import { GET as planRoute } from "@/app/api/v1/plans/[planId]/route";
import { rowsOf, setProcessDatabase } from "@/db/client";
import { apiTokens, auditEvents, plans } from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { assertTokenScope } from "@/lib/auth/actor";
import { attemptLogin } from "@/lib/auth/login";
import { can, PROJECT_ROLES } from "@/lib/auth/permissions";
import { authenticateToken } from "@/lib/auth/token-auth";
import { AppError } from "@/lib/errors";
import { addMembership, createProject, createUser } from "@/lib/services/admin";
import { issueSetupToken } from "@/lib/services/settings";
import { createFirstAdmin } from "@/lib/services/setup";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { makeProject, makeUser } from "../support/people";

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });
type Route = (request: Request, context: { params: Promise<never> }) => Promise<Response>;
const call = (route: unknown, token: string | null, params: Record<string, string> = {}) =>
  (route as Route)(new Request("http://test/api/v1", { headers: token ? bearer(token) : {} }), {
    params: Promise.resolve(params as never),
  });

describe.each(backends)("identity and access on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
  });
  afterAll(async () => t?.drop());
  const ctx = (actor: Awaited<ReturnType<typeof makeUser>>) => ({ db: t.handle.db, actor, requestId: "req-test" });

  test("first admin: only with the printed token, only once", async () => {
    const token = await issueSetupToken(t.handle.db);
    expect(token).toEqual(expect.any(String));
    await expect(
      createFirstAdmin(
        t.handle.db,
        { setupToken: "wrong", email: "a@x.test", name: "A", password: "correct horse battery" },
        null,
      ),
    ).rejects.toMatchObject({
      code: "bad_request:validation",
      fieldErrors: { setupToken: [expect.any(String)] },
    });
    await expect(
      createFirstAdmin(t.handle.db, { setupToken: token, email: "bad", name: "", password: "short" }, null),
    ).rejects.toMatchObject({
      fieldErrors: { email: [expect.any(String)], name: [expect.any(String)], password: [expect.any(String)] },
    });
    const admin = await createFirstAdmin(
      t.handle.db,
      { setupToken: token, email: "Root@X.test", name: "Root", password: "correct horse battery" },
      "req-1",
    );
    expect(admin.email).toBe("root@x.test");
    await expect(
      createFirstAdmin(
        t.handle.db,
        { setupToken: token, email: "b@x.test", name: "B", password: "correct horse battery" },
        null,
      ),
    ).rejects.toMatchObject({ code: "conflict:state" });
    expect(await issueSetupToken(t.handle.db)).toBeNull();
  });

  test("setup never hashes a password once setup is done, or without the token", async () => {
    let hashed = 0;
    const counting = async (password: string) => {
      hashed++;
      return `counted:${password.length}`;
    };
    // Setup is done (the test above): refused before any hashing, however many times it is tried.
    for (let i = 0; i < 5; i++) {
      await expect(
        createFirstAdmin(
          t.handle.db,
          { setupToken: "any token at all", email: `x${i}@x.test`, name: "X", password: "correct horse battery" },
          null,
          counting,
        ),
      ).rejects.toMatchObject({ code: "conflict:state" });
    }
    expect(hashed).toBe(0);
  });

  test("audit events cannot be updated, deleted or truncated through the app's connection", async () => {
    const [row] = await t.handle.db.select().from(auditEvents).limit(1);
    expect(row).toBeDefined();
    for (const statement of [
      sql`update audit_events set action = 'forged' where id = ${row!.id}`,
      sql`delete from audit_events where id = ${row!.id}`,
      sql`truncate audit_events`,
    ]) {
      await expect(t.handle.db.execute(statement)).rejects.toThrow();
    }
    const [still] = rowsOf<{ action: string }>(
      await t.handle.db.execute(sql`select action from audit_events where id = ${row!.id}`),
    );
    expect(still?.action).toBe(row!.action);
  });

  test("sign-in: right password, wrong password, unknown email; failures slow their own address down", async () => {
    const person = await makeUser(t.handle.db, { password: "a long enough password", email: "throttle@x.test" });
    const ip = `10.0.0.${kind === "pglite" ? 1 : 2}`;
    let now = new Date();
    const later = (ms: number) => (now = new Date(now.getTime() + ms));
    const attempt = (email: string, password: string, from = ip) =>
      attemptLogin(t.handle.db, { email, password, ip: from }, undefined, now);
    expect(await attempt("THROTTLE@x.test", "a long enough password")).toMatchObject({
      ok: true,
      user: { id: person.userId },
    });
    for (let i = 0; i < 3; i++)
      expect(await attempt("throttle@x.test", "wrong")).toEqual({ ok: false, reason: "invalid" });
    // The fourth try from this address waits a second, the next two, then four…
    expect(await attempt("throttle@x.test", "a long enough password")).toEqual({
      ok: false,
      reason: "throttled",
      retryAfterMs: 1_000,
    });
    later(1_000);
    expect(await attempt("throttle@x.test", "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("throttle@x.test", "wrong")).toEqual({ ok: false, reason: "throttled", retryAfterMs: 2_000 });
    later(2_000);
    // Having waited, the right password gets in, and the slate is clean again.
    expect(await attempt("throttle@x.test", "a long enough password")).toMatchObject({ ok: true });
    for (let i = 0; i < 3; i++)
      expect(await attempt("throttle@x.test", "wrong")).toEqual({ ok: false, reason: "invalid" });
    // An unknown email answers exactly like a known one, throttle included.
    for (let i = 0; i < 3; i++)
      expect(await attempt("nobody@x.test", "x", "10.9.9.9")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("nobody@x.test", "x", "10.9.9.9")).toMatchObject({ ok: false, reason: "throttled" });
  });

  test("sign-in: someone failing on purpose cannot keep the owner out", async () => {
    const owner = await makeUser(t.handle.db, { password: "the owner's own password", email: `owner-${kind}@x.test` });
    const attacker = `203.0.113.${kind === "pglite" ? 10 : 11}`;
    let now = new Date();
    for (let i = 0; i < 40; i++) {
      await attemptLogin(t.handle.db, { email: owner.email, password: `guess ${i}`, ip: attacker }, undefined, now);
      now = new Date(now.getTime() + 20_000);
    }
    expect(
      await attemptLogin(
        t.handle.db,
        { email: owner.email, password: "the owner's own password", ip: attacker },
        undefined,
        now,
      ),
    ).toMatchObject({ ok: false, reason: "throttled" });
    // From an address that has not been failing, the right password gets in at once.
    expect(
      await attemptLogin(
        t.handle.db,
        { email: owner.email, password: "the owner's own password", ip: "198.51.100.7" },
        undefined,
        now,
      ),
    ).toMatchObject({ ok: true, user: { id: owner.userId } });
  });

  test("sign-in: an address failing across many accounts is stopped for a while", async () => {
    const sprayer = `192.0.2.${kind === "pglite" ? 20 : 21}`;
    const victim = await makeUser(t.handle.db, { password: "a long enough password" });
    const now = new Date();
    for (let i = 0; i < 30; i++)
      await attemptLogin(
        t.handle.db,
        { email: `spray${i}-${kind}@x.test`, password: "Winter2026!", ip: sprayer },
        undefined,
        now,
      );
    expect(
      await attemptLogin(
        t.handle.db,
        { email: victim.email, password: "a long enough password", ip: sprayer },
        undefined,
        now,
      ),
    ).toMatchObject({ ok: false, reason: "throttled" });
    expect(
      await attemptLogin(
        t.handle.db,
        { email: victim.email, password: "a long enough password", ip: "198.51.100.8" },
        undefined,
        now,
      ),
    ).toMatchObject({ ok: true });
  });

  test("sign-in: a disabled person cannot sign in", async () => {
    const person = await makeUser(t.handle.db, { password: "a long enough password" });
    await t.handle.db.execute(sql`update users set disabled_at = now() where id = ${person.userId}`);
    expect(
      await attemptLogin(t.handle.db, { email: person.email, password: "a long enough password", ip: "10.1.1.1" }),
    ).toEqual({ ok: false, reason: "invalid" });
  });

  // Every role × every service-backed action, generated from the permission table.
  const serviceActions = {
    "token:manage": (c: ReturnType<typeof ctx>, projectId: string) =>
      createApiToken(c, { projectId, name: "ci", scopes: ["plans:read"] }),
    "member:manage": (c: ReturnType<typeof ctx>, projectId: string) =>
      addMembership(c, { projectId, email: "throttle@x.test", role: "viewer" }),
    "user:manage": (c: ReturnType<typeof ctx>) =>
      createUser(c, { email: `new-${Math.random()}@x.test`, name: "New", password: "a long enough password" }),
    "project:create": (c: ReturnType<typeof ctx>) =>
      createProject(c, { slug: `p-${Math.random().toString(36).slice(2, 10)}`, name: "New project" }),
  } as const;
  const matrix = [...PROJECT_ROLES.map((r) => [r, false] as const), ["admin", true] as const].flatMap(
    ([role, isAdmin]) =>
      (Object.keys(serviceActions) as (keyof typeof serviceActions)[]).map(
        (action) => [role, action, isAdmin ? true : can({ isAdmin, roles: [role as never] }, action)] as const,
      ),
  );

  test.each(matrix)("%s → %s allowed: %s", async (role, action, allowed) => {
    const project = await makeProject(t.handle.db);
    const actor =
      role === "admin"
        ? await makeUser(t.handle.db, { isAdmin: true })
        : await makeUser(t.handle.db, { projectId: project.id, roles: [role] });
    const before = Number((await t.handle.db.select({ n: count() }).from(auditEvents))[0]!.n);
    const outcome = await serviceActions[action](ctx(actor), project.id).then(
      () => "ok",
      (e: unknown) => (e instanceof AppError ? e.code : `unexpected: ${String(e)}`),
    );
    expect(outcome).toBe(allowed ? "ok" : "forbidden:permission");
    const after = Number((await t.handle.db.select({ n: count() }).from(auditEvents))[0]!.n);
    expect(after - before, "an allowed change writes one audit event; a refused one writes none").toBe(allowed ? 1 : 0);
  });

  test("tokens: shown once, stored hashed, scoped to one project and capability, revocable at once", async () => {
    await seedDemoInto();
    const [checkoutPlan] = await t.handle.db.select().from(plans).where(eq(plans.name, "One-page checkout"));
    const [searchPlan] = await t.handle.db.select().from(plans).where(eq(plans.name, "Search backend migration"));
    const rm = await makeUser(t.handle.db, { projectId: checkoutPlan!.projectId, roles: ["release_manager"] });
    const created = await createApiToken(ctx(rm), {
      projectId: checkoutPlan!.projectId,
      name: "deploy",
      scopes: ["plans:read"],
    });
    const stored = await t.handle.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(stored[0]!.tokenHash).not.toContain(created.token);
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const list = await call(listPlansRoute, created.token);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { plans: { name: string; project: string }[] };
    // Every plan it lists is its project's (the demo's two live ones and its history).
    expect(body.plans.length).toBeGreaterThanOrEqual(2);
    expect(new Set(body.plans.map((p) => p.project))).toEqual(new Set(["checkout"]));
    expect((await call(planRoute, created.token, { planId: checkoutPlan!.id })).status).toBe(200);
    // Another project's plan does not exist for this token.
    expect((await call(planRoute, created.token, { planId: searchPlan!.id })).status).toBe(404);

    const actor = await authenticateToken(t.handle.db, bearer(created.token));
    expect(() => assertTokenScope(actor, "decisions:write", checkoutPlan!.projectId)).toThrow(
      /lacks the decisions:write scope/,
    );
    expect(() => assertTokenScope(actor, "plans:read", searchPlan!.projectId)).toThrow(/another project/);

    const noScope = await createApiToken(ctx(rm), {
      projectId: checkoutPlan!.projectId,
      name: "metrics only",
      scopes: ["metrics:write"],
    });
    const refused = await call(listPlansRoute, noScope.token);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: "forbidden:permission", message: "This token lacks the plans:read scope" },
    });

    await revokeApiToken(ctx(rm), { tokenId: created.id });
    const revoked = await call(listPlansRoute, created.token);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain("Bearer");
    expect(((await revoked.json()) as { error: { message: string } }).error.message).toBe("The API token was revoked");

    expect((await call(listPlansRoute, null)).status).toBe(401);
    expect((await call(listPlansRoute, "pgt_not-a-real-token")).status).toBe(401);

    const audit = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, created.id)));
    expect(audit.map((a) => a.action).sort()).toEqual(["token.created", "token.revoked"]);
    expect(JSON.stringify(audit)).not.toContain(created.token);
  });

  test("tokens: an expired token fails", async () => {
    const project = await makeProject(t.handle.db);
    const rm = await makeUser(t.handle.db, { projectId: project.id, roles: ["release_manager"] });
    const created = await createApiToken(ctx(rm), {
      projectId: project.id,
      name: "short",
      scopes: ["plans:read"],
      expiresInDays: 1,
    });
    await expect(
      authenticateToken(t.handle.db, bearer(created.token), new Date(Date.now() + 2 * 86_400_000)),
    ).rejects.toThrow("The API token has expired");
  });

  test("bad input is refused naming each field, and nothing is written", async () => {
    const project = await makeProject(t.handle.db);
    const rm = await makeUser(t.handle.db, { projectId: project.id, roles: ["release_manager"] });
    const before = Number((await t.handle.db.select({ n: count() }).from(apiTokens))[0]!.n);
    await expect(
      createApiToken(ctx(rm), { projectId: project.id, name: "", scopes: ["plans:read", "root:everything"] }),
    ).rejects.toMatchObject({
      code: "bad_request:validation",
      fieldErrors: { name: [expect.any(String)], "scopes.1": [expect.any(String)] },
    });
    expect(Number((await t.handle.db.select({ n: count() }).from(apiTokens))[0]!.n)).toBe(before);
  });

  let seeded = false;
  async function seedDemoInto() {
    if (seeded) return;
    // The demo refuses a non-empty database: load it into a fresh one and point the routes there.
    const fresh = await createTestDatabase(kind);
    await seedDemo(fresh.handle.db);
    const previous = t;
    t = fresh;
    setProcessDatabase(fresh.handle);
    seeded = true;
    await previous.drop();
  }
});
