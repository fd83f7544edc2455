import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { EventHub, type HubMessage } from "@/lib/live/hub";
import { ingestSamples } from "@/lib/services/metrics";
import { planWithTokens } from "../support/api-fixture";
import { backends, createTestDatabase, type TestDatabase } from "../support/test-db";

// The hub behind the live plan page: a change committed anywhere reaches the followers of that
// plan; on PostgreSQL the writer is a second pool, as a second app instance would be.

describe.each(backends)("live plan events on %s", (kind) => {
  let t: TestDatabase;
  let listener: DbHandle;
  let hub: EventHub;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    listener = kind === "postgres" ? await openDatabase({ databaseUrl: t.url, maxConnections: 2 }) : t.handle;
    hub = new EventHub(async () => listener);
  });
  afterAll(async () => {
    await hub?.close();
    if (kind === "postgres") await listener?.close();
    await t?.drop();
  });

  test("followers of a plan hear its committed changes, and only its own", async () => {
    const a = await planWithTokens(t.handle.db, "canary", "Live A", {});
    const b = await planWithTokens(t.handle.db, "canary", "Live B", {});
    const heard: HubMessage[] = [];
    // Only sample events count here: the plans' own creation may still be on its way.
    const unsubscribe = await hub.subscribe(a.planId, (m) => {
      if (m.kind === "event" && m.event.type === "samples.ingested") heard.push(m);
    });
    expect(hub.subscribers).toBe(1);

    const started = Date.now();
    await ingestSamples(b.ctx, b.planId, [{ metric: "error_rate", value: 0.2 }]);
    await ingestSamples(a.ctx, a.planId, [{ metric: "error_rate", value: 0.3 }]);
    await expect.poll(() => heard.length, { timeout: 5_000, interval: 20 }).toBe(1);
    const latency = Date.now() - started;
    expect(heard[0]).toEqual({
      kind: "event",
      event: expect.objectContaining({ type: "samples.ingested", planId: a.planId }),
    });
    expect(latency).toBeLessThan(5_000);

    unsubscribe();
    expect(hub.subscribers).toBe(0);
    await ingestSamples(a.ctx, a.planId, [{ metric: "error_rate", value: 0.4 }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toHaveLength(1);
  });

  test("a change rolled back is never heard", async () => {
    const a = await planWithTokens(t.handle.db, "canary", "Live C", {});
    const heard: HubMessage[] = [];
    const unsubscribe = await hub.subscribe(a.planId, (m) => heard.push(m));
    await expect(
      ingestSamples(a.ctx, a.planId, [
        { metric: "error_rate", value: 0.3 },
        { metric: "nope", value: 1 },
      ]),
    ).rejects.toThrow(/Nothing was stored/);
    await ingestSamples(a.ctx, a.planId, [{ metric: "error_rate", value: 0.3 }]);
    const ingested = () => heard.filter((m) => m.kind === "event" && m.event.type === "samples.ingested");
    await expect.poll(() => ingested().length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ingested()).toHaveLength(1);
    unsubscribe();
  });
});
