import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

// An executive reads the milestone roadmap and the delivery metrics, on a laptop and on a phone:
// plans on one axis with today's line and why a milestone is at risk, zoom and filters that are
// plain links and forms (shareable addresses), charts with their definitions and figures from the
// demo's twelve weeks of history, and nothing to edit anywhere.

const VIEWPORTS = {
  laptop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

const EDITS = /New plan|Edit|Delete|Remove|Record|Approve|Sign off|Kill switch|Go\b|Roll back|Save/;

async function expectReadOnly(page: Page) {
  await expect(page.getByRole("link", { name: "New plan" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: EDITS })).toHaveCount(0);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  test.describe(`on a ${device}`, () => {
    test.use({ viewport });

    test("an executive reads the roadmap, zooms out and filters it", async ({ page }) => {
      await signIn(page, "viewer");
      if (device === "laptop") {
        await expect(
          page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Roadmap" }),
        ).toBeVisible();
      }
      await page.getByTestId("portfolio-views").getByRole("link", { name: "Milestone roadmap" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Milestone roadmap" })).toBeVisible();
      await expect(page).toHaveTitle(/Roadmap/);

      const chart = page.getByTestId("roadmap-chart");
      await expect(chart).toHaveAttribute("data-zoom", "weeks");
      await expect(page.getByRole("region", { name: /Roadmap by weeks/ })).toBeVisible();
      const plans = chart.getByTestId("roadmap-plan");
      await expect(plans.filter({ hasText: "One-page checkout" })).toHaveCount(1);
      await expect(plans.filter({ hasText: "Saved cards vault" })).toHaveCount(1);
      await expect(chart.getByTestId("roadmap-planned").first()).toBeVisible();
      await expect(chart.getByTestId("roadmap-actual").first()).toBeVisible();
      await expect(chart.getByTestId("roadmap-today").first()).toBeVisible();
      await expect(chart.getByRole("region").getByText("Today", { exact: true })).toBeAttached();
      // Each bar row is described in words for a screen reader.
      await expect(plans.filter({ hasText: "One-page checkout" }).getByRole("img")).toHaveAttribute(
        "aria-label",
        /One-page checkout .*Pilot \(10%\): planned .*; actual /,
      );

      // The running pilot's KPIs are past their alert threshold: at risk, and why.
      const pilot = plans.filter({ hasText: "One-page checkout" });
      await expect(pilot.getByTestId("roadmap-reason")).toHaveText(/\w+ \w+/);
      const milestones = page.getByTestId("roadmap-milestones");
      await expect(milestones.getByRole("row").filter({ hasText: "One-page checkout" })).toContainText(/At risk|Late/);
      await expect(page.getByTestId("roadmap-summary")).toContainText(/plans? outside this window/);
      await expectReadOnly(page);

      // Quarters: a longer axis, labelled by quarter, holding at least as many plans.
      const inWeeks = await plans.count();
      await page.getByRole("navigation", { name: "Zoom" }).getByRole("link", { name: "Quarters" }).click();
      await expect(page).toHaveURL(/zoom=quarters/);
      await expect(chart).toHaveAttribute("data-zoom", "quarters");
      await expect(page.getByRole("region", { name: /Roadmap by quarters/ })).toBeVisible();
      await expect(chart.getByText(/^Q[1-4] \d{4}$/).first()).toBeAttached();
      expect(await plans.count()).toBeGreaterThanOrEqual(inWeeks);
      await expect(
        page.getByRole("navigation", { name: "Zoom" }).getByRole("link", { name: "Quarters" }),
      ).toHaveAttribute("aria-current", "page");

      // One project, keeping the zoom: a shareable address.
      const filters = page.getByRole("form", { name: "Filter the roadmap" });
      await filters.getByLabel("Project").selectOption({ label: "Search API" });
      await filters.getByRole("button", { name: "Show" }).click();
      await expect(page).toHaveURL(/project=search-api/);
      await expect(page).toHaveURL(/zoom=quarters/);
      await expect(plans.first()).toBeVisible();
      await expect(chart.getByRole("heading", { level: 3 })).toHaveText(["Search API"]);
      await expect(plans.filter({ hasText: "One-page checkout" })).toHaveCount(0);

      // At risk or late only: every plan left says why.
      await filters.getByLabel("Project").selectOption({ label: "Every project" });
      await filters.getByLabel("At risk or late only").check();
      await filters.getByRole("button", { name: "Show" }).click();
      await expect(page).toHaveURL(/risk=1/);
      await expect(plans.filter({ hasText: "One-page checkout" })).toHaveCount(1);
      const shown = await plans.count();
      expect(shown).toBeGreaterThan(0);
      await expect(chart.getByTestId("roadmap-reason")).toHaveCount(shown);
      await expect(plans.filter({ hasText: "Search backend migration" })).toHaveCount(0);
      await expectReadOnly(page);
    });

    test("an executive reads the delivery metrics with their definitions", async ({ page }) => {
      await signIn(page, "viewer");
      await page.getByTestId("portfolio-views").getByRole("link", { name: "Delivery metrics" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Delivery metrics" })).toBeVisible();
      await expect(page).toHaveTitle(/Delivery metrics/);

      for (const id of ["releases", "lead-time", "change-failure", "restore", "rollback-targets"]) {
        const figure = page.getByTestId(`delivery-${id}`);
        await expect(figure).toBeVisible();
        await expect(figure.getByRole("heading", { level: 2 })).toBeVisible();
        await expect(figure.getByTestId("delivery-definition")).toHaveText(/\w.{30,}/);
        // The chart draws once its library loaded; the table holds the same figures from the start.
        await expect(figure.locator(".recharts-surface").first()).toBeVisible();
        await expect(figure.locator("table caption")).toBeAttached();
      }
      // The demo's history: releases completed, some rolled back, rollbacks restored and timed.
      await expect(page.getByTestId("delivery-releases").getByTestId("delivery-headline")).toContainText(
        /[1-9]\d* completed/,
      );
      await expect(page.getByTestId("delivery-lead-time").getByTestId("delivery-headline")).toContainText(
        /Median \d+(\.\d+)? (min|h|days)/,
      );
      await expect(page.getByTestId("delivery-change-failure").getByTestId("delivery-headline")).toContainText(
        /[1-9]\d* of [1-9]\d* rolled back/,
      );
      await expect(page.getByTestId("delivery-restore").getByTestId("delivery-headline")).toContainText(
        /Median \d+(\.\d+)? (min|h)/,
      );
      await expect(page.getByTestId("delivery-rollback-targets").getByTestId("delivery-headline")).toContainText(
        /Total \d+ of [1-9]\d*/,
      );

      const dora = page.getByTestId("dora-differences");
      await dora.getByText("How this differs from DORA").click();
      await expect(dora).toContainText("DORA's deployment frequency");
      await expectReadOnly(page);

      // One project over four weeks: a shareable address.
      const form = page.getByRole("form", { name: "Choose the project and the period" });
      await form.getByLabel("Project").selectOption({ label: "Checkout" });
      await form.getByLabel("Period").selectOption("4");
      await form.getByRole("button", { name: "Show" }).click();
      await expect(page).toHaveURL(/project=checkout/);
      await expect(page).toHaveURL(/weeks=4/);
      await expect(page.getByText(/for Checkout: the 4 weeks from/)).toBeVisible();
      await expect(page.getByTestId("delivery-releases")).toBeVisible();
      await expectReadOnly(page);
    });
  });
}
