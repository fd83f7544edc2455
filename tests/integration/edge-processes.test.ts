import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { transitionPlan } from "@/lib/services/decisions";
import { flagProject, setKillSwitch } from "../support/flag-fixture";
import { stopProcess } from "../support/processes";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Two edge evaluator processes (`npm run edge`) on one PostgreSQL database: a kill switch and a
// phase change made elsewhere reach both within a second.

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl)
  console.warn("edge-processes: skipped, edge evaluators share a PostgreSQL server (set TEST_DATABASE_URL)");
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

function startEdgeProcess(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(tsx, ["scripts/edge.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, EDGE_PORT: "0", EDGE_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`edge did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`edge exited with ${code}: ${output}`)));
  });
}

describe.skipIf(!serverUrl)("edge evaluators in two processes", () => {
  let t: TestDatabase;
  let fx: Awaited<ReturnType<typeof flagProject>>;
  const edges: { child: ChildProcess; url: string }[] = [];

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    fx = await flagProject(t.handle.db, "Two edges");
    edges.push(...(await Promise.all([startEdgeProcess(t.url!), startEdgeProcess(t.url!)])));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(edges.map((e) => stopProcess(e.child)));
    await t?.drop();
  });

  const evaluate = async (url: string, targetingKey: string) => {
    const res = await fetch(`${url}/ofrep/v1/evaluate/flags/checkout.one-page`, {
      method: "POST",
      headers: { authorization: `Bearer ${fx.tokens.flags}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey, region: "Jakarta" } }),
    });
    return (await res.json()) as { reason: string; metadata: { rolloutPercent: number } };
  };
  /** Milliseconds until every edge answers as `expected` says, polling each every 10 ms. */
  const untilAll = async (check: (r: Awaited<ReturnType<typeof evaluate>>) => boolean) => {
    const started = Date.now();
    await Promise.all(
      edges.map((e) =>
        expect.poll(async () => check(await evaluate(e.url, "rina")), { timeout: 1_000, interval: 10 }).toBe(true),
      ),
    );
    return Date.now() - started;
  };

  test("a kill switch and a phase change are seen by both processes within a second", { timeout: 30_000 }, async () => {
    for (const e of edges) expect(await evaluate(e.url, "rina")).toMatchObject({ reason: "TARGETING_MATCH" });

    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, false);
    expect(await untilAll((r) => r.reason === "DISABLED")).toBeLessThan(1_000);
    await setKillSwitch(t.handle.db, fx.projectId, fx.flagId, true);
    expect(await untilAll((r) => r.reason === "TARGETING_MATCH")).toBeLessThan(1_000);

    await transitionPlan(fx.ctx, { planId: fx.planId, version: 1, action: "start" });
    const elapsed = await untilAll((r) => r.metadata.rolloutPercent === 5);
    expect(elapsed).toBeLessThan(1_000);
    const split = await evaluate(edges[0]!.url, "shopper-1");
    expect(split.reason).toBe("SPLIT");
  });
});
