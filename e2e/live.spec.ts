import { expect, type Page, test } from "@playwright/test";
import { createToken, signIn } from "./fixtures";

// The plan watches itself: samples pushed by a pipeline appear on the open chart without a reload,
// and a breached automatic trigger rolls the release back while the page is open.

test.setTimeout(120_000);

async function createRunningCanary(page: Page, name: string): Promise<string> {
  await page.getByRole("link", { name: "New plan" }).click();
  await page.getByLabel("Project").selectOption({ label: "Checkout" });
  await page.getByRole("radio", { name: /^Canary/ }).check();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Release version").fill("3.1.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByTestId("plan-traffic")).toHaveText("5%");
  return page.url().split("/plans/")[1]!.split(/[?#/]/)[0]!;
}

test("samples pushed through the API appear on the open chart without a reload", async ({ page, request }) => {
  await signIn(page, "releaseManager");
  const token = await createToken(page, "e2e metrics", ["metrics:write"]);
  await page.goto("/");
  const planId = await createRunningCanary(page, `Live chart ${Date.now().toString(36)}`);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const errorCard = page
    .locator("section", { has: page.getByRole("heading", { name: "KPIs against thresholds" }) })
    .locator("div", { hasText: /^Error rate/ })
    .first();
  await expect(page.getByTestId("kpi-chart")).toHaveCount(0);
  await expect(page.getByText("No samples yet").first()).toBeVisible();
  // A mark on the window: a reload would wipe it.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  // The chart is redrawn from its own query (one KPI's reading), not by re-rendering the page.
  const reading = page.waitForResponse(
    (r) => r.url().endsWith(`/plans/${planId}/kpis/error_rate`) && r.request().method() === "GET",
  );
  const now = Date.now();
  const pushedAt = Date.now();
  const res = await request.post("/api/v1/metrics", {
    headers: { authorization: `Bearer ${token}` },
    data: {
      plan: planId,
      // From now on, inside the phase that just started (earlier data would be history and refused;
      // a pipeline's clock may run a little ahead).
      samples: Array.from({ length: 6 }, (_, i) => ({
        metric: "error_rate",
        ts: now + i * 100,
        value: 0.4 + i * 0.05,
      })),
    },
  });
  expect(res.status()).toBe(200);
  expect((await reading).status()).toBe(200);
  await expect(page.getByTestId("kpi-chart")).toHaveCount(1, { timeout: 5_000 });
  const latency = Date.now() - pushedAt;
  console.log(`live chart: samples on screen ${latency} ms after the API answered`);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await expect(errorCard).toBeVisible();
});

test("a trigger breach rolls the plan back while the page is open, and the page shows the incident", async ({
  page,
  request,
}) => {
  await signIn(page, "releaseManager");
  const token = await createToken(page, "e2e metrics", ["metrics:write"]);
  await page.goto("/");
  const name = `Breach ${Date.now().toString(36)}`;
  const planId = await createRunningCanary(page, name);

  // A trigger that acts on the first bad sample, added in the plan editor.
  await page.goto(`/plans/${planId}/edit`);
  await page.locator("summary", { hasText: "Add a rollback trigger" }).click();
  const form = page.getByRole("form", { name: "Add a rollback trigger" });
  await form.getByLabel("KPI watched").selectOption({ label: "Error rate (%)" });
  await form.getByLabel("Rule").selectOption("absolute");
  await form.getByLabel("Comparison").selectOption("gt");
  await form.getByLabel("Value").fill("8");
  await form.getByLabel("Held for (min)").fill("0");
  await form.getByLabel("When it holds").selectOption("automatic_rollback");
  await form.getByLabel("Description").fill("Error rate spike over 8%");
  await form.getByRole("button", { name: "Add trigger" }).click();
  await expect(page.getByText("Error rate spike over 8%").first()).toBeVisible();

  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("trigger-row").filter({ hasText: "Error rate spike over 8%" })).toBeVisible();
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  const res = await request.post("/api/v1/metrics", {
    headers: { authorization: `Bearer ${token}` },
    data: { plan: planId, samples: [{ metric: "error_rate", value: 12.5 }] },
  });
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { triggersFired: string[] }).triggersFired).toEqual(["Error rate spike over 8%"]);

  // Without a reload: the plan is rolled back, traffic is 0%, and the incident names its trigger.
  await expect(page.getByTestId("plan-traffic")).toHaveText("0%", { timeout: 5_000 });
  await expect(page.getByText("Rolled back").first()).toBeVisible();
  const incidents = page.locator("#incidents");
  await expect(incidents).toContainText("Error rate spike over 8% in Canary 5%");
  await expect(incidents).toContainText(/automatic/i);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});
