import { describe, expect, test } from "vitest";
import type { DatabaseCondition } from "@/lib/edge/database-watch";
import { healthReport } from "@/lib/edge/health";
import type { FlagStoreStatus } from "@/lib/flags/store";
import { countEvaluations, createEdgeMetrics, edgeRouteLabel } from "@/lib/observability/edge-metrics";

const since = new Date("2026-01-01T00:00:00Z");
const connected: DatabaseCondition = { state: "connected", since, reason: null, latencyMs: 3, listening: true };
const unreachable: DatabaseCondition = {
  state: "unreachable",
  since,
  reason: "connect ECONNREFUSED",
  latencyMs: null,
  listening: false,
};
const held = (projects: number, failing = 0): FlagStoreStatus => ({
  projects,
  reloads: projects,
  snapshots: Array.from({ length: projects }, (_, i) => ({ projectId: `p${i}`, loadedAt: Date.now() - 5_000 })),
  servedFromMemory: Array.from({ length: failing }, (_, i) => ({ projectId: `p${i}`, since, reason: "down" })),
});

describe("edge /health", () => {
  test.each([
    {
      name: "all well",
      condition: connected,
      listening: true,
      status: held(1),
      stopping: false,
      code: 200,
      expected: "ok",
    },
    {
      name: "no notifications",
      condition: connected,
      listening: false,
      status: held(1),
      stopping: false,
      code: 200,
      expected: "degraded",
    },
    {
      name: "catching up",
      condition: connected,
      listening: true,
      status: held(2, 1),
      stopping: false,
      code: 200,
      expected: "degraded",
    },
    {
      name: "database away, flags held: stays in rotation",
      condition: unreachable,
      listening: false,
      status: held(1),
      stopping: false,
      code: 200,
      expected: "degraded",
    },
    {
      name: "database away, nothing held",
      condition: unreachable,
      listening: false,
      status: held(0),
      stopping: false,
      code: 503,
      expected: "unavailable",
    },
    {
      name: "stopping",
      condition: connected,
      listening: true,
      status: held(1),
      stopping: true,
      code: 503,
      expected: "stopping",
    },
  ])("$name → $code $expected", ({ condition, listening, status, stopping, code, expected }) => {
    const report = healthReport({
      condition,
      listening,
      held: status,
      kind: "postgres",
      startedAt: Date.now(),
      stopping,
    });
    expect(report.status).toBe(code);
    expect(report.body).toMatchObject({
      status: expected,
      database: condition.state,
      listening,
      projects: status.projects,
    });
    expect(report.body.message.length).toBeGreaterThan(10);
    if (status.projects > 0) expect(report.body.snapshotAgeSeconds).toBeGreaterThanOrEqual(5);
    else expect(report.body.snapshotAgeSeconds).toBeNull();
  });
});

describe("edge metrics", () => {
  test.each([
    ["/health", "/health"],
    ["/metrics", "/metrics"],
    ["/ofrep/v1/evaluate/flags", "/ofrep/v1/evaluate/flags"],
    ["/ofrep/v1/evaluate/flags/", "/ofrep/v1/evaluate/flags"],
    ["/ofrep/v1/evaluate/flags/checkout.one-page", "/ofrep/v1/evaluate/flags/:key"],
    ["/anything/else", "other"],
  ])("route %s → %s", (path, label) => expect(edgeRouteLabel(path)).toBe(label));

  test("evaluations are counted by reason and error code, one or many per answer", async () => {
    const metrics = createEdgeMetrics();
    countEvaluations(metrics, [{ reason: "TARGETING_MATCH" }]);
    countEvaluations(metrics, [{ reason: "SPLIT" }, { errorCode: "TYPE_MISMATCH" }, { reason: "SPLIT" }]);
    // A refused request evaluates nothing.
    countEvaluations(metrics, undefined);
    countEvaluations(metrics, []);
    const values = (await metrics.evaluations.get()).values.map((v) => ({ ...v.labels, n: v.value }));
    expect(values).toEqual(
      expect.arrayContaining([
        { reason: "TARGETING_MATCH", error_code: "", n: 1 },
        { reason: "SPLIT", error_code: "", n: 2 },
        { reason: "ERROR", error_code: "TYPE_MISMATCH", n: 1 },
      ]),
    );
    expect(values).toHaveLength(3);
  });

  test("snapshot age and database state are read when scraped", async () => {
    const metrics = createEdgeMetrics({
      observe: () => ({
        snapshots: [{ projectId: "p1", loadedAt: Date.now() - 12_000 }],
        databaseUp: false,
        listening: false,
      }),
    });
    const text = await metrics.registry.metrics();
    expect(
      Number(/phasegate_edge_snapshot_age_seconds\{[^}]*project_id="p1"[^}]*\} (\S+)/.exec(text)?.[1]),
    ).toBeGreaterThanOrEqual(12);
    expect(Number(/phasegate_edge_snapshot_max_age_seconds\{[^}]*\} (\S+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(12);
    expect(text).toMatch(/phasegate_edge_database_up\{[^}]*\} 0/);
  });
});
