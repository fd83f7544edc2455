import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, test } from "vitest";
import { getDb, openDatabase, setProcessDatabase } from "@/db/client";
import { startBackgroundWork } from "@/lib/background";
import { processHub } from "@/lib/live/process-hub";
import { processStreams } from "@/lib/live/stream-registry";
import { createShutdown, guardDraining, isDraining } from "@/lib/ops/shutdown";
import { shutdownSteps } from "@/lib/startup";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

// An app process shutting down with its real steps: it answers the load balancer 503 "draining",
// refuses new API work, lets the request in flight finish, ends live streams, stops its jobs, stops
// listening and closes the database, within the grace period, whatever the database does.

/** The process-wide slots (globalThis) the steps act on, emptied so each case starts afresh. */
function freshProcess() {
  const slots = globalThis as Record<symbol, unknown>;
  for (const name of ["phasegate.shutdown", "phasegate.live.streams", "phasegate.events.hub"])
    delete slots[Symbol.for(name)];
  const db = slots[Symbol.for("phasegate.db")] as { shutDown?: boolean; handle?: unknown } | undefined;
  if (db) {
    db.shutDown = false;
    db.handle = undefined;
  }
}

async function startHttp(release: Promise<void>) {
  guardDraining();
  const server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      void release.then(() => res.end("slow done"));
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ status: "ok", url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const env = (extra: Record<string, string> = {}) =>
  ({ PHASEGATE_SHUTDOWN_GRACE_MS: "8000", ...extra }) as unknown as NodeJS.ProcessEnv;

describe.each(backends)("graceful shutdown on %s", (kind) => {
  let t: TestDatabase | undefined;
  afterAll(async () => {
    await t?.drop().catch(() => {});
  });

  test("drains, finishes what is in flight, and closes everything in order", async () => {
    freshProcess();
    t = await createTestDatabase(kind);
    // A second handle of its own: the shutdown closes the process database.
    const handle = kind === "postgres" ? await openDatabase({ databaseUrl: t.url, maxConnections: 3 }) : t.handle;
    setProcessDatabase(handle);
    const background = startBackgroundWork(env());
    await processHub().subscribe("plan-x", () => {});
    expect(processHub().listening).toBe(true);
    const closedFor: string[] = [];
    expect(processStreams().admit("ann", (reason) => closedFor.push(reason))).not.toBeNull();

    let releaseSlow!: () => void;
    const { server, base } = await startHttp(new Promise<void>((resolve) => (releaseSlow = resolve)));
    try {
      const slow = fetch(`${base}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
      await new Promise((resolve) => setTimeout(resolve, 50));

      const coordinator = createShutdown({
        graceMs: 8_000,
        steps: () => shutdownSteps(env({ PHASEGATE_SHUTDOWN_DELAY_MS: "1500" }), () => background),
        logger: undefined,
      });
      const started = Date.now();
      const done = coordinator.shutDown("SIGTERM");
      expect(isDraining()).toBe(true);

      // During the delay the server still listens: the load balancer hears "draining".
      const health = await fetch(`${base}/api/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get("retry-after")).toBe("2");
      expect(await health.json()).toEqual({ status: "draining" });
      const api = await fetch(`${base}/api/v1/plans`);
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ error: { code: "unavailable:shutting_down" } });
      expect((await fetch(`${base}/ofrep/v1/evaluate/flags`, { method: "POST" })).status).toBe(503);
      expect((await fetch(`${base}/plans/1`, { method: "POST" })).status).toBe(503);
      // Reads of pages are still answered.
      expect((await fetch(`${base}/plans/1`)).status).toBe(200);

      releaseSlow();
      const report = await done;
      expect(report.problems).toEqual([]);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(await slow).toEqual({ status: 200, body: "slow done" });
      expect(closedFor).toEqual(["shutdown"]);
      expect(processHub().listening).toBe(false);
      expect(server.listening).toBe(false);
      await expect(getDb()).rejects.toThrow(/shutting down/);
      await expect(handle.migrationsApplied()).rejects.toThrow();
    } finally {
      server.close();
      freshProcess();
    }
  });
});

// The database unreachable while the process stops: postgres.js's UNLISTEN and pool end fail or
// hang; each step gives up at its timeout, nothing is thrown or left unhandled, and the run ends
// within the grace period.
const serverUrl = process.env.TEST_DATABASE_URL;
describe.runIf(Boolean(serverUrl))("shutdown with the database gone (PostgreSQL)", () => {
  let t: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  afterAll(async () => {
    await proxy?.close();
    await t?.drop().catch(() => {});
  });

  test("ends within the grace period without throwing", async () => {
    freshProcess();
    t = await createTestDatabase("postgres");
    const target = new URL(t.url!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.hostname = "127.0.0.1";
    target.port = String(proxy.port);
    setProcessDatabase(await openDatabase({ databaseUrl: target.toString(), maxConnections: 2 }));
    const background = startBackgroundWork(env());
    await processHub().subscribe("plan-y", () => {});
    await proxy.cut();

    const started = Date.now();
    const report = await createShutdown({
      graceMs: 4_000,
      steps: () => shutdownSteps(env({ PHASEGATE_SHUTDOWN_GRACE_MS: "4000" }), () => background),
    }).shutDown("SIGTERM");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.signal).toBe("SIGTERM");
    await expect(getDb()).rejects.toThrow(/shutting down/);
    freshProcess();
  });
});
