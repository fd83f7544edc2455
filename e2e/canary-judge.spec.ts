import { expect, type Page, test } from "@playwright/test";
import { createToken, signIn } from "./fixtures";

// The canary judge as people see it: the demo's Pilot judged canary against baseline, and a
// "canary worse than baseline" trigger set up in the editor that rolls a release back on a real
// regression pushed as counts, its incident keeping the judgement.

test.setTimeout(120_000);

async function createRunningCanary(page: Page, name: string): Promise<string> {
  await page.goto("/");
  await page.getByRole("link", { name: "New plan" }).click();
  await page.getByLabel("Project").selectOption({ label: "Checkout" });
  await page.getByRole("radio", { name: /^Canary/ }).check();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Release version").fill("3.2.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByTestId("plan-traffic")).toHaveText("5%");
  return page.url().split("/plans/")[1]!.split(/[?#/]/)[0]!;
}

test("the demo's Pilot shows the judge's Pass verdict, both cohorts and the effect over time", async ({ page }) => {
  await signIn(page, "viewer");
  await page
    .getByRole("link", { name: /One-page checkout/ })
    .first()
    .click();
  const panel = page.getByTestId("canary-panel");
  await expect(panel).toContainText("Canary against baseline · Pilot");

  const kpi = panel.getByTestId("canary-kpi-error_rate");
  const verdict = kpi.getByTestId("canary-verdict-error_rate");
  await expect(verdict).toHaveText("Pass");
  await expect(verdict).toHaveAttribute("data-verdict", "pass");
  // The judge's sentence, and both cohorts as rates of requests.
  await expect(kpi).toContainText(
    /Error rate is .* on the canary \(95% interval [\d.]+–[\d.]+×\): within the 1\.25× tolerated/,
  );
  await expect(kpi.getByRole("definition")).toHaveCount(2);
  for (const cohort of await kpi.getByRole("definition").all())
    await expect(cohort).toContainText(/[\d,]+ of [\d,]+ requests/);

  const chart = kpi.getByTestId("effect-chart-error_rate");
  await expect(chart).toHaveAttribute("role", "img");
  await expect(chart).toHaveAttribute(
    "aria-label",
    /canary ÷ baseline over the phase.*pass.*fails above 1\.1× and passes below 1\.25×/i,
  );
  // The estimate as a line over its interval band, against no difference, the fail line and the pass line.
  await expect(chart.locator("path.recharts-line-curve")).toHaveCount(1);
  await expect(chart.locator("path.recharts-area-area")).toHaveCount(1);
  await expect(chart.locator(".recharts-reference-line")).toHaveCount(3);
  await expect(chart).toContainText("rolls back above 1.1×");
  await expect(chart).toContainText("passes below 1.25×");
});

test("a canary-worse trigger made in the editor rolls back a real regression, and its incident shows the judgement", async ({
  page,
  request,
}) => {
  await signIn(page, "releaseManager");
  const token = await createToken(page, "e2e judge", ["metrics:write"]);
  const planId = await createRunningCanary(page, `Judged ${Date.now().toString(36)}`);

  await page.goto(`/plans/${planId}/edit`);
  await page.locator("summary", { hasText: "Add a rollback trigger" }).click();
  const form = page.getByRole("form", { name: "Add a rollback trigger" });
  await form.getByLabel("KPI watched").selectOption({ label: "Error rate (%)" });
  await expect(form.getByLabel("Method")).toBeHidden();
  await form.getByLabel("Rule").selectOption("canary_worse");
  // The judge's settings replace the threshold, each explained in one line, blanks for the defaults.
  await expect(form.getByLabel("Value")).toBeHidden();
  await expect(form.getByLabel("Method")).toHaveValue("sequential");
  await expect(form.getByLabel("Minimum sample per cohort")).toHaveAttribute("placeholder", "150 (default)");
  await expect(form.getByText(/How often a healthy canary may be judged worse by chance/)).toBeVisible();
  await form.getByLabel("When it holds").selectOption("automatic_rollback");

  // A refused setting is named by its field, and the form keeps what was chosen.
  await form.getByLabel("False-alarm rate (%)").fill("50");
  await form.getByRole("button", { name: "Add trigger" }).click();
  const alpha = form.getByLabel("False-alarm rate (%)");
  await expect(alpha).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("Use a false-alarm rate of at most 20%", { exact: true })).toBeVisible();
  await expect(form.getByLabel("Rule")).toHaveValue("canary_worse");
  await expect(form.getByLabel("When it holds")).toHaveValue("automatic_rollback");
  await expect(form.getByLabel("Method")).toBeVisible();

  await alpha.fill("");
  await form.getByRole("button", { name: "Add trigger" }).click();
  const described = "Error rate worse on the canary than the baseline (sequential test)";
  await expect(page.getByTestId("edit-trigger").filter({ hasText: described })).toContainText(
    "sequential test, 5% false alarms, ≥ 150 per cohort, fails above 1.1×, passes below 1.25×",
  );

  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const kpi = page.getByTestId("canary-kpi-error_rate");
  await expect(kpi.getByTestId("canary-verdict-error_rate")).toHaveAttribute("data-verdict", "not_enough_data");
  await expect(kpi.getByTestId("effect-empty-error_rate")).toContainText("No samples from both cohorts");

  // One minute of a pipeline's counts: 4% errors on the canary against 1% on the baseline.
  const res = await request.post("/api/v1/metrics", {
    headers: { authorization: `Bearer ${token}` },
    data: {
      plan: planId,
      samples: [
        { metric: "error_rate", cohort: "canary", numerator: 160, denominator: 4_000 },
        { metric: "error_rate", cohort: "baseline", numerator: 360, denominator: 36_000 },
      ],
    },
  });
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { triggersFired: string[] }).triggersFired).toEqual([described]);

  // Without a reload: rolled back, and the incident keeps the judgement that did it.
  await expect(page.getByTestId("plan-traffic")).toHaveText("0%", { timeout: 20_000 });
  const judgement = page.locator("#incidents").getByTestId("incident-judgement");
  await expect(judgement).toContainText("Fail");
  await expect(judgement).toContainText(
    /Error rate is [\d.]+× higher on the canary \(95% interval [\d.]+–[\d.]+×\); rolls back above 1\.1×/,
  );
  await expect(judgement).toContainText("canary 4,000 · baseline 36,000");
  // The panel keeps the phase's judgement as it stood at its end.
  await expect(kpi.getByTestId("canary-verdict-error_rate")).toHaveAttribute("data-verdict", "fail");
  await expect(kpi.getByTestId("effect-chart-error_rate")).toBeVisible();
});
