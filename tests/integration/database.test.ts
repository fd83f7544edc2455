import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, rowsOf } from "@/db/client";
import * as s from "@/db/schema";
import { AppError } from "@/lib/errors";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as {
  entries: unknown[];
};

describe.each(backends)("database module on %s", (kind) => {
  let t: TestDatabase;
  let projectId: string;
  let planId: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    const [project] = await t.handle.db.insert(s.projects).values({ slug: "shop", name: "Shop" }).returning();
    projectId = project!.id;
    const [plan] = await t.handle.db
      .insert(s.plans)
      .values({ projectId, name: "Cart", releaseVersion: "1.0.0", strategy: "canary" })
      .returning();
    planId = plan!.id;
  });
  afterAll(async () => t?.drop());

  test("applies every committed migration, and applying again changes nothing", async () => {
    expect(t.handle.kind).toBe(kind);
    expect(await t.handle.migrationsApplied()).toBe(journal.entries.length);
    expect(await t.handle.migrate()).toBe(journal.entries.length);
  });

  test("a new plan starts as a draft at version 1", async () => {
    const plan = await t.handle.db.query.plans.findFirst({ where: eq(s.plans.id, planId) });
    expect(plan).toMatchObject({
      status: "draft",
      version: 1,
      downtime: "zero",
      decideTargetSec: 300,
      totalTargetSec: 600,
    });
  });

  const rejects = async (fn: () => Promise<unknown>, constraint: RegExp) => {
    const error = await fn().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, "the database accepted a row it must refuse").not.toBeNull();
    const text = `${String((error as Error).message)} ${String((error as { cause?: Error }).cause?.message ?? "")}`;
    expect(text).toMatch(constraint);
  };

  test("traffic outside 0–100% is refused", async () => {
    await rejects(
      () => t.handle.db.insert(s.phases).values({ planId, position: 9, name: "Too much", trafficPercent: 150 }),
      /phases_traffic_range/,
    );
  });

  test("a plan cannot have two active phases", async () => {
    await t.handle.db.insert(s.phases).values({ planId, position: 0, name: "A", trafficPercent: 5, status: "active" });
    await rejects(
      () =>
        t.handle.db.insert(s.phases).values({ planId, position: 1, name: "B", trafficPercent: 25, status: "active" }),
      /phases_one_active_idx/,
    );
  });

  test("an unknown status is refused by the enum", async () => {
    await rejects(
      () => t.handle.db.execute(sql`update plans set status = 'exploded' where id = ${planId}`),
      /invalid input value for enum plan_status/,
    );
  });

  test("n/a and blocked items need a reason", async () => {
    const [list] = await t.handle.db
      .insert(s.checklists)
      .values({ planId, kind: "pre_deployment", title: "Pre" })
      .returning();
    await rejects(
      () =>
        t.handle.db
          .insert(s.checklistItems)
          .values({ checklistId: list!.id, key: "tests", text: "Tests", state: "not_applicable" }),
      /checklist_items_reason_when_needed/,
    );
    await t.handle.db
      .insert(s.checklistItems)
      .values({ checklistId: list!.id, key: "tests", text: "Tests", state: "blocked", reason: "CI is down" });
    await rejects(
      () =>
        t.handle.db
          .insert(s.checklistItems)
          .values({ checklistId: list!.id, key: "tests", text: "Again", state: "open" }),
      /checklist_items_key_uq/,
    );
  });

  test("samples: one value per metric, cohort and instant; NaN and Infinity are refused", async () => {
    const [metric] = await t.handle.db
      .insert(s.metrics)
      .values({
        planId,
        key: "error_rate",
        label: "Error rate",
        unit: "%",
        direction: "lower_is_better",
        alertThreshold: 2,
        criticalThreshold: 5,
      })
      .returning();
    const ts = new Date("2026-11-20T10:00:00Z");
    await t.handle.db.insert(s.samples).values([
      { metricId: metric!.id, ts, value: 0.5 },
      { metricId: metric!.id, ts, value: 0.4, cohort: "baseline" },
    ]);
    await rejects(
      () => t.handle.db.insert(s.samples).values({ metricId: metric!.id, ts, value: 0.7 }),
      /samples_pkey|duplicate key/,
    );
    await rejects(
      () => t.handle.db.insert(s.samples).values({ metricId: metric!.id, ts: new Date(), value: Number.NaN }),
      /samples_value_finite/,
    );
    await rejects(
      () =>
        t.handle.db.insert(s.samples).values({ metricId: metric!.id, ts: new Date(), value: Number.POSITIVE_INFINITY }),
      /samples_value_finite/,
    );
    await rejects(
      () =>
        t.handle.db.insert(s.metrics).values({
          planId,
          key: "latency",
          label: "p95",
          direction: "lower_is_better",
          alertThreshold: 900,
          criticalThreshold: 600,
        }),
      /metrics_thresholds_ordered/,
    );
  });

  test("a flag's default variant must be one of its variants", async () => {
    await rejects(
      () =>
        t.handle.db.insert(s.flags).values({
          projectId,
          key: "new-cart",
          type: "boolean",
          variants: { on: true, off: false },
          defaultVariant: "maybe",
          rolloutVariant: "on",
        }),
      /flags_default_variant_known/,
    );
  });

  test("a failed transaction leaves nothing behind", async () => {
    const before = rowsOf<{ n: number }>(await t.handle.db.execute(sql`select count(*)::int as n from projects`))[0]!.n;
    await expect(
      t.handle.db.transaction(async (tx) => {
        await tx.insert(s.projects).values({ slug: "half", name: "Half" });
        await tx.insert(s.projects).values({ slug: "Not A Slug!", name: "Bad" });
      }),
    ).rejects.toThrow();
    const after = rowsOf<{ n: number }>(await t.handle.db.execute(sql`select count(*)::int as n from projects`))[0]!.n;
    expect(after).toBe(before);
  });
});

describe("bad configuration fails fast with one clear message", () => {
  test("an unreachable PostgreSQL server", async () => {
    const started = Date.now();
    const error = await openDatabase({ databaseUrl: "postgres://phasegate:secret@127.0.0.1:1/nowhere" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unavailable:database");
    expect((error as AppError).message).toBe(
      "Cannot reach PostgreSQL at 127.0.0.1:1/nowhere: connect ECONNREFUSED 127.0.0.1:1",
    );
    expect((error as AppError).message).not.toContain("secret");
    expect(Date.now() - started).toBeLessThan(6000);
  });

  test("a DATABASE_URL that is not a PostgreSQL URL", async () => {
    await expect(openDatabase({ databaseUrl: "mysql://root@localhost/db" })).rejects.toMatchObject({
      code: "config:database",
    });
  });

  test("a PGlite folder that cannot be written", async () => {
    const file = path.join(os.tmpdir(), `phasegate-not-a-dir-${process.pid}`);
    fs.writeFileSync(file, "");
    try {
      await expect(openDatabase({ pgliteDir: path.join(file, "pglite") })).rejects.toMatchObject({
        code: "config:database",
        message: expect.stringMatching(/^PGlite folder ".*" is not writable \(ENOTDIR\)/),
      });
    } finally {
      fs.rmSync(file);
    }
  });

  test("a missing migrations folder", async () => {
    await expect(openDatabase({ pgliteDir: "memory://", migrationsFolder: "/nonexistent" })).rejects.toMatchObject({
      code: "config:database",
    });
  });
});

describe("one process per PGlite folder", () => {
  test("a folder held by a live process is refused with one clear line; a stale lock is taken over", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-lock-"));
    try {
      // The parent of this test process is alive: pretend it holds the folder.
      fs.writeFileSync(path.join(dir, ".phasegate.pid"), String(process.ppid));
      await expect(openDatabase({ pgliteDir: dir })).rejects.toMatchObject({
        code: "config:database",
        message: expect.stringMatching(/is in use by process \d+; PGlite allows one process per folder/),
      });
      // A lock whose process is gone is stale.
      fs.writeFileSync(path.join(dir, ".phasegate.pid"), "2147483646");
      const handle = await openDatabase({ pgliteDir: dir });
      expect(fs.readFileSync(path.join(dir, ".phasegate.pid"), "utf8")).toBe(String(process.pid));
      await handle.close();
      expect(fs.existsSync(path.join(dir, ".phasegate.pid"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
