import { type ChildProcess, execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { type Client, OpenFeature } from "@openfeature/server-sdk";
import { type Client as WebClient, OpenFeature as WebFeature } from "@openfeature/web-sdk";
import { expect, type Page, test } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../tests/support/test-db";
import { stopProcess } from "../tests/support/processes";
import { DEMO_PASSWORD, E2E_AUTH_SECRET, people } from "./fixtures";

// The unmodified OpenFeature server SDK with its OFREP provider against the production app and
// an edge evaluator (`npm run edge`) on one PostgreSQL database with the demo loaded. A release
// manager creates a string flag and pulls the kill switch in the browser; a rollback recorded
// through the API is a phase change. Both servers answer alike, and both see each change within
// a second.

const appPort = Number(process.env.E2E_FLAGS_APP_PORT ?? 3212);
const edgePort = Number(process.env.E2E_FLAGS_EDGE_PORT ?? 3213);
const app = `http://127.0.0.1:${appPort}`;
const edgeUrl = `http://127.0.0.1:${edgePort}`;
const run = promisify(execFile);
const tsx = path.join(process.cwd(), "node_modules", ".bin", "tsx");

test.describe("OpenFeature clients against the app and the edge evaluator", () => {
  test.skip(
    !process.env.TEST_DATABASE_URL,
    "needs TEST_DATABASE_URL: the app and the edge evaluator share a PostgreSQL database",
  );
  test.setTimeout(180_000);

  let db: TestDatabase;
  const processes: ChildProcess[] = [];
  let token = "";
  const clients: Record<"app" | "edge", Client> = {} as Record<"app" | "edge", Client>;
  // Browser-side clients: the web SDK reads every flag at once (bulk evaluation) and polls with ETags.
  const webClients: Record<"app" | "edge", WebClient> = {} as Record<"app" | "edge", WebClient>;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    db = await createTestDatabase("postgres", { migrate: false });
    const env = { ...process.env, DATABASE_URL: db.url!, NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET: E2E_AUTH_SECRET };
    processes.push(
      spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(appPort)], {
        env: { ...env, PHASEGATE_DEMO_SEED: "1" },
        stdio: "ignore",
      }),
    );
    // The demo is loaded once the sign-in page answers after startup.
    await expect
      .poll(async () => (await fetch(`${app}/api/health`).catch(() => null))?.status ?? 0, { timeout: 90_000 })
      .toBe(200);
    processes.push(
      spawn(tsx, ["scripts/edge.ts"], {
        env: { ...env, EDGE_PORT: String(edgePort), EDGE_HOST: "127.0.0.1" },
        stdio: "ignore",
      }),
    );
    await expect
      .poll(async () => (await fetch(`${edgeUrl}/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
      .toBe(200);
    const issued = await run(
      tsx,
      [
        "scripts/token.ts",
        "--project",
        "checkout",
        "--scopes",
        "flags:evaluate,plans:read,decisions:write",
        "--name",
        "openfeature e2e",
      ],
      { env },
    );
    token = /pgt_[A-Za-z0-9_-]{43}/.exec(issued.stdout)![0];
    for (const [name, baseUrl] of [
      ["app", app],
      ["edge", edgeUrl],
    ] as const) {
      await OpenFeature.setProviderAndWait(
        name,
        new OFREPProvider({ baseUrl, headers: { Authorization: `Bearer ${token}` } }),
      );
      clients[name] = OpenFeature.getClient(name);
      await WebFeature.setContext(name, { targetingKey: "rina" });
      await WebFeature.setProviderAndWait(
        name,
        new OFREPWebProvider({
          baseUrl,
          headers: [["Authorization", `Bearer ${token}`]],
          pollInterval: 100,
          cacheMode: "disabled",
          changeDetection: "polling",
        }),
      );
      webClients[name] = WebFeature.getClient(name);
    }
  });

  test.afterAll(async () => {
    await OpenFeature.clearProviders();
    await WebFeature.clearProviders();
    // Wait for both to exit before the database they hold is dropped.
    await Promise.all(processes.map((p) => stopProcess(p)));
    await db?.drop();
  });

  async function signIn(page: Page) {
    await page.goto(`${app}/sign-in`);
    await page.getByLabel("Email").fill(people.releaseManager);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  }

  /** Both servers give this answer within `ms` of now. */
  async function bothWithin(ms: number, check: (c: Client) => Promise<unknown>, expected: unknown) {
    const started = Date.now();
    for (const name of ["app", "edge"] as const) {
      await expect
        .poll(() => check(clients[name]), { timeout: ms, intervals: [20], message: `${name} within ${ms} ms` })
        .toEqual(expected);
    }
    return Date.now() - started;
  }

  test("targeting, a string flag, a kill switch and a phase change, seen alike by both servers", async ({ page }) => {
    const onePage = (c: Client, targetingKey: string, region?: string) =>
      c.getBooleanDetails("checkout.one-page", false, { targetingKey, ...(region ? { region } : {}) });
    for (const name of ["app", "edge"] as const) {
      const c = clients[name];
      expect(await onePage(c, "rina")).toMatchObject({
        value: true,
        reason: "TARGETING_MATCH",
        flagMetadata: { segment: "internal-team", phase: "Pilot" },
      });
      expect(await onePage(c, "shopper-1", "Medan")).toMatchObject({
        value: false,
        reason: "TARGETING_MATCH",
        flagMetadata: { segment: "outside-pilot-regions" },
      });
      expect(await onePage(c, "shopper-1", "Jakarta")).toMatchObject({
        reason: "SPLIT",
        flagMetadata: { rolloutPercent: 10 },
      });
      expect(await c.getBooleanDetails("no.such.flag", true, { targetingKey: "x" })).toMatchObject({
        value: true,
        errorCode: "FLAG_NOT_FOUND",
      });
      expect(webClients[name].getBooleanDetails("checkout.one-page", false)).toMatchObject({
        value: true,
        reason: "TARGETING_MATCH",
      });
      expect(webClients[name].getBooleanDetails("no.such.flag", true)).toMatchObject({
        value: true,
        errorCode: "FLAG_NOT_FOUND",
      });
    }
    // The same person gets the same answer from either server.
    for (let i = 0; i < 50; i++) {
      expect((await onePage(clients.app, `shopper-${i}`, "Jakarta")).value).toBe(
        (await onePage(clients.edge, `shopper-${i}`, "Jakarta")).value,
      );
    }

    // A string flag created in the browser, set by hand to 100%.
    await signIn(page);
    await page.goto(`${app}/projects/checkout`);
    const form = page.getByRole("form", { name: "New feature flag" });
    await form.getByLabel("Key").fill("checkout.button-text");
    await form.getByLabel("Type").selectOption("string");
    await form.getByLabel("Variants").fill("old = Pay now\nnew = Place order");
    await form.getByLabel("Default variant").fill("old");
    await form.getByLabel("Rollout variant").fill("new");
    await form.getByLabel("Share set by hand (%)").fill("100");
    await form.getByRole("button", { name: "Create flag" }).click();
    const elapsed = await bothWithin(
      1_000,
      async (c) => (await c.getStringDetails("checkout.button-text", "?", { targetingKey: "anyone" })).value,
      "Place order",
    );
    console.log(`openfeature: a new flag served by app and edge ${elapsed} ms after the form answered`);

    // The kill switch, pulled on the plan page.
    await page.goto(`${app}/`);
    await page
      .getByRole("link", { name: /One-page checkout/ })
      .first()
      .click();
    const kill = page.getByTestId("kill-switch").first();
    await kill.locator("summary").click();
    await kill.getByLabel("Why switch it off?").fill("Payment errors in the pilot");
    await kill.getByRole("button", { name: /Kill switch: serve off to everyone/ }).click();
    await expect(page.getByText("Killed").first()).toBeVisible();
    const killed = await bothWithin(1_000, async (c) => (await onePage(c, "rina")).reason, "DISABLED");
    console.log(`openfeature: kill switch seen by app and edge within ${killed} ms`);
    // The web clients' next poll brings the change (a 304 until then).
    for (const name of ["app", "edge"] as const) {
      await expect
        .poll(() => webClients[name].getBooleanDetails("checkout.one-page", true).reason, {
          timeout: 2_000,
          message: `web client on ${name}`,
        })
        .toBe("DISABLED");
    }
    const back = page.getByTestId("kill-switch").first();
    // The same disclosure, now offering to turn the flag back on; it may still be open.
    await back.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await back.getByRole("button", { name: /turn .* back on/i }).click();
    await bothWithin(1_000, async (c) => (await onePage(c, "rina")).reason, "TARGETING_MATCH");

    // A phase change: the plan is rolled back through the API, so the rollout share drops to 0%.
    const auth = { authorization: `Bearer ${token}` };
    const plans = (await (await fetch(`${app}/api/v1/plans`, { headers: auth })).json()) as {
      plans: { id: string; name: string }[];
    };
    const planId = plans.plans.find((p) => p.name === "One-page checkout")!.id;
    const plan = (await (await fetch(`${app}/api/v1/plans/${planId}/status`, { headers: auth })).json()) as {
      id: string;
      version: number;
    };
    const decided = await fetch(`${app}/api/v1/plans/${planId}/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ kind: "rollback", rationale: "OpenFeature e2e: payment errors", version: plan.version }),
    });
    expect(decided.status).toBe(200);
    const rolledBack = await bothWithin(
      1_000,
      async (c) => {
        const d = await onePage(c, "shopper-1", "Jakarta");
        return [d.value, d.reason, d.flagMetadata.rolloutPercent];
      },
      [false, "STATIC", 0],
    );
    console.log(`openfeature: rollback seen by app and edge within ${rolledBack} ms`);
  });
});
