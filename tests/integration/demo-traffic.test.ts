import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as s from "@/db/schema";
import { seedDemo } from "@/db/seed/demo";
import { loadPlanView } from "@/lib/queries/plan";
import { feedDemoTraffic } from "@/lib/services/demo-traffic";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The demo's simulated traffic (npm run demo): a minute of errors and requests per cohort for
// each KPI the canary judge watches, through the ingest path, once per minute.

describe.each(backends)("demo traffic on %s", (kind) => {
  let t: TestDatabase;
  const seededAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await seedDemo(t.handle.db, seededAt);
  });
  afterAll(async () => t?.drop());

  test("each minute adds one row per cohort to the judged KPI, audited as demo traffic; the judge keeps passing", async () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const [pilot] = await t.handle.db.select().from(s.plans).where(eq(s.plans.status, "in_progress"));
    const [errorRate] = await t.handle.db
      .select()
      .from(s.metrics)
      .where(and(eq(s.metrics.planId, pilot!.id), eq(s.metrics.key, "error_rate")));
    const rowsOf = async () => t.handle.db.select().from(s.samples).where(eq(s.samples.metricId, errorRate!.id));
    const before = (await rowsOf()).length;

    const first = await feedDemoTraffic(t.handle.db, new Date(seededAt.getTime() + 2 * 60_000 + 5_000), random);
    expect(first).toEqual({ plans: 1, samples: 2, triggersFired: [] });
    // The same minute again adds nothing.
    expect(await feedDemoTraffic(t.handle.db, new Date(seededAt.getTime() + 2 * 60_000 + 30_000), random)).toEqual({
      plans: 0,
      samples: 0,
      triggersFired: [],
    });
    await feedDemoTraffic(t.handle.db, new Date(seededAt.getTime() + 3 * 60_000 + 5_000), random);
    const rows = await rowsOf();
    expect(rows.length).toBe(before + 4);
    const fed = rows.filter((r) => r.ts.getTime() > seededAt.getTime());
    expect(fed.map((r) => r.cohort).sort()).toEqual(["baseline", "baseline", "canary", "canary"]);
    for (const r of fed) {
      expect(r.denominator!).toBeGreaterThan(r.cohort === "canary" ? 100 : 1000);
      expect(r.numerator!).toBeLessThan(r.denominator! * 0.05);
    }
    const trail = await t.handle.db
      .select()
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.planId, pilot!.id), eq(s.auditEvents.action, "samples.ingested")));
    expect(trail.map((a) => (a.after as { via?: unknown }).via)).toEqual([{ kind: "demo" }, { kind: "demo" }]);
    const view = await loadPlanView(t.handle.db, pilot!.id, new Date(seededAt.getTime() + 4 * 60_000));
    expect(view!.plan.status).toBe("in_progress");
    expect(view!.canary!.kpis[0]!.reading.judgement.verdict).toBe("pass");
  });
});
