import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { CompiledFlag } from "@/lib/domain/flag-eval";
import type { FlagStore } from "@/lib/flags/store";
import type { ProjectFlags } from "@/lib/flags/snapshot";
import type { TokenVerifier } from "@/lib/flags/token-verifier";
import { configHash, OfrepEventStreams, refetchEvent } from "@/lib/ofrep/event-streams";

// The event streams' own rules, with the flag store and token checks stubbed: one event per
// burst, none when nothing really changed, a change during a read is not lost, resume by id.

function flag(enabled: boolean, percent = 5): CompiledFlag {
  return {
    key: "checkout.one-page",
    type: "boolean",
    variants: { on: true, off: false },
    defaultVariant: "off",
    rolloutVariant: "on",
    enabled,
    rolloutPercent: percent,
    version: 1,
    source: { kind: "manual" },
    rules: [],
  };
}
const project = (f: CompiledFlag): ProjectFlags => new Map([[f.key, f]]);

function world() {
  let current = project(flag(true));
  let listener: (projectId: string | null) => void = () => {};
  let reads = 0;
  let release: (() => void) | null = null;
  let hold = false;
  const flags = {
    onInvalidate: (fn: typeof listener) => ((listener = fn), () => {}),
    flagsFor: async () => {
      reads++;
      if (hold) await new Promise<void>((r) => (release = r));
      return current;
    },
  } as unknown as FlagStore;
  const tokens = {
    onForget: () => () => {},
    checkStream: async () => ({ ok: true, tokenId: "t", projectId: "p", scopes: ["flags:evaluate"] }),
  } as unknown as TokenVerifier;
  const streams = new OfrepEventStreams(flags, tokens, { coalesceMs: 50, heartbeatMs: 60_000 });
  const written: string[] = [];
  const sink = { write: (c: string) => void written.push(c), end: () => {} };
  const events = () => written.filter((c) => c.includes("refetchEvaluation"));
  return {
    streams,
    sink,
    events,
    set: (next: ProjectFlags) => (current = next),
    change: () => listener("p"),
    reads: () => reads,
    holdReads: (on: boolean) => (hold = on),
    releaseRead: () => release?.(),
  };
}

const query = new URLSearchParams({ token: "00000000-0000-0000-0000-000000000000", key: "k" });

describe("OFREP event streams", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("the configuration hash ignores key order and set order, and sees every evaluated field", () => {
    const a = new Map([
      ["a", { ...flag(true), key: "a" }],
      ["b", { ...flag(true), key: "b" }],
    ]);
    const b = new Map([
      ["b", { ...flag(true), key: "b" }],
      ["a", { ...flag(true), key: "a" }],
    ]);
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(project(flag(true, 5)))).not.toBe(configHash(project(flag(true, 25))));
    expect(configHash(project(flag(false)))).not.toBe(configHash(project(flag(true))));
    const listed = (keys: string[]): ProjectFlags =>
      project({
        ...flag(true),
        rules: [{ variant: "on", segment: { key: "team", name: "Team", kind: "user_list", userKeys: new Set(keys) } }],
      });
    expect(configHash(listed(["rina", "eko"]))).toBe(configHash(listed(["eko", "rina"])));
    expect(configHash(listed(["rina"]))).not.toBe(configHash(listed(["eko"])));
  });

  test("an event is SSE with the id, the quoted ETag and the time", () => {
    expect(refetchEvent({ id: "abc", etag: '"abc"', lastModified: 1771622898 })).toBe(
      'id: abc\nevent: message\ndata: {"type":"refetchEvaluation","etag":"\\"abc\\"","lastModified":1771622898}\n\n',
    );
  });

  test("ten changes heard together make one read and one event", async () => {
    const w = world();
    expect((await w.streams.open(query, null, w.sink)).ok).toBe(true);
    const readsBefore = w.reads();
    w.set(project(flag(false)));
    for (let i = 0; i < 10; i++) w.change();
    await vi.advanceTimersByTimeAsync(60);
    expect(w.reads() - readsBefore).toBe(1);
    expect(w.events()).toHaveLength(1);
    expect(w.events()[0]).toContain(`"etag":"\\"${configHash(project(flag(false)))}\\""`);
  });

  test("a change that leaves the configuration as it was sends nothing", async () => {
    const w = world();
    await w.streams.open(query, null, w.sink);
    w.set(project(flag(true)));
    w.change();
    await vi.advanceTimersByTimeAsync(60);
    expect(w.events()).toHaveLength(0);
  });

  test("a change heard while the flags are being read is looked at again afterwards", async () => {
    const w = world();
    await w.streams.open(query, null, w.sink);
    w.holdReads(true);
    w.change();
    await vi.advanceTimersByTimeAsync(60); // the read starts and waits
    w.set(project(flag(false)));
    w.change(); // during the read
    w.holdReads(false);
    w.releaseRead();
    await vi.advanceTimersByTimeAsync(60);
    expect(w.events()).toHaveLength(1);
    expect(w.events()[0]).toContain(configHash(project(flag(false))));
  });

  test("resume: an outdated Last-Event-ID gets one event at once, the current one none; closing ends heartbeats", async () => {
    const w = world();
    await w.streams.open(query, "older", w.sink);
    expect(w.events()).toHaveLength(1);
    const w2 = world();
    const opened = await w2.streams.open(query, configHash(project(flag(true))), w2.sink);
    expect(w2.events()).toHaveLength(0);
    expect(w2.streams.size).toBe(1);
    if (opened.ok) opened.close();
    expect(w2.streams.size).toBe(0);
  });

  test("at shutdown every stream is told to come back after a second or two, and no new one opens", async () => {
    const w = world();
    let ended = false;
    const chunks: string[] = [];
    await w.streams.open(query, null, { write: (c) => void chunks.push(c), end: () => void (ended = true) });
    w.streams.closeAll();
    expect(ended).toBe(true);
    expect(w.streams.size).toBe(0);
    const retry = Number(/^retry: (\d+)/.exec(chunks.at(-1) ?? "")?.[1]);
    expect(retry).toBeGreaterThanOrEqual(1000);
    expect(retry).toBeLessThan(2000);
    const refused = await w.streams.open(query, null, w.sink);
    expect(refused).toMatchObject({ ok: false, status: 503 });
  });
});
