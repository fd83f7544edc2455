import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { OpenFeature as WebFeature, ProviderEvents } from "@openfeature/web-sdk";
import { eq, sql } from "drizzle-orm";
import { EventSource } from "eventsource";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { apiTokens, flags } from "@/db/schema";
import { hashApiToken } from "@/lib/auth/api-token";
import { type Edge, startEdge } from "@/lib/edge/server";
import { loadProjectFlags } from "@/lib/flags/snapshot";
import { configHash } from "@/lib/ofrep/event-streams";
import { streamKeyForToken } from "@/lib/ofrep/stream-key";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";
import { flagProject, setKillSwitch } from "../support/flag-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// OFREP event streams (ADR 0008) on the edge evaluator: the bulk answer advertises the stream,
// a change sends `refetchEvaluation` with the configuration's ETag, the unmodified OpenFeature web
// provider (with a WHATWG EventSource) follows it without polling, a reconnect resumes with
// Last-Event-ID, bursts coalesce, and a refetch naming a configuration this instance has not
// heard of yet reads the flags again.

interface Advertised {
  type: string;
  endpoint: { requestUri: string };
  inactivityDelaySec: number;
}

const readers: { stop(): void; done: Promise<void> }[] = [];

/** A spec-following reader of one stream: the events it got, parsed. Stopped after each test. */
function follow(url: string, init: { lastEventId?: string } = {}) {
  const events: { id: string; data: { type: string; etag?: string; lastModified?: number } }[] = [];
  const controller = new AbortController();
  let markConnected = () => {};
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const done = (async () => {
    const res = await fetch(url, {
      headers: init.lastEventId ? { "last-event-id": init.lastEventId } : {},
      signal: controller.signal,
    });
    if (res.status !== 200) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      markConnected();
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((l) => l && !l.startsWith(":"))
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trimStart()]),
        );
        if (fields.data) events.push({ id: fields.id ?? "", data: JSON.parse(fields.data) });
      }
    }
  })().catch((error: unknown) => {
    if ((error as { name?: string }).name !== "AbortError") throw error;
  });
  const reader = { events, connected, stop: () => controller.abort(), done };
  readers.push(reader);
  return reader;
}

describe.each(backends)("OFREP event streams on the edge on %s", (kind) => {
  let t: TestDatabase;
  let edge: Edge;
  let fx: Awaited<ReturnType<typeof flagProject>>;
  let stream: Advertised;

  const bulk = (query = "", token = fx.tokens.flags) =>
    fetch(`${edge.url}/ofrep/v1/evaluate/flags${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "rina" } }),
    });
  const currentTag = async () => `"${configHash(await loadProjectFlags(t.handle.db, fx.projectId))}"`;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    fx = await flagProject(t.handle.db);
    edge = await startEdge({ handle: t.handle });
  });
  // Every test starts with the flag on, and the edge knowing it (notifications arrive in their own time).
  afterEach(async () => {
    for (const r of readers.splice(0)) {
      r.stop();
      await r.done;
    }
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
    await expect
      .poll(
        async () =>
          ((await (await bulk()).json()) as { flags: { key: string; reason: string }[] }).flags.find(
            (f) => f.key === "checkout.one-page",
          )?.reason,
        { timeout: 5_000, interval: 20 },
      )
      .not.toBe("DISABLED");
    await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(async () => {
    await edge?.close();
    await t?.drop();
  });

  test("the bulk answer advertises the stream: a request URI with the token's id and derived key, 120 s of inactivity", async () => {
    const res = await bulk();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { eventStreams: Advertised[] };
    expect(body.eventStreams).toHaveLength(1);
    stream = body.eventStreams[0]!;
    expect(stream).toMatchObject({ type: "sse", inactivityDelaySec: 120 });
    const uri = new URL(stream.endpoint.requestUri, edge.url);
    expect(uri.pathname).toBe("/ofrep/v1/event-stream");
    const [row] = await t.handle.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashApiToken(fx.tokens.flags)));
    expect(uri.searchParams.get("token")).toBe(row!.id);
    expect(uri.searchParams.get("key")).toBe(streamKeyForToken(fx.tokens.flags, row!.id));
    // The token itself is never in the URL.
    expect(stream.endpoint.requestUri).not.toContain(fx.tokens.flags);
  });

  test("a kill switch sends one refetchEvaluation carrying the new configuration's ETag, as the event id too", async () => {
    const reader = follow(new URL(stream.endpoint.requestUri, edge.url).href);
    await reader.connected;
    const before = await currentTag();
    const at = Date.now();
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
    await expect.poll(() => reader.events.length, { timeout: 2_000, interval: 10 }).toBe(1);
    expect(Date.now() - at).toBeLessThan(1_000);
    const [event] = reader.events;
    const after = await currentTag();
    expect(after).not.toBe(before);
    expect(event!.data).toMatchObject({ type: "refetchEvaluation", etag: after });
    expect(event!.id).toBe(after.slice(1, -1));
    expect(Math.abs(event!.data.lastModified! - Date.now() / 1000)).toBeLessThan(5);
    // The refetch it asks for names that configuration and gets it.
    const refetch = await bulk(
      `?flagConfigEtag=${encodeURIComponent(after)}&flagConfigLastModified=${event!.data.lastModified}`,
    );
    const flagsNow = ((await refetch.json()) as { flags: { key: string; reason: string }[] }).flags;
    expect(flagsNow.find((f) => f.key === "checkout.one-page")!.reason).toBe("DISABLED");
    reader.stop();
    await reader.done;
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
  });

  // How many events a burst makes depends on how fast the database commits it; the coalescing
  // itself is checked with a fake clock in tests/unit/ofrep-event-streams.test.ts.
  test("a burst of changes: the last event names the final configuration", async () => {
    const reader = follow(new URL(stream.endpoint.requestUri, edge.url).href);
    await reader.connected;
    // Off, on, off, … nine times: it ends off, a configuration the stream has not seen.
    for (let i = 0; i < 9; i++) await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, i % 2 === 1);
    const final = await currentTag();
    await expect.poll(() => reader.events.at(-1)?.data.etag, { timeout: 2_000, interval: 10 }).toBe(final);
    await new Promise((r) => setTimeout(r, 300));
    expect(reader.events.length).toBeGreaterThanOrEqual(1);
    expect(reader.events.length).toBeLessThanOrEqual(9);
    reader.stop();
    await reader.done;
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
  });

  test("resuming with Last-Event-ID: an outdated id gets one event at once, the current one gets none", async () => {
    const url = new URL(stream.endpoint.requestUri, edge.url).href;
    const current = (await currentTag()).slice(1, -1);
    const stale = follow(url, { lastEventId: "an-older-configuration" });
    await expect.poll(() => stale.events.length, { timeout: 2_000, interval: 10 }).toBe(1);
    expect(stale.events[0]!.data.etag).toBe(`"${current}"`);
    const upToDate = follow(url, { lastEventId: current });
    await upToDate.connected;
    await new Promise((r) => setTimeout(r, 300));
    expect(upToDate.events).toEqual([]);
    for (const r of [stale, upToDate]) {
      r.stop();
      await r.done;
    }
    // The edge lets a stream go when its client does.
    await expect.poll(() => edge.streams.size, { timeout: 5_000 }).toBe(0);
  });

  test("the unmodified OpenFeature web provider follows the stream, without polling", async () => {
    const requests: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      requests.push(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      return fetch(input, init);
    };
    const global = globalThis as { EventSource?: unknown };
    const had = global.EventSource;
    global.EventSource = EventSource;
    const domain = `sse-${kind}`;
    const streamsBefore = edge.streams.size;
    const provider = new OFREPWebProvider({
      baseUrl: edge.url,
      headers: [["Authorization", `Bearer ${fx.tokens.flags}`]],
      pollInterval: 0,
      cacheMode: "disabled",
      changeDetection: "sse",
      fetchImplementation: recordingFetch,
    });
    try {
      await WebFeature.setContext(domain, { targetingKey: "rina" });
      await WebFeature.setProviderAndWait(domain, provider);
      const web = WebFeature.getClient(domain);
      expect(web.getBooleanDetails("checkout.one-page", false)).toMatchObject({
        value: true,
        reason: "TARGETING_MATCH",
      });
      await expect.poll(() => edge.streams.size, { timeout: 5_000 }).toBe(streamsBefore + 1);
      const changed = new Promise<string[]>((resolve) =>
        web.addHandler(ProviderEvents.ConfigurationChanged, (e) => resolve(e?.flagsChanged ?? [])),
      );
      const at = Date.now();
      await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
      expect(await changed).toContain("checkout.one-page");
      expect(Date.now() - at).toBeLessThan(1_000);
      expect(web.getBooleanDetails("checkout.one-page", true)).toMatchObject({ value: false, reason: "DISABLED" });
      // One bulk fetch to start, one after the event, naming the configuration it was told of.
      const bulks = requests.filter((u) => u.includes("/ofrep/v1/evaluate/flags"));
      expect(bulks).toHaveLength(2);
      expect(new URL(bulks[1]!).searchParams.get("flagConfigEtag")).toBe(await currentTag());
    } finally {
      await WebFeature.clearProviders();
      global.EventSource = had;
      await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
    }
  });

  test("a refetch naming a configuration this instance has not heard of reads the flags again", async () => {
    // A change nobody announced (as if its notification were still on the way to this instance).
    await t.handle.db
      .update(flags)
      .set({ enabled: false, version: sql`${flags.version} + 1` })
      .where(eq(flags.id, fx.flagId));
    const stale = ((await (await bulk()).json()) as { flags: { key: string; reason: string }[] }).flags;
    expect(stale.find((f) => f.key === "checkout.one-page")!.reason).not.toBe("DISABLED");
    const told = await currentTag();
    const fresh = (
      (await (await bulk(`?flagConfigEtag=${encodeURIComponent(told)}`)).json()) as {
        flags: { key: string; reason: string }[];
      }
    ).flags;
    expect(fresh.find((f) => f.key === "checkout.one-page")!.reason).toBe("DISABLED");
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
  });

  test("a wrong key and a token without flags:evaluate are refused with JSON; revoking a token ends its streams", async () => {
    const uri = new URL(stream.endpoint.requestUri, edge.url);
    const tokenId = uri.searchParams.get("token")!;
    const wrong = await fetch(`${edge.url}/ofrep/v1/event-stream?token=${tokenId}&key=${"A".repeat(43)}`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ errorDetails: expect.stringMatching(/not valid/) });
    expect((await fetch(`${edge.url}/ofrep/v1/event-stream`)).status).toBe(401);
    const [metrics] = await t.handle.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, hashApiToken(fx.tokens.metrics)));
    const scoped = await fetch(
      `${edge.url}/ofrep/v1/event-stream?token=${metrics!.id}&key=${streamKeyForToken(fx.tokens.metrics, metrics!.id)}`,
    );
    expect(scoped.status).toBe(403);
    expect((await fetch(uri, { method: "POST" })).status).toBe(405);

    // A token of its own, so the other tests' token stays valid.
    const own = await createApiToken(fx.ctx, {
      projectId: fx.projectId,
      name: "revoked stream",
      scopes: ["flags:evaluate"],
    });
    const ownStream = ((await (await bulk("", own.token)).json()) as { eventStreams: Advertised[] }).eventStreams[0]!;
    const ownUri = new URL(ownStream.endpoint.requestUri, edge.url);
    const open = follow(ownUri.href);
    await open.connected;
    await revokeApiToken(fx.ctx, { tokenId: ownUri.searchParams.get("token")! });
    // The open stream ends, and a new one is refused.
    await open.done;
    await expect.poll(async () => (await fetch(ownUri)).status, { timeout: 5_000, interval: 50 }).toBe(401);
  });
});
