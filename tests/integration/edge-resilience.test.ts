import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase } from "@/db/client";
import { setFlagEnabled } from "@/lib/services/flags";
import { flagProject } from "../support/flag-fixture";
import { stopProcess } from "../support/processes";

// The real edge (`node --import tsx scripts/edge.ts`) against a PostgreSQL cluster this test
// starts itself on a spare port, then stops and starts under it: the edge keeps answering from
// its snapshot, says so on /health, heals, sees a change made after the restart, and on SIGTERM
// with the database gone exits 0 within its grace period, with no unhandled rejection.
// Needs root (the cluster runs as the postgres user) and PostgreSQL's server binaries.

const run = promisify(execFile);
const pgBin = (() => {
  try {
    const versions = fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
    const found = versions
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((dir) => fs.existsSync(path.join(dir, "initdb")));
    return found ?? null;
  } catch {
    return null;
  }
})();
const skip =
  process.getuid?.() !== 0
    ? "it must run as root (the cluster runs as the postgres user)"
    : !pgBin
      ? "initdb was not found under /usr/lib/postgresql/*/bin"
      : null;
if (skip) console.warn(`edge-resilience: skipped: ${skip}`);

const GRACE_MS = 8_000;
const METRICS_TOKEN = "edge-metrics-test-token-0123456789";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

class Cluster {
  readonly data: string;
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.data = path.join(dir, "data");
  }
  private asPostgres(args: string[]) {
    return run("runuser", ["-u", "postgres", "--", ...args], { timeout: 120_000 });
  }
  async init() {
    await this.asPostgres([`${pgBin}/initdb`, "-D", this.data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  }
  async start() {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.asPostgres([
      `${pgBin}/pg_ctl`,
      "-D",
      this.data,
      "-o",
      options,
      "-l",
      path.join(this.dir, "log"),
      "-w",
      "-t",
      "90",
      "start",
    ]);
  }
  async stop(mode: "fast" | "immediate") {
    await this.asPostgres([`${pgBin}/pg_ctl`, "-D", this.data, "-m", mode, "-w", "-t", "90", "stop"]);
  }
  async running() {
    return this.asPostgres([`${pgBin}/pg_ctl`, "-D", this.data, "status"]).then(
      () => true,
      () => false,
    );
  }
}

interface Health {
  status: string;
  database: string;
  listening: boolean;
  projects: number;
  snapshotAgeSeconds: number | null;
  message: string;
}

describe.skipIf(Boolean(skip))("edge evaluator through database restarts and shutdown", () => {
  let dir: string;
  let cluster: Cluster;
  let databaseUrl: string;
  let fx: Awaited<ReturnType<typeof flagProject>>;
  let edge: ChildProcess | null = null;
  let edgeUrl: string;
  let stdout = "";
  let stderr = "";

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "phasegate-edge-pg-"));
    await run("chown", ["postgres:postgres", dir]);
    cluster = new Cluster(dir, await freePort());
    await cluster.init();
    await cluster.start();
    const admin = postgres(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database phasegate_edge");
    await admin.end();
    databaseUrl = `postgres://postgres@127.0.0.1:${cluster.port}/phasegate_edge`;
    const setup = await openDatabase({ databaseUrl, maxConnections: 2 });
    try {
      await setup.migrate();
      fx = await flagProject(setup.db, "Resilience");
    } finally {
      await setup.close();
    }

    const port = await freePort();
    edgeUrl = `http://127.0.0.1:${port}`;
    edge = spawn(process.execPath, ["--import", "tsx", "scripts/edge.ts"], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        EDGE_PORT: String(port),
        EDGE_HOST: "127.0.0.1",
        PHASEGATE_METRICS_TOKEN: METRICS_TOKEN,
        PHASEGATE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        PHASEGATE_LOG_FORMAT: "json",
        EDGE_DB_CHECK_MS: "1000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const child = edge;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the edge did not start within 90 s: ${stdout}${stderr}`)),
        90_000,
      );
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(`on ${edgeUrl}/ofrep`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("exit", (code) => reject(new Error(`the edge exited with ${code}: ${stdout}${stderr}`)));
    });
  });

  afterAll(async () => {
    await stopProcess(edge, GRACE_MS + 5_000);
    if (cluster && (await cluster.running())) await cluster.stop("immediate").catch(() => {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const health = async () => {
    const res = await fetch(`${edgeUrl}/health`);
    return { code: res.status, body: (await res.json()) as Health };
  };
  const evaluate = async (targetingKey: string, requestId?: string) => {
    const res = await fetch(`${edgeUrl}/ofrep/v1/evaluate/flags/checkout.one-page`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${fx.tokens.flags}`,
        "content-type": "application/json",
        ...(requestId ? { "x-request-id": requestId } : {}),
      },
      body: JSON.stringify({ context: { targetingKey } }),
    });
    return {
      code: res.status,
      requestId: res.headers.get("x-request-id"),
      body: (await res.json()) as { value?: unknown; reason?: string; errorCode?: string },
    };
  };
  const scrape = (token?: string) =>
    fetch(`${edgeUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const logLines = () =>
    stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  test("one JSON log line per request with its request id, echoed; never the token", async () => {
    const r = await evaluate("rina", "resilience-run-1");
    expect(r).toMatchObject({
      code: 200,
      requestId: "resilience-run-1",
      body: { value: true, reason: "TARGETING_MATCH" },
    });
    expect((await evaluate("eko")).requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect
      .poll(() => logLines().find((l) => l.requestId === "resilience-run-1"), { timeout: 10_000 })
      .toMatchObject({
        service: "phasegate-edge",
        msg: "request",
        route: "/ofrep/v1/evaluate/flags/:key",
        status: 200,
        projectId: fx.projectId,
        ms: expect.any(Number),
      });
    expect(stdout).not.toContain(fx.tokens.flags);
  });

  test("/metrics: bearer token required; counts evaluations; exposes snapshot age and database state", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("not-the-token")).status).toBe(401);
    await evaluate("rina");
    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    expect(
      value(/^phasegate_edge_evaluations_total\{[^}]*reason="TARGETING_MATCH"[^}]*\} (\S+)$/m),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(
        new RegExp(`^phasegate_edge_snapshot_age_seconds\\{[^}]*project_id="${fx.projectId}"[^}]*\\} (\\S+)$`, "m"),
      ),
    ).toBeGreaterThanOrEqual(0);
    expect(value(/^phasegate_edge_snapshot_max_age_seconds\{[^}]*\} (\S+)$/m)).toBeGreaterThanOrEqual(0);
    expect(value(/^phasegate_edge_database_up\{[^}]*\} (\S+)$/m)).toBe(1);
    expect(value(/^phasegate_edge_snapshot_reloads_total\{[^}]*outcome="ok"[^}]*\} (\S+)$/m)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(
      /^phasegate_edge_http_request_duration_seconds_count\{[^}]*route="\/ofrep\/v1\/evaluate\/flags\/:key"/m,
    );
    expect(text).toContain("phasegate_edge_rate_limited_total");
  });

  test(
    "answers from its snapshot while the database is down, heals, follows a change made after, and exits 0 on SIGTERM",
    { timeout: 300_000 },
    async () => {
      expect(await evaluate("rina")).toMatchObject({ code: 200, body: { value: true } });
      expect((await health()).body).toMatchObject({
        status: "ok",
        database: "connected",
        listening: true,
        projects: 1,
      });

      await cluster.stop("immediate");
      const during = await health();
      expect(during.code, "an edge holding flags stays in rotation").toBe(200);
      expect(during.body).toMatchObject({ status: "degraded", database: "unreachable", listening: false, projects: 1 });
      expect(during.body.message).toMatch(/unreachable/);
      for (const who of ["rina", "eko", "rina"])
        expect(await evaluate(who)).toMatchObject({ code: 200, body: { value: true, reason: "TARGETING_MATCH" } });

      await cluster.start();
      // The driver reconnects with its own back-off (up to 20 s between attempts).
      await expect
        .poll(async () => (await health()).body, { timeout: 90_000, interval: 500 })
        .toMatchObject({ status: "ok", database: "connected", listening: true });

      // A change after the restart, through the service, on a connection of its own.
      const writer = await openDatabase({ databaseUrl, maxConnections: 1 });
      try {
        const done = await setFlagEnabled(
          { ...fx.ctx, db: writer.db },
          { flagId: fx.flagId, enabled: false, reason: "edge resilience test" },
        );
        expect(done.changed).toBe(true);
      } finally {
        await writer.close();
      }
      await expect
        .poll(async () => (await evaluate("rina")).body, { timeout: 30_000, interval: 250 })
        .toMatchObject({ value: false, reason: "DISABLED" });

      await cluster.stop("immediate");
      await expect
        .poll(async () => (await health()).body.database, { timeout: 15_000, interval: 250 })
        .toBe("unreachable");
      expect(await evaluate("rina")).toMatchObject({ code: 200, body: { value: false, reason: "DISABLED" } });

      const child = edge!;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal })),
      );
      const started = Date.now();
      child.kill("SIGTERM");
      const outcome = await exited;
      const took = Date.now() - started;
      expect(outcome).toEqual({ code: 0, signal: null });
      // The grace period, plus room for a loaded machine to schedule the exit.
      expect(took).toBeLessThan(GRACE_MS + 2_000);
      expect(stderr).not.toMatch(/Unhandled|ECONNRESET|triggerUncaughtException/);
      expect(stdout).not.toMatch(/unhandled rejection/i);
      expect(logLines().map((l) => l.msg)).toContain("stopped");
    },
  );
});
