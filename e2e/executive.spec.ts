import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

// An executive reads the portfolio at one glance: every release with its phase, traffic, health,
// next milestone and open blockers; filters by project and status; the releases-over-time chart;
// and no editing controls anywhere.

test("an executive reads the portfolio, filters it, and can change nothing", async ({ page }) => {
  await signIn(page, "viewer");
  await expect(page.getByRole("link", { name: "New plan" })).toHaveCount(0);
  const table = page.locator("table", { has: page.locator("caption", { hasText: "Every release" }) });
  const onePage = table.getByTestId("plan-row").filter({ hasText: "One-page checkout" });
  await expect(onePage).toContainText("Pilot");
  await expect(onePage).toContainText("10%");
  await expect(onePage.getByTestId("plan-blockers")).toContainText("approvals given");
  await expect(page.getByTestId("releases-chart")).toBeVisible();
  await expect(page.getByTestId("releases-chart").locator("table")).toContainText("Rolled back");

  const filters = page.getByRole("form", { name: "Filter releases" });
  await filters.getByLabel("Project").selectOption({ label: "Checkout" });
  await filters.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/project=checkout/);
  const names = await table.getByTestId("plan-row").locator("a").allTextContents();
  expect(names.length).toBeGreaterThan(0);
  for (const row of await table.getByTestId("plan-row").allTextContents()) expect(row).toContain("Checkout");

  await filters.getByLabel("Project").selectOption({ label: "Every project" });
  await filters.getByLabel("Status").selectOption("rolled_back");
  await filters.getByRole("button", { name: "Show" }).click();
  await expect(table.getByTestId("plan-row").filter({ hasText: "Rich push notifications" })).toBeVisible();
  for (const row of await table.getByTestId("plan-row").allTextContents()) expect(row).toContain("Rolled back");

  // The plan page for a viewer: the same facts, no controls.
  await page.getByRole("link", { name: "Clear filters" }).click();
  await table.getByRole("link", { name: /One-page checkout/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("One-page checkout");
  await expect(page.locator("#actions")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Kill switch|Sign off|Mark done|Record/ })).toHaveCount(0);
});
