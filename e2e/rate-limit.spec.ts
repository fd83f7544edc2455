import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { seedDemo } from "../db/seed/demo";
import { createTestDatabase, type TestDatabase } from "../tests/support/test-db";
import { stopProcess } from "../tests/support/processes";
import { DEMO_PASSWORD, E2E_AUTH_SECRET, people } from "./fixtures";

// Two app processes on one PostgreSQL database: failed sign-ins count across both, so an
// attacker cannot double their tries by alternating between instances behind a load balancer,
// and a failing address never locks the account's owner out.

const ports = [Number(process.env.E2E_RL_PORT ?? 3212), Number(process.env.E2E_RL_PORT ?? 3212) + 1];
const bases = ports.map((p) => `http://127.0.0.1:${p}`);

/** One sign-in through Auth.js's credentials callback, from a chosen loopback address. */
async function attempt(
  base: string,
  email: string,
  password: string,
  opts: { from?: string; forwardedFor?: string } = {},
): Promise<string> {
  const csrf = await call(base, "/api/auth/csrf", { from: opts.from });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = csrf.cookies.map((c) => c.split(";")[0]).join("; ");
  const res = await call(base, "/api/auth/callback/credentials", {
    from: opts.from,
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      ...(opts.forwardedFor ? { "x-forwarded-for": opts.forwardedFor } : {}),
    },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }).toString(),
  });
  const location = res.location ?? "";
  if (location.includes("error=")) return new URL(location, base).searchParams.get("code") ?? "error";
  return res.cookies.some((c) => c.includes("session-token")) ? "signed-in" : `status ${res.status}`;
}

function call(
  base: string,
  path: string,
  opts: { from?: string; method?: string; headers?: Record<string, string>; body?: string },
) {
  return new Promise<{ status: number; body: string; cookies: string[]; location: string | undefined }>(
    (resolve, reject) => {
      const req = http.request(
        `${base}${path}`,
        { method: opts.method ?? "GET", headers: opts.headers, localAddress: opts.from ?? "127.0.0.1" },
        (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              cookies: res.headers["set-cookie"] ?? [],
              location: res.headers.location,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(opts.body);
    },
  );
}

test.describe("two app instances on one database", () => {
  test.skip(
    !process.env.TEST_DATABASE_URL,
    "needs TEST_DATABASE_URL: two app processes must share one PostgreSQL database",
  );

  let db: TestDatabase;
  const servers: ChildProcess[] = [];

  test.beforeAll(async () => {
    db = await createTestDatabase("postgres");
    await seedDemo(db.handle.db);
    for (const [i, port] of ports.entries()) {
      // The second instance also has an OIDC provider configured (discovery happens only when someone uses it).
      const oidc =
        i === 1
          ? {
              OIDC_ISSUER: "http://127.0.0.1:9/realms/acme",
              OIDC_CLIENT_ID: "phasegate",
              OIDC_CLIENT_SECRET: "s3cret",
              OIDC_NAME: "Acme SSO",
            }
          : {};
      servers.push(
        spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)], {
          env: {
            ...process.env,
            DATABASE_URL: db.url!,
            PHASEGATE_DEMO_SEED: "0",
            NEXT_TELEMETRY_DISABLED: "1",
            ...oidc,
            AUTH_SECRET: E2E_AUTH_SECRET,
          },
          stdio: "ignore",
        }),
      );
    }
    for (const base of bases) {
      await expect
        .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
        .toBe(200);
    }
  });

  test.afterAll(async () => {
    await Promise.all(servers.map((s) => stopProcess(s)));
    await db?.drop();
  });

  test("failures split over two processes slow that address down on both; the owner elsewhere still gets in", async () => {
    expect(await attempt(bases[0]!, people.engineer, DEMO_PASSWORD)).toBe("signed-in");
    const outcomes: string[] = [];
    // A forged X-Forwarded-For changes nothing: no proxy is trusted unless TRUSTED_PROXY_HOPS says so.
    for (let i = 0; i < 3; i++)
      outcomes.push(
        await attempt(bases[i % 2]!, people.engineer, "wrong password", { forwardedFor: `198.51.100.${i}` }),
      );
    expect(outcomes).toEqual(["credentials", "credentials", "credentials"]);
    // The next try from this address has to wait, on either process, whatever it claims to be.
    expect(await attempt(bases[0]!, people.engineer, DEMO_PASSWORD, { forwardedFor: "198.51.100.99" })).toMatch(
      /^throttled:\d+$/,
    );
    expect(await attempt(bases[1]!, people.engineer, DEMO_PASSWORD)).toMatch(/^throttled:\d+$/);
    // The owner, from an address that has not been failing, signs in at once; so do other accounts.
    expect(await attempt(bases[1]!, people.engineer, DEMO_PASSWORD, { from: "127.0.0.2" })).toBe("signed-in");
    expect(await attempt(bases[1]!, people.approver, DEMO_PASSWORD)).toBe("signed-in");
  });

  test("OIDC by configuration: configured: the provider is offered; not configured: it is not", async ({ page }) => {
    const withOidc = (await (await fetch(`${bases[1]}/api/auth/providers`)).json()) as Record<
      string,
      { name: string; type: string }
    >;
    expect(withOidc.oidc).toMatchObject({ name: "Acme SSO", type: "oidc" });
    const without = (await (await fetch(`${bases[0]}/api/auth/providers`)).json()) as Record<string, unknown>;
    expect(Object.keys(without)).toEqual(["credentials"]);
    await page.goto(`${bases[1]}/sign-in`);
    await expect(page.getByRole("button", { name: "Continue with Acme SSO" })).toBeVisible();
    await page.goto(`${bases[0]}/sign-in`);
    await expect(page.getByRole("button", { name: /Continue with/ })).toHaveCount(0);
  });
});
