import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, test } from "vitest";
import { rowsOf } from "@/db/client";
import * as s from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { sweepTriggers } from "@/lib/services/trigger-watch";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The demo's KPIs follow the time of day, so whether the running Pilot is healthy must not depend
// on the hour the demo is loaded: at every hour, its p95 stays under the "2× baseline" rollback
// trigger with room to spare, and a sweep right after loading rolls nothing back.

const hours = ["00:00", "03:30", "12:00", "21:30", "23:00"];

describe.each(backends)("the demo loaded at any hour on %s", (kind) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  test.each(hours)("loaded at %s UTC, the Pilot's p95 stays under 2× baseline and no trigger fires", async (hour) => {
    const now = new Date(`2026-11-22T${hour}:00Z`);
    t = await createTestDatabase(kind);
    await seedDemo(t.handle.db, now);

    const pairs = rowsOf<{ ratio: number }>(
      await t.handle.db.execute(sql`
        select c.value / b.value as ratio
        from samples c
        join samples b on b.metric_id = c.metric_id and b.ts = c.ts and b.cohort = 'baseline'
        join metrics m on m.id = c.metric_id
        join plans p on p.id = m.plan_id
        where p.status = 'in_progress' and m.key = 'p95_latency' and c.cohort = 'canary'`),
    );
    expect(pairs.length).toBeGreaterThan(1000);
    expect(Math.max(...pairs.map((p) => Number(p.ratio)))).toBeLessThan(1.95);

    const sweep = await sweepTriggers(t.handle.db, now);
    expect(sweep.fired).toEqual([]);
    const running = await t.handle.db
      .select({ status: s.plans.status })
      .from(s.plans)
      .where(and(eq(s.plans.status, "in_progress")));
    expect(running).toHaveLength(1);
  });
});
