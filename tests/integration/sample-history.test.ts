import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "@/db/client";
import { auditEvents, metrics, phases, samples } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { transitionPlan } from "@/lib/services/decisions";
import { ingestSamples } from "@/lib/services/metrics";
import { planWithTokens } from "../support/api-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// Finding: samples up to 90 days old were overwritten without trace, finished phases included, so
// someone with metrics:write could rewrite the data a past gate was judged on.

const MIN = 60_000;

describe.each(backends)("samples and history on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  }, 120_000);
  afterAll(async () => t?.drop());
  const db = () => t.handle.db;

  /** A running canary whose active phase started `minutesAgo` minutes ago. */
  async function running(minutesAgo: number) {
    const fixture = await planWithTokens(db(), "canary", `History ${Math.random().toString(36).slice(2, 8)}`, {});
    await transitionPlan(fixture.ctx, { planId: fixture.planId, version: 1, action: "start" });
    await db()
      .update(phases)
      .set({ actualStartAt: new Date(Date.now() - minutesAgo * MIN) })
      .where(and(eq(phases.planId, fixture.planId), eq(phases.status, "active")));
    return fixture;
  }
  const count = async (planId: string) =>
    Number(
      rowsOf<{ n: number }>(
        await db().execute(
          sql`select count(*)::int as n from samples s join metrics m on m.id = s.metric_id where m.plan_id = ${planId}`,
        ),
      )[0]?.n,
    );

  test("a sample from before the active phase started is refused, naming the row and the phase", async () => {
    const { ctx, planId } = await running(30);
    const error = await ingestSamples(ctx, planId, [
      { metric: "error_rate", value: 0.3, ts: Date.now() - 10 * MIN },
      { metric: "error_rate", value: 9.9, ts: Date.now() - 45 * MIN },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).fieldErrors?.["row 2"]?.[0]).toMatch(
      /before the active phase “Canary 5%” started .*: earlier data is history/,
    );
    expect(await count(planId)).toBe(0);
  });

  test("once the plan moves on, the phase it left cannot be rewritten", async () => {
    const { ctx, planId } = await running(60);
    const during = Date.now() - 20 * MIN;
    await ingestSamples(ctx, planId, [{ metric: "error_rate", value: 0.3, ts: during }]);
    // The gate passed and the next phase started now (as a go decision leaves it): the 0.3 above
    // is what that gate was judged on.
    await db().execute(
      sql`update phases set status = 'passed', actual_end_at = now() where plan_id = ${planId} and status = 'active'`,
    );
    await db().execute(
      sql`update phases set status = 'active', actual_start_at = now() where plan_id = ${planId} and position = 1`,
    );
    const error = await ingestSamples(ctx, planId, [{ metric: "error_rate", value: 7.5, ts: during }]).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).status).toBe(422);
    const [kept] = await db()
      .select({ value: samples.value })
      .from(samples)
      .innerJoin(metrics, eq(metrics.id, samples.metricId))
      .where(and(eq(metrics.planId, planId), eq(samples.ts, new Date(during))));
    expect(kept!.value).toBe(0.3);
  });

  test("a finished plan takes no samples at all", async () => {
    const { ctx, planId } = await running(30);
    await transitionPlan(ctx, { planId, version: 2, action: "cancel" });
    const error = await ingestSamples(ctx, planId, [{ metric: "error_rate", value: 0.3 }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "conflict:state", message: expect.stringContaining("take no more samples") });
    expect(await count(planId)).toBe(0);
  });

  test("a correction within the active phase is audited with what it was and what it became", async () => {
    const { ctx, planId } = await running(30);
    const ts = Date.now() - 5 * MIN;
    await ingestSamples(ctx, planId, [
      { metric: "error_rate", value: 0.3, ts },
      { metric: "p95_latency", value: 400, ts },
    ]);
    await ingestSamples(ctx, planId, [
      { metric: "error_rate", value: 0.35, ts },
      { metric: "p95_latency", value: 400, ts },
    ]);
    const [event] = await db()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.planId, planId))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(event).toMatchObject({
      action: "samples.corrected",
      after: {
        samples: 2,
        corrections: 1,
        corrected: [
          { metric: "error_rate", cohort: "canary", ts: new Date(ts).toISOString(), before: 0.3, after: 0.35 },
        ],
      },
    });
  });
});
