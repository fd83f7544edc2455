import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

// The weekly digest: read on its page, downloaded as Markdown, and scheduled by whoever may.

test.describe("weekly digest", () => {
  test("a release manager opens the project's digest, downloads it and schedules it", async ({ page }) => {
    await signIn(page, "releaseManager");
    await page.goto("/projects/checkout");
    await page.getByRole("link", { name: "Weekly digest" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /^Weekly digest: / })).toBeVisible();
    for (const section of ["What moved", "At risk", "Blocked", "Incidents", "Next 14 days"])
      await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
    await expect(page.getByText("One-page checkout").first()).toBeVisible();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("digest-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^phasegate-digest-checkout-\d{4}-\d{2}-\d{2}\.md$/);
    const markdown = await readFile((await download.path())!, "utf8");
    expect(markdown).toMatch(/^# Weekly digest: /);
    expect(markdown).toContain("## At risk");

    const form = page.getByRole("form", { name: "Digest schedule" });
    await form.getByLabel("Weekday").selectOption({ label: "Monday" });
    await form.getByLabel("Hour").selectOption({ label: "09:00" });
    await form.getByLabel("Time zone").fill("Mars/Olympus");
    await form.getByRole("button", { name: "Save schedule" }).click();
    await expect(form.getByText(/is not a time zone/).first()).toBeVisible();
    await form.getByLabel("Time zone").fill("Europe/Berlin");
    await form.getByRole("button", { name: "Save schedule" }).click();
    await expect(form.getByText("Digest scheduled: Mondays at 09:00 (Europe/Berlin).")).toBeVisible();
    await page.reload();
    await expect(page.getByText(/Sent Mondays at 09:00 \(Europe\/Berlin\); next on /)).toBeVisible();
  });

  test("the portfolio's digest is linked from the portfolio", async ({ page }) => {
    await signIn(page, "releaseManager");
    await page.getByRole("link", { name: "Weekly digest" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Weekly digest: portfolio" })).toBeVisible();
    // Only administrators schedule the portfolio's digest.
    await expect(page.getByRole("form", { name: "Digest schedule" })).toHaveCount(0);
  });

  test("a viewer reads the digest but has no schedule form", async ({ page }) => {
    await signIn(page, "viewer");
    await page.goto("/digest?project=checkout");
    await expect(page.getByRole("heading", { level: 1, name: /^Weekly digest: / })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "At risk" })).toBeVisible();
    await expect(page.getByTestId("digest-download")).toBeVisible();
    await expect(page.getByRole("form", { name: "Digest schedule" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Send every week" })).toHaveCount(0);
  });

  test("a project nobody may read is not found", async ({ page }) => {
    await signIn(page, "viewer");
    const response = await page.goto("/digest?project=no-such-project");
    expect(response?.status()).toBe(404);
  });
});
