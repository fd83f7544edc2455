import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

// The release manager's core workflow, end to end, with an approver and an executive watching.

async function tickAll(page: Page, listTitle: string) {
  const list = page.locator("details", { hasText: listTitle }).first();
  await list.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  for (;;) {
    const button = list.getByRole("button", { name: /^Mark done:/ }).first();
    if ((await button.count()) === 0) break;
    const name = (await button.getAttribute("aria-label"))!;
    await button.click();
    await expect(list.getByRole("button", { name, exact: true })).toHaveCount(0);
    await list.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  }
  await expect(list.locator("summary")).toContainText("settled");
}

test.setTimeout(120_000);

test("create from the staged template, start, approve, advance Internal → Pilot, blocked gate explains itself, no-go; the executive sees it", async ({
  browser,
}) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  await rm.getByRole("link", { name: "New plan" }).click();
  await rm.getByLabel("Project").selectOption({ label: "Checkout" });
  await rm.getByRole("radio", { name: /Four-stage staged rollout/ }).check();
  const name = `Wishlist sharing ${Date.now().toString(36)}`;
  await rm.getByLabel("Name").fill(name);
  await rm.getByLabel("Release version").fill("1.0.0");
  await rm.getByRole("button", { name: "Create plan" }).click();
  await expect(rm.getByRole("heading", { level: 1 })).toContainText(name);
  const planUrl = rm.url();
  await expect(rm.getByTestId("phase-timeline").getByRole("img")).toHaveCount(4);

  await rm.getByRole("button", { name: "Start rollout" }).click();
  await expect(rm.getByTestId("plan-traffic")).toHaveText("1%");
  await expect(rm.getByRole("button", { name: "Pause" })).toBeVisible();

  // The gate of Internal explains itself.
  const blockers = rm.getByTestId("gate-blockers");
  await expect(blockers).toContainText("0 of 1 approvals given");
  await expect(blockers).toContainText("Internal go/no-go: 4 required items not done");

  // A go now is refused with the same reasons.
  await rm.getByRole("radio", { name: /^Go/ }).check();
  await rm.getByLabel("Rationale").fill("Trying early");
  await rm.getByRole("button", { name: "Record go" }).click();
  await expect(rm.getByRole("alert").filter({ hasText: "The gate does not hold" })).toContainText(
    "0 of 1 approvals given",
  );

  // An engineer ticks the items; the approver signs and approves.
  const engineer = await (await browser.newContext()).newPage();
  await signIn(engineer, "engineer");
  await engineer.goto(planUrl);
  await tickAll(engineer, "Internal go/no-go");

  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, "approver");
  await approver.goto(planUrl);
  const internalList = approver.locator("details", { hasText: "Internal go/no-go" }).first();
  await internalList.getByRole("button", { name: "Sign off as approver" }).click();
  await expect(internalList.locator("summary")).toContainText("4/4 settled");
  await expect(approver.locator("#now")).not.toContainText("sign-off missing");
  await approver.getByRole("button", { name: /^Approve Internal → Pilot/ }).click();
  await expect(approver.locator("#now")).toContainText("Adi Nugroho");
  await expect(approver.getByRole("button", { name: /^Approve Internal/ })).toHaveCount(0);

  // Back to the release manager: the open page has caught up by itself (no reload), so the go is
  // decided on what the approver just did. (A decision on a stale version is refused with 409:
  // tests/integration/decisions.test.ts.)
  await expect(rm.locator("#now")).toContainText("Nothing blocks this gate.");
  await expect(rm.locator("#now")).toContainText("Adi Nugroho");
  await rm.getByRole("radio", { name: /^Go/ }).check();
  await rm.getByLabel("Rationale").fill("Internal is clean; approved by Adi");
  await rm.getByRole("button", { name: "Record go" }).click();
  await expect(rm.getByText("Go recorded: the plan advanced.")).toBeVisible();
  await expect(rm.getByTestId("plan-traffic")).toHaveText("10%");
  await expect(rm.locator("#now")).toContainText("Pilot");

  // Pilot's gate is blocked and says why, criteria included; the release manager records a no-go.
  await expect(blockers).toContainText("0 of 2 approvals given");
  await expect(blockers).toContainText("Success criterion not met: Error rate < 1% for 3 days");
  await rm.getByRole("radio", { name: /^No-go/ }).check();
  await rm.getByLabel("Rationale").fill("Pilot support load too high this week");
  await rm.getByRole("button", { name: "Record no-go" }).click();
  await expect(rm.getByText("No-go recorded: the phase stays.")).toBeVisible();
  await expect(rm.locator("#decisions")).toContainText("Pilot support load too high this week");

  // The executive sees the plan moved, on the portfolio and the timeline, and no controls.
  const exec = await (await browser.newContext()).newPage();
  await signIn(exec, "viewer");
  const row = exec.getByTestId("plan-row").filter({ hasText: name });
  await expect(row).toContainText("Pilot");
  await expect(row).toContainText("10%");
  await row.getByRole("link", { name: new RegExp(name) }).click();
  await expect(exec.getByTestId("phase-timeline").getByRole("img").first()).toHaveAttribute(
    "aria-label",
    /Internal, Passed/,
  );
  await expect(exec.getByTestId("phase-timeline").getByRole("img").nth(1)).toHaveAttribute(
    "aria-label",
    /Pilot, Active/,
  );
  await expect(exec.locator("#actions")).toHaveCount(0);
  await expect(exec.getByRole("button", { name: /Mark done/ })).toHaveCount(0);

  // Every decision is in the audit trail.
  await rm.getByTestId("plan-audit-link").click();
  await rm.getByLabel("Action starts with").fill("decision.");
  await rm.getByRole("button", { name: "Filter" }).click();
  await expect(rm.getByTestId("audit-row")).toHaveCount(2);
});

test("a phase set to advance by itself waits for its gate, then advances while the page is open", async ({
  browser,
}) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  await rm.goto("/plans/new");
  await rm.getByLabel("Project").selectOption({ label: "Checkout" });
  await rm.getByRole("radio", { name: /Four-stage staged rollout/ }).check();
  const name = `Guarded wishlist ${Date.now().toString(36)}`;
  await rm.getByLabel("Name").fill(name);
  await rm.getByLabel("Release version").fill("1.1.0");
  await rm.getByRole("button", { name: "Create plan" }).click();
  await expect(rm.getByRole("heading", { level: 1 })).toContainText(name);
  const planUrl = rm.url();

  // Internal is handed to the guard before the start, with no minimum duration.
  await rm.getByRole("link", { name: "Edit plan and phases" }).click();
  const internal = rm.getByTestId("edit-phase").first();
  await internal.getByLabel("Minimum duration (min)").fill("0");
  await internal.getByLabel("Advance by itself").check();
  await internal.getByRole("button", { name: "Save Internal" }).click();
  await expect(internal.getByText("Phase saved.")).toBeVisible();
  await rm.goto(planUrl);
  const auto = rm.getByTestId("auto-advance");
  await expect(auto).toHaveAttribute("data-on", "true");
  await expect(auto).toContainText("Advances by itself");
  await expect(auto).toContainText("once it is the active phase");

  await rm.getByRole("button", { name: "Start rollout" }).click();
  await expect(rm.getByTestId("plan-traffic")).toHaveText("1%");
  // It says what it waits for; switching it off and on again is one click each.
  await expect(auto).toContainText("as soon as the gate holds; still open: 0 of 1 approvals given");
  await auto.getByRole("button", { name: "Wait for a go decision instead" }).click();
  await expect(auto).toHaveAttribute("data-on", "false");
  await auto.getByRole("button", { name: "Let it advance by itself" }).click();
  await expect(auto).toHaveAttribute("data-on", "true");

  // The engineer ticks, the approver signs and approves; nobody records a go.
  const engineer = await (await browser.newContext()).newPage();
  await signIn(engineer, "engineer");
  await engineer.goto(planUrl);
  await tickAll(engineer, "Internal go/no-go");
  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, "approver");
  await approver.goto(planUrl);
  const internalList = approver.locator("details", { hasText: "Internal go/no-go" }).first();
  await internalList.getByRole("button", { name: "Sign off as approver" }).click();
  await expect(internalList.locator("summary")).toContainText("4/4 settled");
  await approver.getByRole("button", { name: /^Approve Internal → Pilot/ }).click();

  // The timer records the go as the system; the release manager's open page follows by itself.
  await expect(rm.getByTestId("plan-traffic")).toHaveText("10%", { timeout: 20_000 });
  await expect(rm.locator("#now")).toContainText("Pilot");
  await expect(rm.locator("#decisions")).toContainText("Advanced by itself: Internal ran for");
  // Pilot was not handed to the guard: it waits for a person.
  await expect(rm.getByTestId("auto-advance")).toHaveAttribute("data-on", "false");
});

test("a release manager edits future phases; history stays put; bad input names the field", async ({ page }) => {
  await signIn(page, "releaseManager");
  await page.goto("/plans/new");
  await page.getByRole("radio", { name: /^Canary/ }).check();
  const name = `Search ranking ${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Release version").fill("5.0.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("link", { name: "Edit plan and phases" }).click();

  const phases = page.getByTestId("edit-phase");
  await expect(phases).toHaveCount(4);
  const second = phases.nth(1);
  await second.getByLabel("Traffic %").fill("150");
  await second.getByRole("button", { name: "Save Canary 25%" }).click();
  await expect(second.getByText("Traffic is between 0 and 100%", { exact: true })).toBeVisible();
  await second.getByLabel("Traffic %").fill("20");
  await second.getByLabel("Name").fill("Canary 20%");
  await second.getByRole("button", { name: "Save Canary 25%" }).click();
  await expect(phases.nth(1)).toContainText("2. Canary 20%");

  await phases.nth(2).getByRole("button", { name: "Remove Canary 75%" }).click();
  await expect(phases).toHaveCount(3);

  const add = page.getByRole("form", { name: "Add a phase" });
  await add.getByLabel("Name").fill("Soak");
  await add.getByLabel("Traffic %").fill("100");
  await add.getByLabel("Audience").fill("Everyone, watched for a week");
  await add.getByRole("button", { name: "Add phase at the end" }).click();
  await expect(phases).toHaveCount(4);
  await expect(phases.nth(3)).toContainText("4. Soak");

  // Once started, the first phase is history: no form for it any more.
  await page.getByRole("link", { name }).click();
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByTestId("plan-traffic")).toHaveText("5%");
  await page.getByRole("link", { name: "Edit plan and phases" }).click();
  await expect(phases.first()).toContainText("Active");
  await expect(phases.first().getByRole("form")).toHaveCount(0);
  await expect(phases.nth(1).getByRole("button", { name: "Move up" })).toHaveCount(0);
});
