import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { seedDemo } from "@/db/seed/demo";
import { apiTokens, flags, projects } from "@/db/schema";
import { startEdge } from "@/lib/edge/server";
import { verifyAuditChain } from "@/lib/queries/audit-chain";
import { createApiToken } from "@/lib/services/tokens";
import { makeUser } from "../support/people";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Finding: one role owned everything, so the app could switch off the audit trail's protection or
// drop it, and edges held the same owner credentials. `npm run db:roles` splits them.

const serverUrl = process.env.TEST_DATABASE_URL?.trim();
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

function runScript(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = "not-checked-with-trust-auth";
  return u.toString();
}

if (!serverUrl)
  console.warn(
    "db-roles: skipped: database roles and grants exist only on a PostgreSQL server (set TEST_DATABASE_URL; CI does)",
  );
describe.skipIf(!serverUrl)("least-privilege roles on PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const runtimeRole = `phasegate_rt_${suffix}`;
  const edgeRole = `phasegate_edge_${suffix}`;
  let t: TestDatabase;
  let runtime: DbHandle;
  let edge: DbHandle;
  let runtimeSql: postgres.Sql;
  let edgeSql: postgres.Sql;

  beforeAll(async () => {
    t = await createTestDatabase("postgres", { migrate: false });
    const result = await runScript("scripts/db-roles.ts", {
      MIGRATION_DATABASE_URL: t.url!,
      DATABASE_URL: asRole(t.url!, runtimeRole),
      EDGE_DATABASE_URL: asRole(t.url!, edgeRole),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`created the runtime role ${runtimeRole}`);
    expect(result.stdout).toContain("only INSERT and SELECT on audit_events");
    runtime = await openDatabase({ databaseUrl: asRole(t.url!, runtimeRole) });
    edge = await openDatabase({ databaseUrl: asRole(t.url!, edgeRole), maxConnections: 2 });
    runtimeSql = postgres(asRole(t.url!, runtimeRole), { max: 1, onnotice: () => {} });
    edgeSql = postgres(asRole(t.url!, edgeRole), { max: 1, onnotice: () => {} });
  }, 180_000);

  afterAll(async () => {
    await runtimeSql?.end();
    await edgeSql?.end();
    await runtime?.close();
    await edge?.close();
    await t?.drop();
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop role if exists ${runtimeRole}`).catch(() => {});
    await admin.unsafe(`drop role if exists ${edgeRole}`).catch(() => {});
    await admin.end();
  });

  test("the app runs as the runtime role: an up-to-date schema needs no migration, the demo loads, the trail is sealed", async () => {
    expect(await runtime.migrate()).toBeGreaterThan(10);
    expect(await seedDemo(runtime.db)).not.toBeNull();
    expect(await verifyAuditChain(runtime.db)).toMatchObject({ ok: true });
  });

  test.each([
    ["UPDATE", "update audit_events set action = 'rewritten'"],
    ["DELETE", "delete from audit_events"],
    ["TRUNCATE", "truncate audit_events"],
    ["ALTER (switch off the append-only trigger)", "alter table audit_events disable trigger user"],
    ["DROP TRIGGER", "drop trigger audit_events_no_update_delete on audit_events"],
    ["DROP", "drop table audit_events"],
    ["CREATE a table", "create table public.smuggled (id int)"],
    [
      "replace the sealing function",
      "create or replace function phasegate_audit_content(e audit_events) returns text language sql as $$ select '' $$",
    ],
  ])("the runtime role cannot %s", async (_label, statement) => {
    await expect(runtimeSql.unsafe(statement)).rejects.toMatchObject({
      code: expect.stringMatching(/^(42501|2F003)$/),
    });
  });

  test("the runtime role may append to the trail, and the database stamps the time", async () => {
    await runtimeSql`insert into audit_events (actor_kind, actor_label, action, entity_type, entity_id, created_at) values ('system', 'system', 'test.role', 'test', '1', '2001-01-01')`;
    const [row] = await runtimeSql<
      { created_at: Date; hash: string }[]
    >`select created_at, hash from audit_events where action = 'test.role'`;
    expect(row!.created_at.getUTCFullYear()).toBeGreaterThanOrEqual(2026);
    expect(row!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ["insert", "insert into projects (slug, name) values ('edge-write', 'Edge write')"],
    ["update", "update projects set name = 'renamed'"],
    ["delete", "delete from flags"],
    [
      "append to the audit trail",
      "insert into audit_events (actor_kind, actor_label, action, entity_type, entity_id) values ('system', 'system', 'x', 'x', 'x')",
    ],
    ["revoke a token", "update api_tokens set revoked_at = now()"],
    ["create a table", "create table public.edge_table (id int)"],
  ])("the edge role cannot %s", async (_label, statement) => {
    await expect(edgeSql.unsafe(statement)).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|25006)$/) });
  });

  test("an edge on the read-only role evaluates flags", async () => {
    const [project] = await runtime.db.select().from(projects).where(eq(projects.slug, "checkout"));
    const rm = await makeUser(runtime.db, { projectId: project!.id, roles: ["release_manager"] });
    const { token } = await createApiToken(
      { db: runtime.db, actor: rm, requestId: null },
      { projectId: project!.id, name: "edge", scopes: ["flags:evaluate"] },
    );
    const [flag] = await runtime.db.select().from(flags).where(eq(flags.projectId, project!.id));
    const server = await startEdge({ handle: edge, port: 0 });
    try {
      const response = await fetch(`${server.url}/ofrep/v1/evaluate/flags/${flag!.key}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ context: { targetingKey: "user-1" } }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ key: flag!.key });
    } finally {
      await server.close();
    }
    // The edge wrote nothing, not even the token's last use.
    const [row] = await runtime.db
      .select({ lastUsedAt: apiTokens.lastUsedAt })
      .from(apiTokens)
      .where(eq(apiTokens.name, "edge"));
    expect(row!.lastUsedAt).toBeNull();
  });

  test("audit:verify passes, then names the row a superuser changed", async () => {
    const ok = await runScript("scripts/audit-verify.ts", {
      DATABASE_URL: asRole(t.url!, runtimeRole),
      MIGRATION_DATABASE_URL: "",
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit: \d+ events, chain intact \(head: event \d+, [0-9a-f]{64}\)/);

    const superuser = postgres(t.url!, { max: 1, onnotice: () => {} });
    const [victim] = await superuser<
      { id: string }[]
    >`select id from audit_events where action = 'decision.go' order by seq limit 1`;
    await superuser.unsafe("alter table audit_events disable trigger user");
    await superuser`update audit_events set actor_label = 'someone else' where id = ${victim!.id}`;
    await superuser.unsafe("alter table audit_events enable trigger user");
    await superuser.end();

    const broken = await runScript("scripts/audit-verify.ts", {
      DATABASE_URL: asRole(t.url!, runtimeRole),
      MIGRATION_DATABASE_URL: "",
    });
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim()).toMatch(
      new RegExp(
        `^audit: chain broken at event #${victim!.id} \\(number \\d+ in the chain\\): its content does not match its hash`,
      ),
    );
  });

  test("a runtime role facing a pending migration says what to run instead of failing obscurely", async () => {
    const superuser = postgres(t.url!, { max: 1, onnotice: () => {} });
    await superuser`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`;
    await superuser.end();
    const fresh = await openDatabase({ databaseUrl: asRole(t.url!, runtimeRole), maxConnections: 1 });
    try {
      await expect(fresh.migrate()).rejects.toThrow(
        /1 migration is pending and the role in DATABASE_URL may not apply it: run npm run db:migrate with MIGRATION_DATABASE_URL/,
      );
    } finally {
      await fresh.close();
    }
  });
});
