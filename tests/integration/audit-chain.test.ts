import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "@/db/client";
import { seedDemo } from "@/db/seed/demo";
import { auditEvents } from "@/db/schema";
import { verifyAuditChain } from "@/lib/queries/audit-chain";
import { writeAudit } from "@/lib/services/audit";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Findings: audit rows took the caller's created_at, and a changed row went unnoticed.

const system = { kind: "system" } as const;

describe.each(backends)("the audit trail's hash chain on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  }, 120_000);
  afterAll(async () => t?.drop());
  const db = () => t.handle.db;

  test("the demo's trail verifies; every row is sealed in order", async () => {
    await seedDemo(db());
    const report = await verifyAuditChain(db());
    expect(report).toMatchObject({ ok: true });
    expect(report.events).toBeGreaterThan(20);
    const [gaps] = rowsOf<{ unsealed: number; max: number; n: number }>(
      await db().execute(
        sql`select count(*) filter (where hash is null)::int as unsealed, max(seq)::int as max, count(*)::int as n from audit_events`,
      ),
    );
    expect(gaps).toEqual({ unsealed: 0, max: gaps!.n, n: gaps!.n });
  });

  test("created_at is the database's, whatever the writer sends", async () => {
    await db()
      .insert(auditEvents)
      .values({
        actorKind: "system",
        actorLabel: "system",
        action: "test.backdated",
        entityType: "test",
        entityId: "1",
        createdAt: new Date("2001-01-01T00:00:00Z"),
        seq: 999_999,
        hash: "f".repeat(64),
      });
    const [row] = rowsOf<{ created_at: string | Date; seq: string | number; hash: string }>(
      await db().execute(sql`select created_at, seq, hash from audit_events where action = 'test.backdated'`),
    );
    expect(new Date(row!.created_at).getUTCFullYear()).toBeGreaterThanOrEqual(2026);
    expect(Number(row!.seq)).not.toBe(999_999);
    expect(row!.hash).not.toBe("f".repeat(64));
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  test("rows written by concurrent transactions form one unbroken chain", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db().transaction(async (tx) => {
          await writeAudit(
            tx,
            system,
            {
              action: "test.concurrent",
              entityType: "test",
              entityId: `${i}a`,
              after: { i, note: "é ✓ \u0000".replace("\u0000", "") },
            },
            `req-${i}`,
          );
          await writeAudit(
            tx,
            system,
            {
              action: "test.concurrent",
              entityType: "test",
              entityId: `${i}b`,
              after: { nested: { n: 1.5e-7, big: 12345678901234567890 } },
            },
            null,
          );
        }),
      ),
    );
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true });
  });

  test("ordinary SQL still cannot change or remove an event", async () => {
    for (const statement of [
      sql`update audit_events set action = 'x' where id = (select min(id) from audit_events)`,
      sql`update audit_events set hash = null where id = (select min(id) from audit_events)`,
      sql`delete from audit_events where id = (select min(id) from audit_events)`,
    ]) {
      await expect(db().execute(statement)).rejects.toThrow();
    }
  });

  test("a row changed behind the triggers' back is named by the check", async () => {
    const [victim] = rowsOf<{ id: number | string; seq: number | string }>(
      await db().execute(
        sql`select id, seq from audit_events where action = 'test.concurrent' order by seq limit 1 offset 3`,
      ),
    );
    // What a superuser (or the owner in the single-URL setup) could do.
    await db().execute(sql`alter table audit_events disable trigger user`);
    try {
      await db().execute(sql`update audit_events set after = '{"i": 99}'::jsonb where id = ${Number(victim!.id)}`);
    } finally {
      await db().execute(sql`alter table audit_events enable trigger user`);
    }
    const report = await verifyAuditChain(db());
    expect(report).toMatchObject({
      ok: false,
      broken: {
        id: Number(victim!.id),
        seq: Number(victim!.seq),
        reason: expect.stringContaining("content does not match"),
      },
    });
  });

  test("a deleted row and an unsealed row are named too", async () => {
    const fresh = await createTestDatabase(kind);
    try {
      for (let i = 0; i < 5; i++)
        await writeAudit(
          fresh.handle.db,
          system,
          { action: "test.row", entityType: "test", entityId: String(i) },
          null,
        );
      await fresh.handle.db.execute(sql`alter table audit_events disable trigger user`);
      await fresh.handle.db.execute(sql`delete from audit_events where seq = 3`);
      await fresh.handle.db.execute(
        sql`insert into audit_events (actor_kind, actor_label, action, entity_type, entity_id) values ('system', 'system', 'test.forged', 'test', 'x')`,
      );
      await fresh.handle.db.execute(sql`alter table audit_events enable trigger user`);
      const report = await verifyAuditChain(fresh.handle.db);
      expect(report).toMatchObject({
        ok: false,
        broken: { seq: 4, reason: expect.stringContaining("number 3 is missing") },
      });
      await fresh.handle.db.execute(sql`alter table audit_events disable trigger user`);
      await fresh.handle.db.execute(
        sql`update audit_events set seq = seq - 1, prev_hash = (select hash from audit_events where seq = 2) where seq = 4`,
      );
      await fresh.handle.db.execute(sql`alter table audit_events enable trigger user`);
      const again = await verifyAuditChain(fresh.handle.db);
      expect(again.ok).toBe(false);
    } finally {
      await fresh.drop();
    }
  });
});
