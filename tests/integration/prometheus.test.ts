import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { metricSources, samples } from "@/db/schema";
import { pollDueSources } from "@/lib/services/metric-sources";
import { runningPlanWithPolledMetric } from "../support/metric-source-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { allowLoopbackEgress } from "../support/egress";

// Polling against a real Prometheus (Debian's package): a tiny exporter serves one gauge per
// cohort, Prometheus scrapes it every second, and the poller turns its query_range answer into
// canary and baseline samples.

const PROMETHEUS = "/usr/bin/prometheus";
const installed = existsSync(PROMETHEUS);
if (!installed)
  console.warn(
    `tests/integration/prometheus.test.ts skipped: ${PROMETHEUS} is not installed (apt-get install prometheus)`,
  );

const EXPOSITION = [
  "# HELP phasegate_test_error_ratio Share of failed requests per cohort",
  "# TYPE phasegate_test_error_ratio gauge",
  'phasegate_test_error_ratio{cohort="canary"} 0.4',
  'phasegate_test_error_ratio{cohort="baseline"} 0.25',
  "",
].join("\n");

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, or fails with what was last seen. */
async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

async function stop(child: ChildProcess | null) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(killed);
}

allowLoopbackEgress();

describe.skipIf(!installed)("polling a real Prometheus", () => {
  let dir: string;
  let exporter: Server;
  let prometheus: ChildProcess | null = null;
  let prometheusUrl: string;
  let log = "";
  const killOnExit = () => prometheus?.kill("SIGKILL");

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "phasegate-prometheus-"));
    exporter = createHttpServer((req, res) => {
      if (req.url?.startsWith("/metrics"))
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(EXPOSITION);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
    const exporterPort = (exporter.address() as { port: number }).port;
    const config = path.join(dir, "prometheus.yml");
    await writeFile(
      config,
      [
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: phasegate_test",
        "    static_configs:",
        `      - targets: ["127.0.0.1:${exporterPort}"]`,
        "",
      ].join("\n"),
    );
    process.once("exit", killOnExit);

    // The free port can be taken between closing it and Prometheus binding it: try again then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      log = "";
      const child = spawn(
        PROMETHEUS,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${path.join(dir, `data-${attempt}`)}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      prometheus = child;
      child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      const exited = new Promise<"exited">((resolve) => child.once("exit", () => resolve("exited")));
      const ready = waitFor(
        "Prometheus to be ready",
        async () =>
          (await fetch(`${prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok
            ? ("ready" as const)
            : null,
        60_000,
      );
      const outcome = await Promise.race([ready, exited]);
      if (outcome === "ready") break;
      if (attempt === 3) throw new Error(`Prometheus exited before it was ready:\n${log.slice(-2_000)}`);
    }

    // Both cohorts scraped, and a whole 5-second step since: the poll's grid has a point with data.
    await waitFor(
      "the exporter's two series in Prometheus",
      async () => {
        const at = Math.floor(Date.now() / 5_000) * 5;
        const response = await fetch(`${prometheusUrl}/api/v1/query?query=phasegate_test_error_ratio&time=${at}`, {
          signal: AbortSignal.timeout(2_000),
        });
        const body = (await response.json()) as { data?: { result?: unknown[] } };
        return (body.data?.result?.length ?? 0) === 2 ? true : null;
      },
      60_000,
    );
  }, 150_000);

  afterAll(async () => {
    await stop(prometheus);
    process.removeListener("exit", killOnExit);
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  describe.each(backends)("on %s", (kind) => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(kind);
    });
    afterAll(async () => t?.drop());

    test("a poll lands one canary and one baseline series from query_range", async () => {
      const { source, metric } = await runningPlanWithPolledMetric(t.handle.db, {
        baseUrl: prometheusUrl,
        promql: "avg by (cohort) (phasegate_test_error_ratio)",
        pollIntervalSeconds: 5,
      });
      const results = await pollDueSources(t.handle.db, new Date());
      const mine = results.find((r) => r.sourceId === source.id);
      expect(mine, `Prometheus log:\n${log.slice(-1_000)}`).toMatchObject({ claimed: true, queried: 1, error: null });
      expect(mine!.stored).toBeGreaterThanOrEqual(2);

      const stored = await t.handle.db
        .select()
        .from(samples)
        .where(eq(samples.metricId, metric.id))
        .orderBy(asc(samples.ts));
      const canary = stored.filter((s) => s.cohort === "canary");
      const baseline = stored.filter((s) => s.cohort === "baseline");
      expect(canary.length).toBeGreaterThanOrEqual(1);
      expect(baseline.length).toBe(canary.length);
      expect(new Set(canary.map((s) => s.value))).toEqual(new Set([0.4]));
      expect(new Set(baseline.map((s) => s.value))).toEqual(new Set([0.25]));
      // On the 5-second grid, within the last 15 minutes.
      for (const s of stored) {
        expect(s.ts.getTime() % 5_000).toBe(0);
        expect(Date.now() - s.ts.getTime()).toBeLessThan(16 * 60_000);
      }
    }, 60_000);

    test("a query Prometheus refuses is recorded in words, its own answer kept for administrators", async () => {
      const { source } = await runningPlanWithPolledMetric(t.handle.db, {
        baseUrl: prometheusUrl,
        promql: "avg by (cohort) (phasegate_test_error_ratio",
        name: "Broken query",
      });
      const mine = (await pollDueSources(t.handle.db, new Date())).find((r) => r.sourceId === source.id);
      expect(mine).toMatchObject({ claimed: true, stored: 0 });
      expect(mine!.error).toMatch(
        /^error_rate: Prometheus refused the query \(bad_data, HTTP 400\); check the PromQL query/,
      );
      const [row] = await t.handle.db.select().from(metricSources).where(eq(metricSources.id, source.id));
      expect(row!.lastResponseExcerpt).toMatch(/parse error/);
    }, 60_000);
  });
});
