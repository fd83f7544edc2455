import { MIGRATION_COUNT } from "../tests/support/migrations";
import { type ChildProcess, spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../tests/support/test-db";
import { startTcpProxy, type TcpProxy } from "../tests/support/tcp-proxy";
import { stopProcess } from "../tests/support/processes";
import { makeUser } from "../tests/support/people";
import { E2E_AUTH_SECRET } from "./fixtures";

// A production server on PostgreSQL whose connection the test cuts and restores: pages say the
// database is not answering (no hang, no stack trace) and work again when it returns. The
// database starts empty, so the portfolio's empty state is on show too.

const port = Number(process.env.E2E_OUTAGE_PORT ?? 3211);
const base = `http://127.0.0.1:${port}`;

test.describe("database outage", () => {
  test.skip(!process.env.TEST_DATABASE_URL, "needs TEST_DATABASE_URL: a PostgreSQL server the test can cut off");

  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ChildProcess;

  test.beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await makeUser(db.handle.db, { isAdmin: true, email: "ops@outage.test", password: "outage-test-password" });
    const target = new URL(db.url!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    target.hostname = "127.0.0.1";
    target.port = String(proxy.port);
    server = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
      {
        env: {
          ...process.env,
          DATABASE_URL: target.toString(),
          PHASEGATE_DEMO_SEED: "0",
          NEXT_TELEMETRY_DISABLED: "1",
          AUTH_SECRET: E2E_AUTH_SECRET,
        },
        stdio: "ignore",
      },
    );
    await expect
      .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
      .toBe(200);
  });

  test.afterAll(async () => {
    await stopProcess(server);
    await proxy?.close();
    await db?.drop();
  });

  test("an empty database says what to do; an outage says so; recovery needs no restart", async ({ page, request }) => {
    const health = await request.get(`${base}/api/health`);
    expect(await health.json()).toEqual({ status: "ok", db: "postgres", migrations: MIGRATION_COUNT });

    await page.goto(`${base}/`);
    await page.getByLabel("Email").fill("ops@outage.test");
    await page.getByLabel("Password").fill("outage-test-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("No rollout plans yet")).toBeVisible();
    await expect(page.getByText("npm run seed:demo")).toBeVisible();

    await proxy.cut();
    await page.goto(`${base}/`);
    await expect(page.getByRole("alert").filter({ hasText: "The database is not answering" })).toBeVisible();
    await expect(page.locator("body")).not.toContainText(/at .*\.js:\d+/);
    const down = await request.get(`${base}/api/health`);
    expect(down.status()).toBe(503);
    expect(((await down.json()) as { reason: string }).reason).toMatch(/^database unavailable/);

    await proxy.restore();
    await expect.poll(async () => (await request.get(`${base}/api/health`)).status(), { timeout: 15_000 }).toBe(200);
    await page.goto(`${base}/`);
    await expect(page.getByText("No rollout plans yet")).toBeVisible();
  });
});
