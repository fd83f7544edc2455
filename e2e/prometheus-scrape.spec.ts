import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { stopProcess } from "../tests/support/processes";
import { createTestDatabase, type TestDatabase } from "../tests/support/test-db";

// The real Prometheus (Debian's package) scrapes the production app's /metrics and an edge
// evaluator's /metrics with the metrics token, and one series of each is read back through
// Prometheus' own query API. A scrape without the token is refused (the target is down).

const PROMETHEUS = "/usr/bin/prometheus";
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");
const appPort = Number(process.env.E2E_PORT ?? 3210);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

test.describe("Prometheus scrapes the app and the edge", () => {
  test.skip(!existsSync(PROMETHEUS), `needs ${PROMETHEUS} (apt-get install prometheus)`);
  test.skip(!process.env.E2E_METRICS_TOKEN, "needs the metrics token playwright.config.ts gives the server");
  test.setTimeout(240_000);

  const token = process.env.E2E_METRICS_TOKEN ?? "";
  let dir = "";
  let db: TestDatabase | null = null;
  let edge: ChildProcess | null = null;
  let edgePort = 0;
  let prometheus: ChildProcess | null = null;
  let prometheusUrl = "";
  let log = "";

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    dir = await mkdtemp(path.join(tmpdir(), "phasegate-scrape-"));
    await writeFile(path.join(dir, "token"), token, { mode: 0o600 });

    // The edge evaluator needs PostgreSQL (it shares the app's database in production).
    if (process.env.TEST_DATABASE_URL) {
      db = await createTestDatabase("postgres");
      edgePort = await freePort();
      edge = spawn(tsx, ["scripts/edge.ts"], {
        env: {
          ...process.env,
          DATABASE_URL: db.url!,
          EDGE_PORT: String(edgePort),
          EDGE_HOST: "127.0.0.1",
          PHASEGATE_METRICS_TOKEN: token,
          NEXT_TELEMETRY_DISABLED: "1",
        },
        stdio: "ignore",
      });
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${edgePort}/health`).catch(() => null))?.status ?? 0, {
          timeout: 90_000,
        })
        .toBe(200);
    }

    const target = (job: string, port: number, withToken: boolean) => [
      `  - job_name: ${job}`,
      "    metrics_path: /metrics",
      ...(withToken
        ? ["    authorization:", "      type: Bearer", `      credentials_file: ${path.join(dir, "token")}`]
        : []),
      "    static_configs:",
      `      - targets: ["127.0.0.1:${port}"]`,
    ];
    await writeFile(
      path.join(dir, "prometheus.yml"),
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        ...target("app", appPort, true),
        ...target("app_without_token", appPort, false),
        ...(edge ? target("edge", edgePort, true) : []),
        "",
      ].join("\n"),
    );

    // The free port can be taken between closing it and Prometheus binding it: try again then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      log = "";
      const child = spawn(
        PROMETHEUS,
        [
          `--config.file=${path.join(dir, "prometheus.yml")}`,
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
      const ready = expect
        .poll(async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
        .toBe(200)
        .then(() => "ready" as const);
      if ((await Promise.race([ready, exited])) === "ready") break;
      if (attempt === 3) throw new Error(`Prometheus exited before it was ready:\n${log.slice(-2_000)}`);
    }
  });

  test.afterAll(async () => {
    await stopProcess(prometheus);
    await stopProcess(edge);
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(promql: string): Promise<Sample[]> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data?: { result?: Sample[] } };
    return body.data?.result ?? [];
  }
  const valueOf = async (promql: string) => Number((await query(promql))[0]?.value[1] ?? Number.NaN);

  test("the app's series reach Prometheus with the token, and a scrape without it is refused", async ({ request }) => {
    // Traffic to count: a few health checks, a page.
    for (let i = 0; i < 3; i++) expect((await request.get("/api/health")).status()).toBe(200);
    await request.get("/sign-in");

    await expect
      .poll(() => valueOf('up{job="app"}'), { timeout: 60_000, message: `Prometheus log:\n${log.slice(-1_000)}` })
      .toBe(1);
    await expect
      .poll(
        () =>
          valueOf('sum(phasegate_http_request_duration_seconds_count{job="app", route="/api/health", status="200"})'),
        { timeout: 60_000 },
      )
      .toBeGreaterThanOrEqual(3);
    const series = await query('phasegate_db_pool_max{job="app"}');
    expect(series[0]?.metric.service).toBe("phasegate-app");
    await expect.poll(() => valueOf('up{job="app_without_token"}'), { timeout: 60_000 }).toBe(0);
  });

  test("the edge's series reach Prometheus", async () => {
    test.skip(!edge, "needs TEST_DATABASE_URL: the edge evaluator runs on PostgreSQL");
    // One evaluation with no token: refused, and counted.
    const refused = await fetch(`http://127.0.0.1:${edgePort}/ofrep/v1/evaluate/flags/anything`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(401);

    await expect
      .poll(() => valueOf('up{job="edge"}'), { timeout: 60_000, message: `Prometheus log:\n${log.slice(-1_000)}` })
      .toBe(1);
    await expect
      .poll(async () => (await query('{job="edge", __name__=~"phasegate_edge_.+"}')).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    const services = new Set((await query('{job="edge", __name__=~"phasegate_edge_.+"}')).map((s) => s.metric.service));
    expect([...services]).toEqual(["phasegate-edge"]);
  });
});
