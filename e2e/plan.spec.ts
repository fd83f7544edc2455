import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test.describe("plan page", () => {
  test("shows the active phase, what blocks its gate, the timeline and a chart per KPI", async ({ page }) => {
    await signIn(page, "releaseManager");
    await page
      .getByRole("link", { name: /One-page checkout/ })
      .first()
      .click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("One-page checkout");
    await expect(page.getByTestId("plan-traffic")).toHaveText("10%");

    const now = page.locator("#now");
    await expect(now).toContainText("Pilot");
    await expect(now).toContainText("Gate to Expanded");
    const blockers = page.getByTestId("gate-blockers");
    await expect(blockers).toContainText("1 of 2 approvals given");
    await expect(blockers).toContainText("Blocked: Performance within SLA");

    const timeline = page.getByTestId("phase-timeline");
    await expect(timeline.getByRole("img")).toHaveCount(4);
    await expect(timeline.getByRole("img").first()).toHaveAttribute("aria-label", /Internal, Passed/);

    const charts = page.getByTestId("kpi-chart");
    await expect(charts).toHaveCount(4);
    // Recharts draws one path per line: canary and baseline in every chart.
    for (const chart of await charts.all()) {
      await expect(chart.locator("path.recharts-line-curve")).toHaveCount(2);
    }
    const firstCurve = await charts.first().locator("path.recharts-line-curve").first().getAttribute("d");
    expect(firstCurve?.length ?? 0).toBeGreaterThan(200);
  });

  test("a rolled-back plan shows its incident against the rollback targets", async ({ page }) => {
    await signIn(page, "viewer");
    await page
      .getByRole("link", { name: /Rich push notifications/ })
      .first()
      .click();
    await expect(page.getByTestId("plan-traffic")).toHaveText("0%");
    const incident = page.getByTestId("incident");
    await expect(incident).toContainText("Send errors above 5% at 25% canary");
    await expect(incident).toContainText("Automatic rollback");
    await expect(incident.getByRole("row", { name: /Total/ })).toContainText("Within target");
  });

  test("its sections are deep links, and the section bar stays in reach on a phone", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, "engineer");
    await page
      .getByRole("link", { name: /One-page checkout/ })
      .first()
      .click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("One-page checkout");
    const planUrl = page.url().replace(/#.*$/, "");
    const bar = page.getByRole("navigation", { name: "Plan sections" });
    await expect(bar.getByRole("link")).toHaveText([
      "Overview",
      /^Checklists/,
      "KPIs and judgement",
      "Flags",
      "Planning",
      /^History/,
    ]);
    await expect(bar.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "location");

    // A link to a section opens the page there, below the bar.
    await page.goto(`${planUrl}#checklists`);
    const checklists = page.getByRole("heading", { level: 2, name: "Checklists" });
    await expect(checklists).toBeInViewport();
    await expect(bar.getByRole("link", { name: /^Checklists/ })).toHaveAttribute("aria-current", "location");
    const barBox = (await bar.boundingBox())!;
    expect(barBox.y).toBe(0);
    expect((await checklists.boundingBox())!.y).toBeGreaterThanOrEqual(barBox.height);

    // Far down the page the bar is still there, and takes the reader to another section.
    await bar.getByRole("link", { name: /^History/ }).click();
    await expect(page).toHaveURL(/#history$/);
    await expect(page.getByRole("heading", { level: 2, name: "Decisions" })).toBeInViewport();
    await expect(bar).toBeInViewport();
    await expect(bar.getByRole("link", { name: /^History/ })).toHaveAttribute("aria-current", "location");
    await bar.getByRole("link", { name: "KPIs and judgement" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "KPIs against thresholds" })).toBeInViewport();
  });

  test("an unknown plan is a clear 404", async ({ page }) => {
    await signIn(page, "viewer");
    const res = await page.goto("/plans/00000000-0000-4000-8000-000000000000");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await page.getByRole("link", { name: "Back to the portfolio" }).click();
    await expect(page.getByRole("heading", { name: "Releases" })).toBeVisible();
  });
});
