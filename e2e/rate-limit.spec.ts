import { type ChildProcess, spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { seedDemo } from "../db/seed/demo";
import { createTestDatabase, type TestDatabase } from "../tests/support/test-db";
import { DEMO_PASSWORD, people, E2E_AUTH_SECRET } from "./fixtures";

// Two app processes on one PostgreSQL database: failed sign-ins count across both, so an
// attacker cannot double their tries by alternating between instances behind a load balancer.

const ports = [Number(process.env.E2E_RL_PORT ?? 3212), Number(process.env.E2E_RL_PORT ?? 3212) + 1];
const bases = ports.map((p) => `http://127.0.0.1:${p}`);

async function attempt(base: string, email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": "203.0.113.7" },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  const location = res.headers.get("location") ?? "";
  if (location.includes("error=")) return new URL(location, base).searchParams.get("code") ?? "error";
  return res.headers.getSetCookie().some((c) => c.includes("session-token")) ? "signed-in" : `status ${res.status}`;
}

test.describe("two app instances on one database", () => {
  test.skip(!process.env.TEST_DATABASE_URL, "needs TEST_DATABASE_URL: two app processes must share one PostgreSQL database");

  let db: TestDatabase;
  const servers: ChildProcess[] = [];

  test.beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await seedDemo(db.handle.db);
    for (const [i, port] of ports.entries()) {
      // The second instance also has an OIDC provider configured (discovery happens only when someone uses it).
      const oidc = i === 1 ? { OIDC_ISSUER: "http://127.0.0.1:9/realms/acme", OIDC_CLIENT_ID: "phasegate", OIDC_CLIENT_SECRET: "s3cret", OIDC_NAME: "Acme SSO" } : {};
      servers.push(
        spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)], {
          env: { ...process.env, DATABASE_URL: db.url!, PHASEGATE_DEMO_SEED: "0", NEXT_TELEMETRY_DISABLED: "1", ...oidc, AUTH_SECRET: E2E_AUTH_SECRET },
          stdio: "ignore",
        }),
      );
    }
    for (const base of bases) {
      await expect.poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    }
  });

  test.afterAll(async () => {
    for (const s of servers) s.kill("SIGTERM");
    await db?.drop();
  });

  test("five failures split over two processes lock the account on both", async () => {
    expect(await attempt(bases[0]!, people.engineer, DEMO_PASSWORD)).toBe("signed-in");
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await attempt(bases[i % 2]!, people.engineer, "wrong password"));
    expect(outcomes).toEqual(["credentials", "credentials", "credentials", "credentials", "credentials"]);
    // The right password no longer helps, on either process.
    expect(await attempt(bases[0]!, people.engineer, DEMO_PASSWORD)).toBe("throttled");
    expect(await attempt(bases[1]!, people.engineer, DEMO_PASSWORD)).toBe("throttled");
    // Other accounts are unaffected.
    expect(await attempt(bases[1]!, people.approver, DEMO_PASSWORD)).toBe("signed-in");
  });

  test("OIDC by configuration: configured: the provider is offered; not configured: it is not", async ({ page }) => {
    const withOidc = (await (await fetch(`${bases[1]}/api/auth/providers`)).json()) as Record<string, { name: string; type: string }>;
    expect(withOidc.oidc).toMatchObject({ name: "Acme SSO", type: "oidc" });
    const without = (await (await fetch(`${bases[0]}/api/auth/providers`)).json()) as Record<string, unknown>;
    expect(Object.keys(without)).toEqual(["credentials"]);
    await page.goto(`${bases[1]}/sign-in`);
    await expect(page.getByRole("button", { name: "Continue with Acme SSO" })).toBeVisible();
    await page.goto(`${bases[0]}/sign-in`);
    await expect(page.getByRole("button", { name: /Continue with/ })).toHaveCount(0);
  });
});
