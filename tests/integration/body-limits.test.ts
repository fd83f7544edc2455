import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as ingest } from "@/app/api/v1/metrics/route";
import { POST as decide } from "@/app/api/v1/plans/[planId]/decisions/route";
import { POST as importPlan } from "@/app/api/v1/plans/import/route";
import { GET as listPlans } from "@/app/api/v1/plans/route";
import { POST as evaluateFlag } from "@/app/ofrep/v1/evaluate/flags/[key]/route";
import { rowsOf, setProcessDatabase } from "@/db/client";
import { startEdge } from "@/lib/edge/server";
import { createPlan } from "@/lib/services/plans";
import { planWithTokens } from "../support/api-fixture";
import { createTestDatabase, type TestDatabase } from "../support/test-db";

// Finding: bodies were read whole before the caller was known (OFREP) or before their length was
// checked (the rest), and GET /api/v1/plans had no pages.

/** A body produced on demand, counting how much of it the server pulled. */
function endlessBody(totalBytes: number, chunkBytes = 64 * 1024) {
  const pulled = { bytes: 0 };
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= totalBytes) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, totalBytes - produced);
      produced += size;
      pulled.bytes = produced;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, pulled };
}

const post = (url: string, headers: Record<string, string>, body: BodyInit) =>
  new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);

describe("request bodies and pages (PGlite)", () => {
  let t: TestDatabase;
  let planId: string;
  let projectId: string;
  let tokens: Record<"pipeline" | "reader" | "flags", string>;
  let rowCount: () => Promise<number>;

  beforeAll(async () => {
    t = await createTestDatabase("pglite");
    setProcessDatabase(t.handle);
    const fixture = await planWithTokens(t.handle.db, "canary", "Limits", {
      pipeline: ["metrics:write", "decisions:write", "plans:write"],
      reader: ["plans:read"],
      flags: ["flags:evaluate"],
    });
    ({ planId, projectId, tokens } = fixture);
    for (let i = 0; i < 6; i++)
      await createPlan(fixture.ctx, { projectId, template: "canary", name: `Paged ${i}`, releaseVersion: `1.${i}.0` });
    rowCount = async () =>
      Number(
        rowsOf<{ n: number }>(
          await t.handle.db.execute(
            sql`select (select count(*) from samples) + (select count(*) from audit_events) + (select count(*) from decisions) + (select count(*) from plans) as n`,
          ),
        )[0]!.n,
      );
  }, 120_000);
  afterAll(async () => t?.drop());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  test("samples over 10 MB are refused with 413 after reading little more than the cap", async () => {
    const before = await rowCount();
    const { stream, pulled } = endlessBody(50_000_000);
    const res = await ingest(
      post("http://test/api/v1/metrics", { ...auth(tokens.pipeline), "content-type": "application/json" }, stream),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: {
        code: "payload_too_large",
        message: expect.stringContaining("10 MB"),
        fields: { body: [expect.any(String)] },
      },
    });
    expect(pulled.bytes).toBeLessThan(10_000_000 + 2 * 64 * 1024);
    expect(await rowCount()).toBe(before);
  });

  test("a declared Content-Length over the cap is refused before reading anything", async () => {
    const { stream, pulled } = endlessBody(3_000_000);
    const res = await decide(
      post(
        `http://test/api/v1/plans/${planId}/decisions`,
        { ...auth(tokens.pipeline), "content-type": "application/json", "content-length": "3000000" },
        stream,
      ),
      { params: Promise.resolve({ planId }) },
    );
    expect(res.status).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  test("JSON over 1 MB and Markdown over 1 MB are refused with 413", async () => {
    const big = JSON.stringify({ kind: "no_go", rationale: "x".repeat(1_100_000), version: 1 });
    expect(
      (
        await decide(
          post(
            `http://test/api/v1/plans/${planId}/decisions`,
            { ...auth(tokens.pipeline), "content-type": "application/json" },
            big,
          ),
          { params: Promise.resolve({ planId }) },
        )
      ).status,
    ).toBe(413);
    const markdown = `# Plan\n\n${"word ".repeat(250_000)}`;
    expect(
      (
        await importPlan(
          post(
            "http://test/api/v1/plans/import",
            { ...auth(tokens.pipeline), "content-type": "text/markdown" },
            markdown,
          ),
          { params: Promise.resolve({}) },
        )
      ).status,
    ).toBe(413);
  });

  test("without a valid token the body is not read at all", async () => {
    const { stream, pulled } = endlessBody(20_000_000);
    const res = await ingest(
      post(
        "http://test/api/v1/metrics",
        {
          authorization: "Bearer pgt_notarealtokennotarealtokennotarealtokenxxxxx",
          "content-type": "application/json",
        },
        stream,
      ),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(401);
    expect(pulled.bytes).toBeLessThanOrEqual(64 * 1024);
  });

  test("OFREP in the app: the token first, then at most 64 KiB", async () => {
    const anonymous = endlessBody(5_000_000);
    const refused = await evaluateFlag(
      post("http://test/ofrep/v1/evaluate/flags/any", { "content-type": "application/json" }, anonymous.stream),
    );
    expect(refused.status).toBe(401);
    expect(anonymous.pulled.bytes).toBeLessThanOrEqual(64 * 1024);

    const oversize = endlessBody(5_000_000);
    const tooBig = await evaluateFlag(
      post(
        "http://test/ofrep/v1/evaluate/flags/any",
        { ...auth(tokens.flags), "content-type": "application/json" },
        oversize.stream,
      ),
    );
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({ errorDetails: "The request body is larger than 64 KiB" });
    expect(oversize.pulled.bytes).toBeLessThanOrEqual(64 * 1024 * 3);
  });

  test("OFREP on an edge: no token, no reading; over 64 KiB, 413 and the connection closes", async () => {
    const edge = await startEdge({ handle: t.handle, port: 0 });
    try {
      const big = "x".repeat(200_000);
      const anonymous = await fetch(`${edge.url}/ofrep/v1/evaluate/flags/any`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: big,
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("connection")).toBe("close");
      const oversize = await fetch(`${edge.url}/ofrep/v1/evaluate/flags/any`, {
        method: "POST",
        headers: { ...auth(tokens.flags), "content-type": "application/json" },
        body: big,
      });
      expect(oversize.status).toBe(413);
      expect(await oversize.json()).toEqual({ errorDetails: "The request body is larger than 64 KiB" });
      const fine = await fetch(`${edge.url}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { ...auth(tokens.flags), "content-type": "application/json" },
        body: JSON.stringify({ context: { targetingKey: "u" } }),
      });
      expect(fine.status).toBe(200);
    } finally {
      await edge.close();
    }
  });

  test("GET /api/v1/plans comes in pages that never skip or repeat a plan", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `http://test/api/v1/plans?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await listPlans(new Request(url, { headers: auth(tokens.reader) }), { params: Promise.resolve({}) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { plans: { id: string }[]; nextCursor: string | null };
      expect(body.plans.length).toBeLessThanOrEqual(3);
      seen.push(...body.plans.map((p) => p.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const whole = (await (
      await listPlans(new Request("http://test/api/v1/plans", { headers: auth(tokens.reader) }), {
        params: Promise.resolve({}),
      })
    ).json()) as { plans: unknown[]; nextCursor: string | null };
    expect(whole).toMatchObject({ nextCursor: null });
    expect(whole.plans).toHaveLength(7);
  });

  test.each([
    ["limit=0", "limit"],
    ["limit=500", "limit"],
    ["limit=abc", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${Buffer.from("plan:00000000-0000-4000-8000-000000000000").toString("base64url")}`, "cursor"],
  ])("?%s is refused naming %s", async (query, field) => {
    const res = await listPlans(new Request(`http://test/api/v1/plans?${query}`, { headers: auth(tokens.reader) }), {
      params: Promise.resolve({}),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(body.error.fields)).toEqual([field]);
  });
});
