import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Database, type DbHandle, openDatabase } from "@/db/client";
import { auditEvents, metricSources, metrics, samples } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { listMetricSources } from "@/lib/queries/metric-sources";
import {
  createMetricSource,
  deleteMetricSource,
  pollDueSources,
  pollSource,
  updateMetricSource,
} from "@/lib/services/metric-sources";
import { createPlan } from "@/lib/services/plans";
import { planWithTokens } from "../support/api-fixture";
import { runningPlanWithPolledMetric } from "../support/metric-source-fixture";
import { makeUser } from "../support/people";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { allowLoopbackEgress } from "../support/egress";

// A stand-in for Prometheus's HTTP API: each test serves its own source under its own path prefix.
type Reply = (url: URL) => { status?: number; body: string; delayMs?: number } | "hang";

interface FakePrometheus {
  url: string;
  routes: Map<string, Reply>;
  requests: { prefix: string; url: URL }[];
  close(): Promise<void>;
}

async function startFakePrometheus(): Promise<FakePrometheus> {
  const routes = new Map<string, Reply>();
  const requests: FakePrometheus["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const [, prefix = "", ...rest] = url.pathname.split("/");
    const reply = routes.get(prefix);
    if (!reply || rest.join("/") !== "api/v1/query_range") {
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
      return;
    }
    requests.push({ prefix, url });
    const answer = reply(url);
    if (answer === "hang") return;
    setTimeout(
      () => res.writeHead(answer.status ?? 200, { "content-type": "application/json" }).end(answer.body),
      answer.delayMs ?? 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The instants a query_range asks for. */
function instants(url: URL): number[] {
  const [start, end, step] = ["start", "end", "step"].map((k) => Number(url.searchParams.get(k)));
  const out: number[] = [];
  for (let t = start!; t <= end! + 1e-9; t += step!) out.push(t);
  return out;
}

const matrix = (result: unknown[]) => JSON.stringify({ status: "success", data: { resultType: "matrix", result } });

/** One canary and one baseline series (the baseline labelled track="stable"); the canary's first value is NaN. */
const twoCohorts: Reply = (url) => {
  const ts = instants(url);
  return {
    body: matrix([
      { metric: { cohort: "canary" }, values: ts.map((t, i) => [t, i === 0 ? "NaN" : "0.4"]) },
      { metric: { track: "stable" }, values: ts.map((t) => [t, "0.3"]) },
    ]),
  };
};

async function fieldErrorsOf(promise: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).fieldErrors ?? {};
}

allowLoopbackEgress();

describe.each(backends)("metric sources on %s", (kind) => {
  let t: TestDatabase;
  let db: Database;
  let fake: FakePrometheus;
  let prefixes = 0;
  /** A path on the fake Prometheus that answers with `reply`; the source's base URL. */
  const route = (reply: Reply) => {
    const prefix = `s${++prefixes}`;
    fake.routes.set(prefix, reply);
    return { prefix, baseUrl: `${fake.url}/${prefix}` };
  };
  const requestsTo = (prefix: string) => fake.requests.filter((r) => r.prefix === prefix).map((r) => r.url);
  const sourceRow = async (id: string) => (await db.select().from(metricSources).where(eq(metricSources.id, id)))[0]!;
  const auditOf = (entityId: string) =>
    db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId)).orderBy(auditEvents.id);
  const sampleCount = async (metricId: string, cohort: "canary" | "baseline") =>
    Number(
      (
        await db
          .select({ n: count() })
          .from(samples)
          .where(and(eq(samples.metricId, metricId), eq(samples.cohort, cohort)))
      )[0]!.n,
    );

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.handle.db;
    fake = await startFakePrometheus();
  });
  afterAll(async () => {
    await fake?.close();
    await t?.drop();
  });

  test("release managers create, change and delete sources; each change is audited; others only read", async () => {
    const { projectId, planId, rm, ctx } = await planWithTokens(db, "canary", "Sources", {});
    const engineer = await makeUser(db, { projectId, roles: ["engineer"] });
    const viewer = await makeUser(db, { projectId, roles: ["viewer"] });

    const source = await createMetricSource(ctx, {
      projectId,
      name: "Main Prometheus",
      baseUrl: " http://prom.internal:9090/ ",
      pollIntervalSeconds: "30",
    });
    expect(source).toMatchObject({
      name: "Main Prometheus",
      baseUrl: "http://prom.internal:9090",
      pollIntervalSeconds: 30,
      enabled: true,
      lastPolledAt: null,
      lastError: null,
    });
    await expect(
      createMetricSource(
        { db, actor: engineer, requestId: null },
        { projectId, name: "Mine", baseUrl: "http://p:9090" },
      ),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
    expect(
      (
        await fieldErrorsOf(
          createMetricSource(ctx, { projectId, name: "Main Prometheus", baseUrl: "http://other:9090" }),
        )
      ).name,
    ).toEqual(["Another metric source in this project is called “Main Prometheus”"]);

    const updated = await updateMetricSource(ctx, {
      sourceId: source.id,
      name: "Prod Prometheus",
      pollIntervalSeconds: 60,
      enabled: false,
    });
    expect(updated).toMatchObject({
      name: "Prod Prometheus",
      pollIntervalSeconds: 60,
      enabled: false,
      baseUrl: "http://prom.internal:9090",
    });
    await expect(
      updateMetricSource({ db, actor: viewer, requestId: null }, { sourceId: source.id, enabled: true }),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
    await expect(
      updateMetricSource(ctx, { sourceId: "00000000-0000-4000-8000-000000000000", enabled: true }),
    ).rejects.toMatchObject({ code: "not_found:entity" });

    await db
      .update(metrics)
      .set({ sourceKind: "prometheus", sourceId: source.id, promql: "sum by (cohort) (rate(errors_total[1m]))" })
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    const listed = await listMetricSources(db, viewer, projectId);
    expect(listed.map((s) => ({ name: s.name, metrics: s.metrics }))).toEqual([
      { name: "Prod Prometheus", metrics: 1 },
    ]);

    await expect(
      deleteMetricSource({ db, actor: engineer, requestId: null }, { sourceId: source.id }),
    ).rejects.toMatchObject({ code: "forbidden:permission" });
    expect(await deleteMetricSource(ctx, { sourceId: source.id })).toEqual({ id: source.id, detachedMetrics: 1 });
    expect(await listMetricSources(ctx.db, ctx.actor, projectId)).toEqual([]);
    const [metric] = await db
      .select()
      .from(metrics)
      .where(and(eq(metrics.planId, planId), eq(metrics.key, "error_rate")));
    expect(metric).toMatchObject({ sourceId: null, promql: "sum by (cohort) (rate(errors_total[1m]))" });

    const trail = await auditOf(source.id);
    expect(trail.map((a) => [a.action, a.actorId])).toEqual([
      ["metric_source.created", rm.userId],
      ["metric_source.updated", rm.userId],
      ["metric_source.deleted", rm.userId],
    ]);
    expect(trail[1]!.before).toMatchObject({ name: "Main Prometheus", pollIntervalSeconds: 30, enabled: true });
    expect(trail[1]!.after).toMatchObject({ name: "Prod Prometheus", pollIntervalSeconds: 60, enabled: false });
    expect(trail[2]!.before).toMatchObject({ name: "Prod Prometheus", metrics: 1 });
  });

  test("validation names every bad field, and nothing is stored", async () => {
    const { projectId, ctx } = await planWithTokens(db, "canary", "Invalid sources", {});
    const errors = await fieldErrorsOf(
      createMetricSource(ctx, { projectId, name: "  ", baseUrl: "ftp://prom:9090", pollIntervalSeconds: 2 }),
    );
    expect(Object.keys(errors).sort()).toEqual(["baseUrl", "name", "pollIntervalSeconds"]);
    expect(errors.baseUrl).toEqual(["Use an http:// or https:// URL"]);
    expect(errors.pollIntervalSeconds).toEqual(["Poll every 5 to 3600 seconds (a whole number)"]);
    expect(
      (
        await fieldErrorsOf(
          createMetricSource(ctx, { projectId, name: "P", baseUrl: "https://admin:secret@prom:9090" }),
        )
      ).baseUrl![0],
    ).toMatch(/^Leave user name and password out of the URL/);
    expect(
      (await fieldErrorsOf(createMetricSource(ctx, { projectId, name: "P", baseUrl: "prom:9090" }))).baseUrl![0],
    ).toMatch(/^Enter a full URL|^Use an http/);
    expect(
      (await fieldErrorsOf(createMetricSource(ctx, { projectId, name: "P", baseUrl: "http://prom:9090/?x=1" })))
        .baseUrl![0],
    ).toMatch(/query string/);
    expect(await listMetricSources(ctx.db, ctx.actor, projectId)).toEqual([]);

    const source = await createMetricSource(ctx, { projectId, name: "P", baseUrl: "https://prom:9090" });
    expect(
      Object.keys(
        await fieldErrorsOf(updateMetricSource(ctx, { sourceId: source.id, pollIntervalSeconds: 4000, baseUrl: "" })),
      ).sort(),
    ).toEqual(["baseUrl", "pollIntervalSeconds"]);
    expect(await sourceRow(source.id)).toMatchObject({ pollIntervalSeconds: 15, baseUrl: "https://prom:9090" });
  });

  test("a poll stores both cohorts through the ingest path as the system, leaves NaN out, and asks only for running plans", async () => {
    const { prefix, baseUrl } = route(twoCohorts);
    const promql =
      'sum by (cohort) (rate(http_requests_total{code=~"5.."}[1m])) / sum by (cohort) (rate(http_requests_total[1m]))';
    const { projectId, planId, ctx, source, metric } = await runningPlanWithPolledMetric(db, { baseUrl, promql });
    // A draft plan in the same project polls nothing yet.
    const draft = await createPlan(ctx, { projectId, template: "canary", name: "Draft", releaseVersion: "2.0.0" });
    await db
      .update(metrics)
      .set({ sourceKind: "prometheus", sourceId: source.id, promql })
      .where(and(eq(metrics.planId, draft.planId), eq(metrics.key, "error_rate")));

    const now = new Date();
    const result = (await pollDueSources(db, now)).find((r) => r.sourceId === source.id);
    const [asked] = requestsTo(prefix);
    expect(requestsTo(prefix)).toHaveLength(1);
    expect(asked!.searchParams.get("query")).toBe(promql);
    expect(asked!.searchParams.get("step")).toBe("15");
    const points = instants(asked!).length;
    expect(points).toBeGreaterThanOrEqual(59);
    expect(points).toBeLessThanOrEqual(61);
    expect(Number(asked!.searchParams.get("start")) * 1000).toBeGreaterThanOrEqual(now.getTime() - 15 * 60_000);
    expect(result).toEqual({
      sourceId: source.id,
      claimed: true,
      queried: 1,
      stored: 2 * points - 1,
      dropped: 1,
      error: null,
      triggersFired: [],
    });
    expect(await sampleCount(metric.id, "canary")).toBe(points - 1);
    expect(await sampleCount(metric.id, "baseline")).toBe(points);
    expect(await sourceRow(source.id)).toMatchObject({ lastPolledAt: now, lastError: null });

    const [ingested] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.planId, planId), eq(auditEvents.action, "samples.ingested")));
    expect(ingested).toMatchObject({ actorKind: "system", actorId: null });
    expect(ingested!.after).toMatchObject({
      samples: 2 * points - 1,
      perMetric: { error_rate: 2 * points - 1 },
      via: { kind: "prometheus", sourceId: source.id, sourceName: "Prometheus" },
    });

    // Not due again until the interval has passed; then it asks only for what is new.
    expect(await pollSource(db, source.id, new Date(now.getTime() + 5_000))).toMatchObject({ claimed: false });
    expect(requestsTo(prefix)).toHaveLength(1);
    const later = await pollSource(db, source.id, new Date(now.getTime() + 15_000));
    expect(later).toMatchObject({ claimed: true, queried: 1, error: null });
    const second = requestsTo(prefix)[1]!;
    expect(Number(second.searchParams.get("start"))).toBeGreaterThan(instants(asked!).at(-1)!);
    expect(instants(second)).toHaveLength(1);
    expect(await sampleCount(metric.id, "baseline")).toBe(points + 1);

    // A disabled source is never polled.
    await updateMetricSource(ctx, { sourceId: source.id, enabled: false });
    expect(await pollSource(db, source.id, new Date(now.getTime() + 60_000))).toMatchObject({ claimed: false });
  });

  test("a rate polled as counts: errors and requests from two queries, paired point by point, stored as counts", async () => {
    // Errors per cohort from the query, requests from the denominator query; one instant has no requests.
    const { prefix, baseUrl } = route((url) => {
      const ts = instants(url);
      const requests = (url.searchParams.get("query") ?? "").includes("requests_total");
      return {
        body: matrix([
          { metric: { cohort: "canary" }, values: ts.map((t, i) => [t, requests ? (i === 1 ? "0" : "200") : "3"]) },
          { metric: { cohort: "baseline" }, values: ts.map((t) => [t, requests ? "1800" : "9"]) },
        ]),
      };
    });
    const { source, metric } = await runningPlanWithPolledMetric(db, {
      baseUrl,
      promql: "sum by (cohort) (increase(errors_total[1m]))",
      name: "Counts",
    });
    await db
      .update(metrics)
      .set({ denominatorPromql: "sum by (cohort) (increase(requests_total[1m]))" })
      .where(eq(metrics.id, metric.id));

    const result = await pollSource(db, source.id, new Date());
    const asked = requestsTo(prefix);
    expect(asked.map((u) => u.searchParams.get("query")).sort()).toEqual([
      "sum by (cohort) (increase(errors_total[1m]))",
      "sum by (cohort) (increase(requests_total[1m]))",
    ]);
    const points = instants(asked[0]!).length;
    expect(result).toMatchObject({ claimed: true, queried: 1, stored: 2 * points - 1, dropped: 1, error: null });
    const stored = await db
      .select()
      .from(samples)
      .where(and(eq(samples.metricId, metric.id), eq(samples.cohort, "canary")));
    expect(stored).toHaveLength(points - 1);
    // error_rate is in %: 3 of 200 is 1.5%.
    expect(stored.every((r) => r.numerator === 3 && r.denominator === 200 && r.value === 1.5)).toBe(true);
  });

  test("failures are kept in words and announced once; a working poll clears them", async () => {
    let reply: Reply = () => ({
      status: 400,
      body: JSON.stringify({ status: "error", errorType: "bad_data", error: '1:9: parse error: unexpected "}"' }),
    });
    const { prefix, baseUrl } = route((url) => reply(url));
    const { ctx, source } = await runningPlanWithPolledMetric(db, { baseUrl, promql: "rate(errors_total}" });
    let at = Date.now();
    const poll = async () => {
      at += 15_000;
      const result = await pollSource(db, source.id, new Date(at));
      expect(result.claimed).toBe(true);
      return result.error;
    };

    const refused =
      "error_rate: Prometheus refused the query (bad_data, HTTP 400); check the PromQL query (an administrator can see Prometheus's answer)";
    expect(await poll()).toBe(refused);
    // Prometheus's own words are a foreign body: kept apart, for administrators.
    expect(await sourceRow(source.id)).toMatchObject({
      lastError: refused,
      lastResponseExcerpt: expect.stringContaining('1:9: parse error: unexpected \\"}\\"'),
    });
    expect(await poll()).toMatch(/bad_data/);

    reply = (url) => ({
      body: matrix([
        { metric: { instance: "a:80" }, values: instants(url).map((t) => [t, "1"]) },
        { metric: { instance: "b:80" }, values: [] },
      ]),
    });
    expect(await poll()).toMatch(/^error_rate: The query returned 2 series for the canary cohort .*sum by \(cohort\)/);

    reply = () => ({ status: 503, body: "Service Unavailable" });
    expect(await poll()).toBe("error_rate: HTTP 503 Service Unavailable from the query_range API");

    reply = twoCohorts;
    expect(await poll()).toBeNull();
    expect((await sourceRow(source.id)).lastError).toBeNull();
    expect((await auditOf(source.id)).filter((a) => a.actorKind === "system").map((a) => a.action)).toEqual([
      "metric_source.failing",
      "metric_source.recovered",
    ]);

    // Nothing listens on a port just closed.
    const closed = await startFakePrometheus();
    await closed.close();
    await updateMetricSource(ctx, { sourceId: source.id, baseUrl: `${closed.url}/${prefix}` });
    expect(await poll()).toBe(
      `error_rate: Connection refused by ${closed.url.replace("http://", "")}: is Prometheus running there?`,
    );

    await updateMetricSource(ctx, { sourceId: source.id, baseUrl });
    reply = () => "hang";
    const started = Date.now();
    expect(await poll()).toBe(`error_rate: No answer from ${fake.url.replace("http://", "")} within 5 s`);
    expect(Date.now() - started).toBeLessThan(15_000);
    reply = twoCohorts;
  });

  test("two instances polling at the same moment: the source is claimed once and each sample fetched once", async () => {
    const { prefix, baseUrl } = route((url) => ({ ...(twoCohorts(url) as { body: string }), delayMs: 200 }));
    const { source, metric } = await runningPlanWithPolledMetric(db, {
      baseUrl,
      promql: "sum by (cohort) (rate(errors_total[1m]))",
    });
    // A second process: its own connection pool on PostgreSQL; PGlite is one process by nature.
    let other: DbHandle | null = null;
    if (kind === "postgres") other = await openDatabase({ databaseUrl: t.url, maxConnections: 5 });
    try {
      const now = new Date();
      const [a, b] = await Promise.all([pollDueSources(db, now), pollDueSources(other?.db ?? db, now)]);
      const mine = [...a, ...b].filter((r) => r.sourceId === source.id);
      expect(mine).toHaveLength(1);
      expect(requestsTo(prefix)).toHaveLength(1);
      const points = instants(requestsTo(prefix)[0]!).length;
      expect(mine[0]!.stored).toBe(2 * points - 1);
      expect((await sampleCount(metric.id, "canary")) + (await sampleCount(metric.id, "baseline"))).toBe(
        2 * points - 1,
      );
      expect(
        await db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.planId, metric.planId), eq(auditEvents.action, "samples.ingested"))),
      ).toHaveLength(1);
    } finally {
      await other?.close();
    }
  });
});
