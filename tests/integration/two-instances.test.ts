import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditEvents, decisions, incidents, metrics, phases, plans, samples } from "@/db/schema";
import { transitionPlan } from "@/lib/services/decisions";
import { createPlan } from "@/lib/services/plans";
import { makeProject, makeUser } from "../support/people";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Two app processes on one PostgreSQL database run the trigger timer at the same instant: the
// plan is rolled back once, with one incident, and each state change is announced once.

const run = promisify(execFile);
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const worker = path.join(process.cwd(), "tests", "support", "sweep-worker.ts");
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl)
  console.warn(
    "two-instances: skipped, it needs a PostgreSQL server (set TEST_DATABASE_URL); PGlite serves one process",
  );

describe.skipIf(!serverUrl)("exactly once across two app processes", () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
  });
  afterAll(async () => t?.drop());

  test(
    "a breach seen by two processes at once: one rollback, one incident, one announcement",
    { timeout: 120_000 },
    async () => {
      const project = await makeProject(t.handle.db);
      const rm = await makeUser(t.handle.db, { projectId: project.id, roles: ["release_manager"] });
      const ctx = { db: t.handle.db, actor: rm, requestId: null };
      const { planId } = await createPlan(ctx, {
        projectId: project.id,
        template: "canary",
        name: "Two instances",
        releaseVersion: "1.0.0",
      });
      await transitionPlan(ctx, { planId, version: 1, action: "start" });
      await t.handle.db
        .update(phases)
        .set({ actualStartAt: new Date(Date.now() - 3600_000) })
        .where(and(eq(phases.planId, planId), eq(phases.status, "active")));
      // Ten minutes at 9% errors, stored without evaluation: both processes find the breach fresh.
      const [errorRate] = await t.handle.db
        .select()
        .from(metrics)
        .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
      await t.handle.db.insert(samples).values(
        Array.from({ length: 10 }, (_, i) => ({
          metricId: errorRate!.id,
          cohort: "canary" as const,
          ts: new Date(Date.now() - (9 - i) * 60_000 - 1000),
          value: 9,
        })),
      );

      const startAt = Date.now() + 4_000; // both processes are connected by then and start together
      const env = { ...process.env, DATABASE_URL: t.url!, NODE_OPTIONS: "--conditions=react-server" };
      const outputs = await Promise.all(
        [0, 1].map(() => run(tsx, [worker, String(startAt), "3"], { env, timeout: 90_000 })),
      );
      const results = outputs.map(
        (o) => JSON.parse(o.stdout.trim().split("\n").at(-1)!) as { pid: number; fired: string[]; announced: string[] },
      );
      expect(new Set(results.map((r) => r.pid)).size).toBe(2);

      expect(results.flatMap((r) => r.fired)).toEqual(["Error rate > 5% for 5 min"]);
      expect(
        await t.handle.db
          .select()
          .from(decisions)
          .where(and(eq(decisions.planId, planId), eq(decisions.kind, "rollback"))),
      ).toHaveLength(1);
      expect(await t.handle.db.select().from(incidents).where(eq(incidents.planId, planId))).toHaveLength(1);
      expect((await t.handle.db.select().from(plans).where(eq(plans.id, planId)))[0]!.status).toBe("rolled_back");
      const breached = await t.handle.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.planId, planId), eq(auditEvents.action, "trigger.breached")));
      expect(breached.map((a) => (a.after as { description: string }).description)).toEqual([
        "Error rate > 5% for 5 min",
      ]);
      expect(results.flatMap((r) => r.announced).filter((a) => a.startsWith("breached"))).toEqual([
        "breached Error rate > 5% for 5 min",
      ]);
    },
  );
});
