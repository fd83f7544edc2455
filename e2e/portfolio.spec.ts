import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test.describe("portfolio", () => {
  test("lists every seeded release with its phase, traffic, health and next milestone", async ({ page }) => {
    await signIn(page, "viewer");
    await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
    const rows = page.getByTestId("plan-row");
    // Other specs create plans in the same database: check the four seeded ones by name.
    for (const name of [
      "One-page checkout",
      "Saved cards vault",
      "Rich push notifications",
      "Search backend migration",
    ]) {
      await expect(rows.filter({ hasText: name })).toHaveCount(1);
    }

    const pilot = rows.filter({ hasText: "One-page checkout" });
    await expect(pilot).toContainText("In progress");
    await expect(pilot).toContainText("Pilot");
    await expect(pilot).toContainText("Phase 2 of 4");
    await expect(pilot).toContainText("10%");
    await expect(pilot).toContainText("Degraded");
    await expect(pilot).toContainText("Go/no-go: Pilot → Expanded (25%)");

    await expect(rows.filter({ hasText: "Rich push notifications" })).toContainText("Rolled back");
    await expect(rows.filter({ hasText: "Rich push notifications" })).toContainText("Not live");
    await expect(rows.filter({ hasText: "Search backend migration" })).toContainText("Completed");
    await expect(rows.filter({ hasText: "Saved cards vault" })).toContainText("Scheduled");
  });

  test("on a phone each release is a card", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, "viewer");
    await expect(page.getByTestId("plan-card").filter({ hasText: "Rich push notifications" })).toHaveCount(1);
    expect(await page.getByTestId("plan-card").count()).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId("plan-row").first()).toBeHidden();
  });

  test("the theme switch works from the keyboard and is remembered", async ({ page }) => {
    await page.goto("/sign-in");
    const toggle = page.getByRole("button", { name: /Switch to (dark|light) theme/ });
    const wasDark = await page.evaluate(() => document.documentElement.classList.contains("dark"));
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect(page.locator("html")).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
    await page.reload();
    await expect(page.locator("html")).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  });
});
