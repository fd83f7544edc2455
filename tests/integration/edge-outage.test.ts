import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { type Edge, startEdge } from "@/lib/edge/server";
import { flagProject, setKillSwitch } from "../support/flag-fixture";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// The database going away under a running edge evaluator: /health says it is degraded, flag
// reads keep their last answers (stale-if-error) instead of failing, a token never seen before
// gets 503 with Retry-After, and after the database
// returns the edge catches up by itself. Staged by cutting a TCP proxy in front of a real
// PostgreSQL server; PGlite has no connection to cut. CI sets TEST_DATABASE_URL.
const serverUrl = process.env.TEST_DATABASE_URL;

interface Health {
  status: string;
  database: string;
  listening: boolean;
  projects: number;
  servedFromMemory: { projectId: string; since: string; reason: string }[];
}

describe.runIf(Boolean(serverUrl))("edge evaluator through a database outage", () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let handle: DbHandle;
  let edge: Edge;
  let fx: Awaited<ReturnType<typeof flagProject>>;

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    fx = await flagProject(t.handle.db, "Outage");
    const target = new URL(t.url!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.hostname = "127.0.0.1";
    target.port = String(proxy.port);
    handle = await openDatabase({ databaseUrl: target.toString(), maxConnections: 2 });
    // Short backstops, so "longer than the flags may be held" is reached within the test.
    edge = await startEdge({ handle, healthTimeoutMs: 500, timing: { maxAgeMs: 300, knownTtlMs: 300, retryMs: 200 } });
  });
  afterAll(async () => {
    await edge?.close().catch(() => {});
    await handle?.close().catch(() => {});
    await proxy?.close();
    await t?.drop();
  });

  const health = async () => {
    const res = await fetch(`${edge.url}/health`);
    return { code: res.status, body: (await res.json()) as Health };
  };
  const evaluate = async (targetingKey: string) => {
    const res = await fetch(`${edge.url}/ofrep/v1/evaluate/flags/checkout.one-page`, {
      method: "POST",
      headers: { authorization: `Bearer ${fx.tokens.flags}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey } }),
    });
    return { code: res.status, body: (await res.json()) as { value?: unknown; reason?: string; errorCode?: string } };
  };

  test("degraded while the database is away, the last answers meanwhile, and caught up after", async () => {
    expect(await evaluate("rina")).toEqual({
      code: 200,
      body: expect.objectContaining({ value: true, reason: "TARGETING_MATCH" }),
    });
    const before = await health();
    expect(before.code).toBe(200);
    expect(before.body).toMatchObject({ status: "ok", listening: true, projects: 1, servedFromMemory: [] });
    expect(before.body.database).toBe("connected");

    await proxy.cut();
    const started = Date.now();
    const during = await health();
    expect(Date.now() - started, "the health check must not wait for the database").toBeLessThan(3_000);
    // Still serving its snapshot: the balancer keeps it in rotation, and /health says why it is degraded.
    expect(during.code).toBe(200);
    expect(during.body.status).toBe("degraded");
    expect(during.body.database).toBe("unreachable");

    // Longer than flags and tokens may be held: they are read again, fail, and the last snapshot answers.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await evaluate("rina")).toEqual({
      code: 200,
      body: expect.objectContaining({ value: true, reason: "TARGETING_MATCH" }),
    });
    await expect
      .poll(async () => (await health()).body.servedFromMemory.map((p) => p.projectId), {
        timeout: 10_000,
        interval: 200,
      })
      .toEqual([fx.projectId]);
    expect(await evaluate("eko")).toMatchObject({ code: 200, body: { value: true } });
    // A token it has never checked needs the database: not now, and it says when to try again.
    const stranger = await fetch(`${edge.url}/ofrep/v1/evaluate/flags/checkout.one-page`, {
      method: "POST",
      headers: { authorization: `Bearer pgt_${"A".repeat(43)}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "rina" } }),
    });
    expect(stranger.status).toBe(503);
    expect(stranger.headers.get("retry-after")).toBe("5");
    expect(await stranger.json()).toMatchObject({ errorCode: "GENERAL" });

    await proxy.restore();
    // The driver reconnects within its connect timeout (5 s) once the server answers again.
    await expect.poll(async () => (await health()).code, { timeout: 30_000, interval: 250 }).toBe(200);
    // The next read after the retry interval loads again, and the edge is following changes again.
    await expect
      .poll(
        async () => {
          await evaluate("rina");
          return (await health()).body.servedFromMemory.length;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(0);
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
    await expect
      .poll(async () => (await evaluate("rina")).body, { timeout: 10_000, interval: 100 })
      .toMatchObject({ value: false, reason: "DISABLED" });
  });
});

if (!serverUrl) console.warn("edge outage test skipped: it needs TEST_DATABASE_URL (a PostgreSQL server to cut off)");
