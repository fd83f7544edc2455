import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { OpenFeature as ServerFeature } from "@openfeature/server-sdk";
import { OpenFeature as WebFeature, ProviderEvents } from "@openfeature/web-sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Edge, startEdge } from "@/lib/edge/server";
import { RateLimiter } from "@/lib/ofrep/rate-limit";
import { recordDecision, transitionPlan } from "@/lib/services/decisions";
import { flagProject, setKillSwitch } from "../support/flag-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The unmodified OpenFeature SDKs with their OFREP providers against the edge evaluator: the
// server SDK (one request per evaluation) and the web SDK (bulk evaluation, ETag polling).

describe.each(backends)("OpenFeature clients against the edge evaluator on %s", (kind) => {
  let t: TestDatabase;
  let edge: Edge;
  let fx: Awaited<ReturnType<typeof flagProject>>;
  const domain = `edge-${kind}`;
  const client = () => ServerFeature.getClient(domain);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    fx = await flagProject(t.handle.db);
    edge = await startEdge({ handle: t.handle });
    await ServerFeature.setProviderAndWait(
      domain,
      new OFREPProvider({ baseUrl: edge.url, headers: { Authorization: `Bearer ${fx.tokens.flags}` } }),
    );
  });
  afterAll(async () => {
    await ServerFeature.clearProviders();
    await edge?.close();
    await t?.drop();
  });

  test("boolean and string flags, with targeting, before the rollout starts", async () => {
    expect(
      await client().getBooleanDetails("checkout.one-page", true, { targetingKey: "shopper-1", region: "Jakarta" }),
    ).toMatchObject({
      value: false,
      variant: "off",
      reason: "STATIC",
      flagMetadata: { rolloutPercent: 0, plan: "Flags" },
    });
    expect(await client().getBooleanDetails("checkout.one-page", false, { targetingKey: "rina" })).toMatchObject({
      value: true,
      reason: "TARGETING_MATCH",
      flagMetadata: { segment: "internal-team" },
    });
    expect(
      await client().getBooleanDetails("checkout.one-page", true, { targetingKey: "shopper-2", region: "Medan" }),
    ).toMatchObject({ value: false, reason: "TARGETING_MATCH", flagMetadata: { segment: "outside-pilot-regions" } });
    expect(await client().getStringDetails("banner.color", "#000000", { targetingKey: "anyone" })).toMatchObject({
      value: "#16a34a",
      variant: "green",
      reason: "STATIC",
    });
  });

  test("FLAG_NOT_FOUND, a type mismatch and a missing targeting key come back as the SDK expects", async () => {
    expect(await client().getBooleanDetails("no.such.flag", true, { targetingKey: "x" })).toMatchObject({
      value: true,
      errorCode: "FLAG_NOT_FOUND",
      reason: "ERROR",
    });
    expect(await client().getStringDetails("checkout.one-page", "fallback", { targetingKey: "x" })).toMatchObject({
      value: "fallback",
      errorCode: "TYPE_MISMATCH",
    });
    await transitionPlan(fx.ctx, { planId: fx.planId, version: 1, action: "start" });
    await expect
      .poll(
        async () =>
          (await client().getBooleanDetails("checkout.one-page", true, { targetingKey: "x", region: "Jakarta" }))
            .flagMetadata.rolloutPercent,
        { timeout: 2_000, interval: 20 },
      )
      .toBe(5);
    // The internal-team segment lists people by key: without one there is no answer.
    expect(await client().getBooleanDetails("checkout.one-page", true, { region: "Jakarta" })).toMatchObject({
      value: true,
      errorCode: "TARGETING_KEY_MISSING",
    });
  });

  test("a phase change and a kill switch reach the client within a second", async () => {
    // The plan started in the previous test: the canary's first phase is 5%.
    await expect
      .poll(
        async () =>
          (
            await client().getBooleanDetails("checkout.one-page", false, {
              targetingKey: "shopper-0",
              region: "Jakarta",
            })
          ).reason,
        { timeout: 2_000, interval: 20 },
      )
      .toBe("SPLIT");
    const share = async () => {
      let inside = 0;
      for (let i = 0; i < 400; i++) {
        const d = await client().getBooleanDetails("checkout.one-page", false, {
          targetingKey: `shopper-${i}`,
          region: "Jakarta",
        });
        expect(d.reason).toBe("SPLIT");
        if (d.value) inside++;
      }
      return inside / 4;
    };
    const five = await share();
    expect(five).toBeGreaterThan(1);
    expect(five).toBeLessThan(10);

    const killedAt = Date.now();
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
    await expect
      .poll(
        async () => (await client().getBooleanDetails("checkout.one-page", true, { targetingKey: "rina" })).reason,
        { timeout: 1_000, interval: 10 },
      )
      .toBe("DISABLED");
    expect(Date.now() - killedAt).toBeLessThan(1_000);
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
    await expect
      .poll(
        async () => (await client().getBooleanDetails("checkout.one-page", false, { targetingKey: "rina" })).value,
        { timeout: 1_000, interval: 10 },
      )
      .toBe(true);

    const rolledBackAt = Date.now();
    await recordDecision(fx.ctx, { planId: fx.planId, version: 2, kind: "rollback", rationale: "Flag test" });
    await expect
      .poll(
        async () =>
          (
            await client().getBooleanDetails("checkout.one-page", true, {
              targetingKey: "shopper-1",
              region: "Jakarta",
            })
          ).flagMetadata.rolloutPercent,
        { timeout: 1_000, interval: 10 },
      )
      .toBe(0);
    expect(Date.now() - rolledBackAt).toBeLessThan(1_000);
  });

  test("the web SDK's bulk evaluation: ETag polling answers 304 until something changes", async () => {
    const bulk = (etag?: string) =>
      fetch(`${edge.url}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${fx.tokens.flags}`,
          "content-type": "application/json",
          ...(etag ? { "if-none-match": etag } : {}),
        },
        body: JSON.stringify({ context: { targetingKey: "rina" } }),
      });
    const first = await bulk();
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(((await first.json()) as { flags: { key: string }[] }).flags.map((f) => f.key)).toEqual([
      "banner.color",
      "checkout.one-page",
    ]);
    expect((await bulk(etag)).status).toBe(304);

    const provider = new OFREPWebProvider({
      baseUrl: edge.url,
      headers: [["Authorization", `Bearer ${fx.tokens.flags}`]],
      pollInterval: 100,
      cacheMode: "disabled",
      changeDetection: "polling",
    });
    await WebFeature.setContext(`web-${kind}`, { targetingKey: "rina" });
    await WebFeature.setProviderAndWait(`web-${kind}`, provider);
    const web = WebFeature.getClient(`web-${kind}`);
    try {
      expect(web.getBooleanDetails("checkout.one-page", false)).toMatchObject({
        value: true,
        reason: "TARGETING_MATCH",
      });
      expect(web.getStringValue("banner.color", "none")).toBe("#16a34a");
      expect(web.getBooleanDetails("no.such.flag", true)).toMatchObject({ value: true, errorCode: "FLAG_NOT_FOUND" });
      const changed = new Promise<string[]>((resolve) =>
        web.addHandler(ProviderEvents.ConfigurationChanged, (e) => resolve(e?.flagsChanged ?? [])),
      );
      await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
      expect(await changed).toContain("checkout.one-page");
      expect(web.getBooleanDetails("checkout.one-page", true)).toMatchObject({ value: false, reason: "DISABLED" });
    } finally {
      await WebFeature.clearProviders();
      await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
    }
  });

  test("protocol errors: bad JSON, a context that is not an object, no token, a token without the scope", async () => {
    const post = (path: string, body: string, token: string | null = fx.tokens.flags) =>
      fetch(`${edge.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { "x-api-key": token } : {}) },
        body,
      });
    const bad = await post("/ofrep/v1/evaluate/flags/checkout.one-page", "{nope");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ key: "checkout.one-page", errorCode: "PARSE_ERROR" });
    const ctx = await post("/ofrep/v1/evaluate/flags", JSON.stringify({ context: ["a"] }));
    expect(ctx.status).toBe(400);
    expect(await ctx.json()).toEqual({ errorCode: "INVALID_CONTEXT", errorDetails: "context must be a JSON object" });
    expect((await post("/ofrep/v1/evaluate/flags/checkout.one-page", "{}", null)).status).toBe(401);
    expect((await post("/ofrep/v1/evaluate/flags/checkout.one-page", "{}", fx.tokens.metrics)).status).toBe(403);
    expect((await fetch(`${edge.url}/ofrep/v1/evaluate/flags/x`)).status).toBe(405);
    expect((await fetch(`${edge.url}/health`)).status).toBe(200);
  });

  test("over the per-token rate limit: 429 with Retry-After, and the SDK holds its default until then", async () => {
    const limited = await startEdge({ handle: t.handle, limiter: new RateLimiter(2) });
    try {
      const call = () =>
        fetch(`${limited.url}/ofrep/v1/evaluate/flags/banner.color`, {
          method: "POST",
          headers: { authorization: `Bearer ${fx.tokens.flags}`, "content-type": "application/json" },
          body: JSON.stringify({ context: { targetingKey: "x" } }),
        });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 6; i++) {
        const res = await call();
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get("retry-after");
      }
      expect(statuses).toContain(429);
      expect(retryAfter).toBe("1");
      const sdkDomain = `limited-${kind}`;
      await ServerFeature.setProviderAndWait(
        sdkDomain,
        new OFREPProvider({ baseUrl: limited.url, headers: { Authorization: `Bearer ${fx.tokens.flags}` } }),
      );
      const results = [];
      for (let i = 0; i < 5; i++)
        results.push(
          await ServerFeature.getClient(sdkDomain).getStringDetails("banner.color", "fallback", { targetingKey: "x" }),
        );
      expect(results.some((r) => r.value === "fallback" && r.errorCode === "GENERAL")).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
