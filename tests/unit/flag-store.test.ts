import { describe, expect, test } from "vitest";
import type { Database } from "@/db/client";
import { FlagStore } from "@/lib/flags/store";

// The in-memory flag store of every evaluator, against a stand-in database whose answers and
// failures the test controls: held until a change is heard, refreshed in the background when it
// ages out, and the last snapshot served while the database does not answer.

type Row = Record<string, unknown>;

function fakeDb() {
  const state = { version: 1, failing: false, gate: null as Promise<void> | null, loads: 0 };
  const db = {
    query: {
      flags: {
        async findMany(): Promise<Row[]> {
          state.loads++;
          const version = state.version;
          if (state.gate) await state.gate;
          if (state.failing) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
          return [
            {
              key: "f",
              type: "boolean",
              variants: { on: true, off: false },
              defaultVariant: "off",
              rolloutVariant: "on",
              enabled: true,
              manualRolloutPercent: 50,
              version,
              plan: null,
              segmentRules: [],
            },
          ];
        },
      },
    },
  } as unknown as Database;
  return { db, state };
}

const versionOf = async (store: FlagStore) => (await store.flagsFor("p")).get("f")!.version;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("flag store", () => {
  test("holds a snapshot until a change is heard, then loads afresh", async () => {
    const { db, state } = fakeDb();
    const store = new FlagStore(db, { maxAgeMs: 60_000 });
    expect(await versionOf(store)).toBe(1);
    state.version = 2;
    expect(await versionOf(store)).toBe(1);
    expect(state.loads).toBe(1);
    store.invalidate("p");
    expect(await versionOf(store)).toBe(2);
  });

  test("aged out with no change heard: answers at once from the snapshot and refreshes behind it", async () => {
    const { db, state } = fakeDb();
    const store = new FlagStore(db, { maxAgeMs: 20 });
    expect(await versionOf(store)).toBe(1);
    await sleep(30);
    state.version = 2;
    let release!: () => void;
    state.gate = new Promise<void>((resolve) => (release = resolve));
    // The refresh is held at the gate, yet the answer comes: the previous snapshot.
    expect(await versionOf(store)).toBe(1);
    expect(await versionOf(store)).toBe(1);
    expect(state.loads).toBe(2);
    state.gate = null;
    release();
    await expect.poll(() => versionOf(store)).toBe(2);
  });

  test("while the database fails, the last snapshot answers, the failure is reported, and it recovers", async () => {
    const { db, state } = fakeDb();
    const store = new FlagStore(db, { maxAgeMs: 20, retryMs: 300 });
    expect(await versionOf(store)).toBe(1);
    state.failing = true;
    // A change heard now cannot be loaded: the last snapshot still answers.
    store.invalidate("p");
    expect(await versionOf(store)).toBe(1);
    const status = store.status();
    expect(status.projects).toBe(1);
    expect(status.servedFromMemory).toEqual([
      { projectId: "p", since: expect.any(Date), reason: "connect ECONNREFUSED 127.0.0.1:5432" },
    ]);
    // Retried after the interval, not on every request.
    const loads = state.loads;
    for (let i = 0; i < 20; i++) await versionOf(store);
    expect(state.loads).toBe(loads);
    await sleep(350);
    await versionOf(store);
    expect(state.loads).toBeGreaterThan(loads);

    state.failing = false;
    state.version = 3;
    await sleep(350);
    await expect.poll(() => versionOf(store)).toBe(3);
    expect(store.status().servedFromMemory).toEqual([]);
  });

  test("with nothing loaded yet, a failure is an error, and the next request tries again", async () => {
    const { db, state } = fakeDb();
    const store = new FlagStore(db);
    state.failing = true;
    await expect(store.flagsFor("p")).rejects.toThrow("ECONNREFUSED");
    expect(store.status()).toMatchObject({ projects: 0, servedFromMemory: [] });
    state.failing = false;
    expect(await versionOf(store)).toBe(1);
    expect(state.loads).toBe(2);
  });

  test("a resync after a lost connection reloads every project", async () => {
    const { db, state } = fakeDb();
    const store = new FlagStore(db, { maxAgeMs: 60_000 });
    expect(await versionOf(store)).toBe(1);
    state.version = 4;
    store.invalidateAll();
    expect(await versionOf(store)).toBe(4);
  });
});
