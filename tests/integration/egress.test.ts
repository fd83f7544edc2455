import dnsCallbacks from "node:dns";
import dnsPromises from "node:dns/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { syncBuiltinESMExports } from "node:module";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { parseEgressAllowlist } from "@/lib/domain/egress";
import { destinationProblem, EgressError, egressRequest } from "@/lib/egress/request";
import { listMetricSources } from "@/lib/queries/metric-sources";
import { listWebhooks } from "@/lib/queries/webhooks";
import { createMetricSource, pollSource, updateMetricSource } from "@/lib/services/metric-sources";
import { createWebhook, sendTestEvent, updateWebhook } from "@/lib/services/webhooks";
import { AppError } from "@/lib/errors";
import { planWithTokens } from "../support/api-fixture";
import { makeUser } from "../support/people";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Finding: webhooks and Prometheus sources could reach loopback, private and cloud-metadata
// addresses, and "send test" showed a foreign server's body to whoever sent it.

const NONE = parseEgressAllowlist("").policy;
const LOOPBACK = parseEgressAllowlist("127.0.0.1").policy;

/** A server on 127.0.0.1 standing in for an internal service; it records every request it gets. */
let internal: Server;
let internalUrl: string;
const seen: IncomingMessage[] = [];
let answer: (res: ServerResponse) => void = (res) => res.end("internal secret: hunter2");

beforeAll(async () => {
  internal = createServer((req, res) => {
    seen.push(req);
    answer(res);
  });
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
  internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
});
afterAll(async () => {
  internal.closeAllConnections();
  await new Promise<void>((resolve) => internal.close(() => resolve()));
});
afterEach(() => {
  seen.length = 0;
  answer = (res) => res.end("internal secret: hunter2");
});

describe("the egress guard", () => {
  test.each([
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://[::1]:{port}/",
    "http://0.0.0.0:{port}/",
  ])("refuses %s before a byte is sent", async (pattern) => {
    const url = pattern.replace("{port}", new URL(internalUrl).port);
    const error = await egressRequest(url, { timeoutMs: 3_000, maxResponseBytes: 1_000, policy: NONE }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EgressError);
    expect((error as EgressError).kind).toBe("refused");
    expect((error as Error).message).toContain("PHASEGATE_EGRESS_ALLOW");
    expect(seen).toHaveLength(0);
  });

  test("an address the operator allowed is reached", async () => {
    const response = await egressRequest(`${internalUrl}/x`, {
      timeoutMs: 3_000,
      maxResponseBytes: 1_000,
      policy: LOOPBACK,
    });
    expect(response.status).toBe(200);
    expect(response.body).toBe("internal secret: hunter2");
  });

  test("a host name allowed by name is reached wherever it points", async () => {
    const response = await egressRequest(`http://localhost:${new URL(internalUrl).port}/`, {
      timeoutMs: 3_000,
      maxResponseBytes: 1_000,
      policy: parseEgressAllowlist("localhost").policy,
    });
    expect(response.status).toBe(200);
  });

  test("DNS rebinding: a name that was public when saved and private when used is refused on the connection", async () => {
    const host = "rebinding.phasegate.test";
    const realPromises = dnsPromises.lookup;
    const realCallback = dnsCallbacks.lookup;
    // When saved the name answers with a public address; on the connection, with loopback.
    (dnsPromises as { lookup: unknown }).lookup = async () => [{ address: "93.184.216.34", family: 4 }];
    (dnsCallbacks as { lookup: unknown }).lookup = (_h: string, options: unknown, cb?: unknown) => {
      const done = (typeof options === "function" ? options : cb) as (...args: unknown[]) => void;
      const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
      if (all) done(null, [{ address: "127.0.0.1", family: 4 }]);
      else done(null, "127.0.0.1", 4);
    };
    syncBuiltinESMExports();
    try {
      const url = `http://${host}:${new URL(internalUrl).port}/`;
      expect(await destinationProblem(url, NONE)).toBeNull();
      const error = await egressRequest(url, { timeoutMs: 3_000, maxResponseBytes: 1_000, policy: NONE }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EgressError);
      expect((error as Error).message).toContain("loopback");
      expect(seen).toHaveLength(0);
    } finally {
      (dnsPromises as { lookup: unknown }).lookup = realPromises;
      (dnsCallbacks as { lookup: unknown }).lookup = realCallback;
      syncBuiltinESMExports();
    }
  });

  test("answers are cut at the cap, or refused past it", async () => {
    answer = (res) => res.end("x".repeat(200_000));
    const cut = await egressRequest(internalUrl, { timeoutMs: 5_000, maxResponseBytes: 1_000, policy: LOOPBACK });
    expect(cut.truncated).toBe(true);
    expect(cut.body).toHaveLength(1_000);
    const refused = await egressRequest(internalUrl, {
      timeoutMs: 5_000,
      maxResponseBytes: 1_000,
      refuseLarger: true,
      policy: LOOPBACK,
    }).catch((e: unknown) => e);
    expect((refused as EgressError).kind).toBe("too_large");
  });

  test("a server that never answers is given up on at the deadline", async () => {
    answer = () => {};
    const started = Date.now();
    const error = await egressRequest(internalUrl, { timeoutMs: 300, maxResponseBytes: 1_000, policy: LOOPBACK }).catch(
      (e: unknown) => e,
    );
    expect((error as EgressError).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("redirects are not followed", async () => {
    answer = (res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    };
    const response = await egressRequest(internalUrl, { timeoutMs: 3_000, maxResponseBytes: 1_000, policy: LOOPBACK });
    expect(response.status).toBe(302);
    expect(seen).toHaveLength(1);
  });
});

describe("webhooks and metric sources under the guard (PGlite)", () => {
  let t: TestDatabase;
  let saved: string | undefined;
  beforeAll(async () => {
    t = await createTestDatabase("pglite");
    saved = process.env.PHASEGATE_EGRESS_ALLOW;
    delete process.env.PHASEGATE_EGRESS_ALLOW;
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.PHASEGATE_EGRESS_ALLOW = saved;
    await t?.drop();
  });

  const blocked = [
    "http://127.0.0.1:9/hook",
    "http://localhost/hook",
    "http://10.0.0.7/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://100.64.1.1/",
  ];

  test.each(blocked)("a release manager cannot point a webhook at %s", async (url) => {
    const { ctx, projectId } = await planWithTokens(t.handle.db, "canary", "Webhook target", {});
    const error = await createWebhook(ctx, { projectId, name: "Internal", url, events: ["rollback"] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).fieldErrors?.url?.[0]).toContain("Refused");
  });

  test.each(blocked)("nor a metric source at %s", async (baseUrl) => {
    const { ctx, projectId } = await planWithTokens(t.handle.db, "canary", "Source target", {});
    const error = await createMetricSource(ctx, { projectId, name: "Internal", baseUrl }).catch((e: unknown) => e);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).fieldErrors?.baseUrl?.[0]).toContain("Refused");
  });

  test("nor move an existing one there", async () => {
    const { ctx, projectId } = await planWithTokens(t.handle.db, "canary", "Move target", {});
    const hook = await createWebhook(ctx, {
      projectId,
      name: "Public",
      url: "https://93.184.216.34/hook",
      events: ["rollback"],
    });
    await expect(updateWebhook(ctx, { webhookId: hook.id, url: "http://169.254.169.254/" })).rejects.toMatchObject({
      fieldErrors: { url: [expect.stringContaining("link-local")] },
    });
    const source = await createMetricSource(ctx, { projectId, name: "Public", baseUrl: "https://93.184.216.34" });
    await expect(
      updateMetricSource(ctx, { sourceId: source.id, baseUrl: "http://10.1.2.3:9090" }),
    ).rejects.toMatchObject({ fieldErrors: { baseUrl: [expect.stringContaining("private")] } });
  });

  test("an operator's allowlist lets an internal Prometheus in, and only that", async () => {
    process.env.PHASEGATE_EGRESS_ALLOW = "10.1.2.0/24";
    try {
      const { ctx, projectId } = await planWithTokens(t.handle.db, "canary", "Allowed source", {});
      await expect(
        createMetricSource(ctx, { projectId, name: "Internal", baseUrl: "http://10.1.2.3:9090" }),
      ).resolves.toMatchObject({ baseUrl: "http://10.1.2.3:9090" });
      await expect(
        createMetricSource(ctx, { projectId, name: "Other", baseUrl: "http://10.1.3.3:9090" }),
      ).rejects.toBeInstanceOf(AppError);
    } finally {
      delete process.env.PHASEGATE_EGRESS_ALLOW;
    }
  });

  test("send test cannot reach a receiver that became internal, and shows a foreign answer to administrators only", async () => {
    const { ctx, projectId } = await planWithTokens(t.handle.db, "canary", "Send test", {});
    const admin = await makeUser(t.handle.db, { isAdmin: true });
    const adminCtx = { db: t.handle.db, actor: admin, requestId: null };
    process.env.PHASEGATE_EGRESS_ALLOW = "127.0.0.1";
    answer = (res) => {
      res.writeHead(500);
      res.end("stack trace of an internal service");
    };
    let hook;
    try {
      hook = await createWebhook(ctx, {
        projectId,
        name: "Loopback",
        url: `${internalUrl}/hook`,
        events: ["rollback"],
      });
      const byManager = await sendTestEvent(ctx, { webhookId: hook.id });
      expect(byManager.statusCode).toBe(500);
      expect(byManager.error).toBe("The receiver answered 500 Internal Server Error");
      expect(byManager.responseExcerpt).toBeNull();
      const byAdmin = await sendTestEvent(adminCtx, { webhookId: hook.id });
      expect(byAdmin.responseExcerpt).toBe("stack trace of an internal service");
      expect(
        (await listWebhooks(ctx.db, ctx.actor, projectId)).deliveries.every((d) => d.lastResponseExcerpt === null),
      ).toBe(true);
      expect(
        (await listWebhooks(adminCtx.db, adminCtx.actor, projectId)).deliveries.some(
          (d) => d.lastResponseExcerpt === "stack trace of an internal service",
        ),
      ).toBe(true);
    } finally {
      delete process.env.PHASEGATE_EGRESS_ALLOW;
    }
    seen.length = 0;
    // The operator withdrew the allowance: the stored URL is refused on the connection.
    const refused = await sendTestEvent(ctx, { webhookId: hook.id });
    expect(refused.statusCode).toBeNull();
    expect(refused.error).toContain("loopback");
    expect(seen).toHaveLength(0);
  });

  test("a failing Prometheus's body reaches administrators only", async () => {
    process.env.PHASEGATE_EGRESS_ALLOW = "127.0.0.1";
    answer = (res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>internal gateway page with hostnames</html>");
    };
    try {
      const { runningPlanWithPolledMetric } = await import("../support/metric-source-fixture");
      const { ctx, projectId, source } = await runningPlanWithPolledMetric(t.handle.db, {
        baseUrl: internalUrl,
        promql: "up",
      });
      const poll = await pollSource(t.handle.db, source.id);
      expect(poll.error).toContain("HTTP 502");
      expect(poll.error).not.toContain("hostnames");
      const reader = await makeUser(t.handle.db, { projectId, roles: ["viewer"] });
      const admin = await makeUser(t.handle.db, { isAdmin: true });
      const [forReader] = await listMetricSources(t.handle.db, reader, projectId);
      expect(forReader?.lastError).not.toContain("hostnames");
      expect(forReader?.lastResponseExcerpt).toBeNull();
      const [forManager] = await listMetricSources(ctx.db, ctx.actor, projectId);
      expect(forManager?.lastResponseExcerpt).toBeNull();
      const [forAdmin] = await listMetricSources(t.handle.db, admin, projectId);
      expect(forAdmin?.lastResponseExcerpt).toContain("internal gateway page with hostnames");
    } finally {
      delete process.env.PHASEGATE_EGRESS_ALLOW;
    }
  });
});
