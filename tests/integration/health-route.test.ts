import { MIGRATION_COUNT } from "../support/migrations";
import { afterEach, describe, expect, test } from "vitest";
import { GET } from "@/app/api/health/route";
import { closeDb } from "@/db/client";
import { createTestDatabase } from "../support/test-db";

// The route reads the process configuration, exactly as in the running app.
const saved = { DATABASE_URL: process.env.DATABASE_URL, PGLITE_DIR: process.env.PGLITE_DIR };

afterEach(async () => {
  await closeDb();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("GET /api/health", () => {
  test("200 with the database kind and migration count on PGlite", async () => {
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = "memory://";
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok", db: "pglite", migrations: MIGRATION_COUNT });
  });

  test("503 with a clear reason, and no secret, when PostgreSQL cannot be reached", async () => {
    process.env.DATABASE_URL = "postgres://phasegate:hunter2@127.0.0.1:1/phasegate";
    const res = await GET();
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; reason: string };
    expect(body.status).toBe("unavailable");
    expect(body.reason).toMatch(/^database unavailable: Cannot reach PostgreSQL at 127\.0\.0\.1:1\/phasegate/);
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });

  test("a failed open is not cached: the next request tries again", async () => {
    process.env.DATABASE_URL = "postgres://127.0.0.1:1/phasegate";
    expect((await GET()).status).toBe(503);
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = "memory://";
    expect((await GET()).status).toBe(200);
  });

  // Needs a PostgreSQL server to open (TEST_DATABASE_URL); CI sets it. Without one this case is
  // skipped and says so; the PGlite cases above still run.
  if (!process.env.TEST_DATABASE_URL)
    console.warn("health-route: the PostgreSQL case is skipped, set TEST_DATABASE_URL to run it");
  test.runIf(Boolean(process.env.TEST_DATABASE_URL))("200 on the PostgreSQL server", async () => {
    const t = await createTestDatabase("postgres");
    try {
      process.env.DATABASE_URL = t.url;
      const res = await GET();
      expect(await res.json()).toEqual({ status: "ok", db: "postgres", migrations: MIGRATION_COUNT });
    } finally {
      await closeDb();
      await t.drop();
    }
  });
});
