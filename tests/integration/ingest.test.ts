import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as ingest } from "@/app/api/v1/metrics/route";
import { setProcessDatabase } from "@/db/client";
import { metrics, samples } from "@/db/schema";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { planWithTokens } from "../support/api-fixture";

type Route = (request: Request, context: { params: Promise<Record<string, never>> }) => Promise<Response>;

describe.each(backends)("metric ingest on %s", (kind) => {
  let t: TestDatabase;
  let planId: string;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    setProcessDatabase(t.handle);
    const fixture = await planWithTokens(t.handle.db, "canary", "Ingest", {
      metrics: ["metrics:write"],
      readOnly: ["plans:read"],
    });
    planId = fixture.planId;
    ({ metrics: token, readOnly } = fixture.tokens);
  });
  afterAll(async () => t?.drop());

  const post = (body: string, type = "application/json", auth = token, query = "") =>
    (ingest as Route)(
      new Request(`http://test/api/v1/metrics${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${auth}`, "content-type": type },
        body,
      }),
      { params: Promise.resolve({}) },
    );
  const stored = async () =>
    Number(
      (
        await t.handle.db
          .select({ n: count() })
          .from(samples)
          .innerJoin(metrics, eq(metrics.id, samples.metricId))
          .where(eq(metrics.planId, planId))
      )[0]!.n,
    );

  test("a JSON batch is stored; re-sending a sample overwrites it", async () => {
    const ts = Date.now() - 60_000;
    const res = await post(
      JSON.stringify({
        plan: planId,
        samples: [
          { metric: "error_rate", ts, value: 0.4 },
          { metric: "error_rate", ts, value: 0.3, cohort: "baseline" },
          { metric: "p95_latency", ts, value: 420 },
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 3, metrics: { error_rate: 2, p95_latency: 1 }, triggersFired: [] });
    expect(await stored()).toBe(3);
    const again = await post(JSON.stringify({ plan: planId, samples: [{ metric: "error_rate", ts, value: 0.9 }] }));
    expect(again.status).toBe(200);
    expect(await stored()).toBe(3);
    const [row] = await t.handle.db
      .select({ value: samples.value })
      .from(samples)
      .innerJoin(metrics, eq(metrics.id, samples.metricId))
      .where(
        and(
          eq(samples.ts, new Date(ts)),
          eq(metrics.key, "error_rate"),
          eq(metrics.planId, planId),
          eq(samples.cohort, "canary"),
        ),
      );
    expect(row!.value).toBe(0.9);
  });

  test("one bad row rejects the whole batch with 422 naming each bad row; nothing lands", async () => {
    const before = await stored();
    const res = await post(
      JSON.stringify({
        plan: planId,
        samples: [
          { metric: "error_rate", value: 0.2 },
          { metric: "queue_size", value: 3 },
          { metric: "error_rate", value: "NaN" },
          { metric: "error_rate", value: 1, ts: "2099-01-01T00:00:00Z" },
          { metric: "error_rate", value: false },
        ],
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; fields: Record<string, string[]> } };
    expect(body.error.code).toBe("unprocessable:batch");
    expect(body.error.message).toMatch(/^Nothing was stored: 4 problems/);
    expect(body.error.fields).toEqual({
      "row 2": ['unknown metric "queue_size"'],
      "row 3": ["value is NaN"],
      "row 4": ["timestamp 2099-01-01T00:00:00.000Z is in the future"],
      "row 5": ["value has the wrong type (boolean); send a number"],
    });
    expect(await stored()).toBe(before);
  });

  test("a metric key with an unpaired surrogate is an unknown metric (422), not a server error", async () => {
    const before = await stored();
    const res = await post(
      JSON.stringify({
        plan: planId,
        samples: [
          { metric: "lone \ud800 and \udfff", value: 1 },
          { metric: "error_rate", value: 0.3 },
        ],
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(body.error.fields["row 1"]).toEqual(['unknown metric "lone \ud800 and \udfff"']);
    expect(await stored()).toBe(before);
  });

  test("Prometheus text of control characters is refused, not a server error (the API fuzz, seed 1440874232)", async () => {
    const before = await stored();
    const res = await post("\u0000\u0001\u0002", "text/plain", token, `?plan=${planId}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await stored()).toBe(before);
  });

  test("Prometheus text exposition format, plan in the query", async () => {
    const before = await stored();
    const now = Date.now();
    const text = `# HELP error_rate Share of failed requests\n# TYPE error_rate gauge\nerror_rate ${0.5} ${now - 5000}\nerror_rate{cohort="baseline"} 0.45 ${now - 5000}\n# TYPE p95_latency gauge\np95_latency 410 ${now - 5000}\n`;
    const res = await post(text, "text/plain; version=0.0.4", token, `?plan=${planId}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 3, metrics: { error_rate: 2, p95_latency: 1 }, triggersFired: [] });
    expect(await stored()).toBe(before + 3);
    const bad = await post("error_rate +Inf\n", "text/plain", token, `?plan=${planId}`);
    expect(bad.status).toBe(422);
  });

  test("scope, plan and body problems get clear answers", async () => {
    expect(
      (
        await post(
          JSON.stringify({ plan: planId, samples: [{ metric: "error_rate", value: 1 }] }),
          "application/json",
          readOnly,
        )
      ).status,
    ).toBe(403);
    expect((await post(JSON.stringify({ plan: "00000000-0000-4000-8000-000000000000", samples: [] }))).status).toBe(
      404,
    );
    const noPlan = await post(JSON.stringify({ samples: [{ metric: "error_rate", value: 1 }] }));
    expect(noPlan.status).toBe(400);
    expect(((await noPlan.json()) as { error: { fields: Record<string, string[]> } }).error.fields.plan).toBeDefined();
    expect((await post("{", "application/json")).status).toBe(400);
    const empty = await post(JSON.stringify({ plan: planId, samples: [] }));
    expect(empty.status).toBe(422);
  });
});
