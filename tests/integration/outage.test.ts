import { MIGRATION_COUNT } from "../support/migrations";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DbHandle, openDatabase } from "@/db/client";
import { isDatabaseUnavailable } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "../support/test-db";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

// The PostgreSQL server going away mid-flight: queries fail fast with a recognisable error
// instead of hanging, and the same handle works again once the server is back.
const serverUrl = process.env.TEST_DATABASE_URL;
// The outage is staged by cutting a TCP proxy in front of a real server; PGlite has no connection
// to cut. CI sets TEST_DATABASE_URL, so this runs there.

describe.runIf(Boolean(serverUrl))("database outage on PostgreSQL", () => {
  let t: TestDatabase;
  let proxy: TcpProxy;
  let handle: DbHandle;

  beforeAll(async () => {
    t = await createTestDatabase("postgres");
    const target = new URL(t.url!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.hostname = "127.0.0.1";
    target.port = String(proxy.port);
    handle = await openDatabase({ databaseUrl: target.toString(), maxConnections: 2 });
  });
  afterAll(async () => {
    await handle?.close().catch(() => {});
    await proxy?.close();
    await t?.drop();
  });

  test("fails fast while the server is away and recovers when it returns", async () => {
    expect(await handle.migrationsApplied()).toBe(MIGRATION_COUNT);

    await proxy.cut();
    const started = Date.now();
    const error = await handle.db.execute(sql`select 1`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error, "a query succeeded with the database gone").not.toBeNull();
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(7000);

    await proxy.restore();
    expect(await handle.migrationsApplied()).toBe(MIGRATION_COUNT);
  });
});

if (!serverUrl) console.warn("outage test skipped: it needs TEST_DATABASE_URL (a PostgreSQL server to cut off)");
