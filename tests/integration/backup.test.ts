import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { asc, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Database, openDatabase, rowsOf } from "@/db/client";
import * as s from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { planToJson } from "@/lib/domain/plan-markdown";
import { backupDatabase, backupKindOf, restoreDatabase } from "@/lib/ops/backup";
import { loadPlanForExport } from "@/lib/queries/plan-export";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Backup and restore round-trip: every plan's JSON export and the whole audit trail (times,
// chain) are the same in the restored database as in the original.

const run = promisify(execFile);
const serverUrl = process.env.TEST_DATABASE_URL?.trim() || undefined;
const seededAt = new Date("2026-11-22T12:00:00Z");

/** What must survive: each plan's export, and the audit trail row by row. */
async function snapshot(db: Database) {
  const plans = await db.select({ id: s.plans.id }).from(s.plans).orderBy(asc(s.plans.id));
  const exports: Record<string, string> = {};
  for (const { id } of plans) {
    const loaded = await loadPlanForExport(db, id);
    exports[id] = planToJson(loaded!.document);
  }
  const audit = rowsOf<{ id: string | number; created_at: string; seq: string | number; hash: string; action: string }>(
    await db.execute(sql`select id, created_at::text, seq, hash, action from audit_events order by id`),
  ).map((r) => [Number(r.id), r.created_at, Number(r.seq), r.hash, r.action]);
  const samples = rowsOf<{ n: number; sum: number }>(
    await db.execute(sql`select count(*)::int as n, sum(value)::float8 as sum from samples`),
  )[0];
  return { exports, audit, samples };
}

describe("backup and restore of the embedded database (PGlite's own dump)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-backup-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("a seeded folder round-trips through a file into a new folder", { timeout: 180_000 }, async () => {
    const source = path.join(root, "source");
    const handle = await openDatabase({ pgliteDir: source });
    await handle.migrate();
    await seedDemo(handle.db, seededAt);
    const before = await snapshot(handle.db);
    await handle.close();
    expect(Object.keys(before.exports)).toHaveLength(28);
    expect(before.audit.length).toBeGreaterThan(50);

    const file = path.join(root, "backup.tar.gz");
    const written = await backupDatabase({ pgliteDir: source }, file);
    expect(written).toMatchObject({ kind: "pglite", file });
    expect(backupKindOf(file)).toBe("pglite");

    const target = path.join(root, "restored");
    const restored = await restoreDatabase({ pgliteDir: target }, file);
    expect(restored).toMatchObject({ kind: "pglite", auditIntact: true, auditEvents: before.audit.length });
    const reopened = await openDatabase({ pgliteDir: target });
    try {
      expect(await snapshot(reopened.db)).toEqual(before);
    } finally {
      await reopened.close();
    }
    // Only into an empty folder; and a PGlite dump is not restored into PostgreSQL.
    await expect(restoreDatabase({ pgliteDir: target }, file)).rejects.toThrow(
      /is not empty: restore into a new folder/,
    );
    await expect(restoreDatabase({ databaseUrl: "postgres://nobody@127.0.0.1:1/x" }, file)).rejects.toThrow(
      /This is a PGlite backup/,
    );
    fs.writeFileSync(path.join(root, "junk.bin"), "not a backup");
    await expect(restoreDatabase({ pgliteDir: path.join(root, "other") }, path.join(root, "junk.bin"))).rejects.toThrow(
      /neither a pg_dump custom-format file nor a PGlite dump/,
    );
  });
});

if (!serverUrl)
  console.warn(
    "backup: the PostgreSQL round trip is skipped: pg_dump needs a PostgreSQL server (set TEST_DATABASE_URL; CI does)",
  );
describe.skipIf(!serverUrl)(
  "backup and restore of PostgreSQL (pg_dump custom format, through npm run backup / restore)",
  () => {
    let original: TestDatabase;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-backup-pg-"));
    const restoredName = `phasegate_r_${randomBytes(6).toString("hex")}`;
    const restoredUrl = serverUrl ? Object.assign(new URL(serverUrl), { pathname: `/${restoredName}` }).toString() : "";

    beforeAll(async () => {
      original = await createTestDatabase("postgres");
      await seedDemo(original.handle.db, seededAt);
      const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${restoredName}`);
      await admin.end();
    });
    afterAll(async () => {
      await original?.drop();
      const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${restoredName} with (force)`);
      await admin.end();
      fs.rmSync(root, { recursive: true, force: true });
    });

    test(
      "the commands round-trip plans and the audit trail with its own times and chain",
      { timeout: 180_000 },
      async () => {
        const before = await snapshot(original.handle.db);
        const file = path.join(root, "phasegate.dump");
        const env = { ...process.env, DATABASE_URL: original.url!, MIGRATION_DATABASE_URL: "" };
        const backup = await run("npx", ["tsx", "scripts/backup.ts", file], { env });
        expect(backup.stdout).toMatch(/^backup: .* → .*phasegate\.dump \(pg_dump custom format, \d+ KiB\)/);
        expect(backupKindOf(file)).toBe("postgres");

        const restore = await run("npx", ["tsx", "scripts/restore.ts", file], {
          env: { ...env, DATABASE_URL: restoredUrl },
        });
        expect(restore.stdout).toMatch(
          new RegExp(`: \\d+ migrations, ${before.audit.length} audit events, chain intact`),
        );
        const restored = await openDatabase({ databaseUrl: restoredUrl });
        try {
          expect(await snapshot(restored.db)).toEqual(before);
        } finally {
          await restored.close();
        }
        // A database that holds tables is refused, with one line and exit 1.
        const refused = await run("npx", ["tsx", "scripts/restore.ts", file], {
          env: { ...env, DATABASE_URL: restoredUrl },
        }).catch((e: { code: number; stderr: string }) => e);
        expect(refused).toMatchObject({ code: 1 });
        expect((refused as { stderr: string }).stderr.trim()).toMatch(
          /^phasegate: .* is not empty \(\d+ tables\): restore into a new, empty database$/,
        );
      },
    );
  },
);
