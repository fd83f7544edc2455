import { expect, type Page, test } from "@playwright/test";
import { people, signIn } from "./fixtures";

// Change freezes and four-eyes approvals, in a project of their own (a freeze holds every plan
// of its project, so the demo's projects are left alone): a go during a freeze is refused naming
// it; a release manager and an admin together let one go through, and the audit trail shows both;
// under four-eyes the plan owner's own approval does not count.

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const id = Date.now().toString(36);
const slug = `gov-${id}`;
const projectName = `Governance ${id}`;
const freezeName = `Hotfix freeze ${id}`;

/** A wall time on UTC clocks, `minutes` from now, as a datetime-local box takes it. */
const utcWall = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);

async function newPlan(page: Page, name: string): Promise<string> {
  await page.goto("/plans/new");
  await page.getByLabel("Project").selectOption({ label: projectName });
  await page.getByRole("radio", { name: /Blank/ }).check();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Release version").fill("1.0.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  return page.url();
}

async function recordGo(page: Page, rationale: string) {
  await page.getByRole("radio", { name: /^Go/ }).check();
  await page.getByLabel("Rationale").fill(rationale);
  await page.getByRole("button", { name: "Record go" }).click();
}

test("an admin sets up a project with a release manager and approvers", async ({ page }) => {
  await signIn(page, "admin");
  await page.goto("/admin");
  const form = page.locator("form", { has: page.getByRole("button", { name: "Create project" }) });
  await form.getByLabel("Name").fill(projectName);
  await form.getByLabel("Slug").fill(slug);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("Project created.")).toBeVisible();
  await page.goto(`/projects/${slug}`);
  for (const [who, role] of [
    [people.releaseManager, "release_manager"],
    [people.releaseManager, "approver"],
    [people.approver, "approver"],
    [people.engineerApprover, "approver"],
  ] as const) {
    await page.getByLabel("Person’s email").fill(who);
    await page.locator("#member-role").selectOption(role);
    await page.getByRole("button", { name: "Add role" }).click();
    await expect(page.getByText("Role added.")).toBeVisible();
    // A fresh page for the next one: the message of this one must not answer for it.
    await page.goto(`/projects/${slug}`);
  }
});

test("a go during a freeze is refused naming it; a release manager and an admin override it once, and the audit shows both", async ({
  browser,
}) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  const planUrl = await newPlan(rm, `Frozen release ${id}`);

  // The release manager adds a freeze on the project page.
  await rm.goto(`/projects/${slug}`);
  const freezes = rm.locator("#freezes");
  await freezes.getByLabel("Name").fill(freezeName);
  await freezes.getByLabel("Time zone").fill("UTC");
  await freezes.getByLabel("Starts").fill(utcWall(-60));
  await freezes.getByLabel("Ends").fill(utcWall(180));
  await freezes.getByRole("button", { name: "Add freeze" }).click();
  await expect(freezes.getByTestId("freeze-list")).toContainText(freezeName);
  await expect(freezes.getByTestId("freeze-list")).toContainText("Once, from");
  await expect(freezes.getByTestId("freeze-list")).toContainText("is on until");

  // The plan's gate names the freeze; an approver approves, yet a go is refused naming the freeze.
  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, "approver");
  await approver.goto(planUrl);
  await approver.getByRole("button", { name: /^Approve Rollout/ }).click();
  await expect(approver.getByRole("button", { name: /^Approve Rollout/ })).toHaveCount(0);

  await rm.goto(planUrl);
  await expect(rm.getByTestId("gate-blockers")).toContainText(`Change freeze “${freezeName}” is on until`);
  await expect(rm.getByTestId("freeze-sentence")).toContainText(freezeName);
  await recordGo(rm, "Ship it");
  await expect(rm.getByRole("alert").filter({ hasText: freezeName })).toContainText("emergency override");

  // Two people sign the override: the release manager, then an admin.
  const panel = rm.getByTestId("freeze-panel");
  await panel.getByLabel("Reason for overriding the freeze").fill("Payment outage fix");
  await panel.getByRole("button", { name: "Sign override" }).click();
  await expect(panel.getByTestId("override-signatures")).toContainText("Payment outage fix");
  await expect(panel.getByRole("button", { name: "Sign override" })).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin");
  await admin.goto(planUrl);
  const adminPanel = admin.getByTestId("freeze-panel");
  await adminPanel.getByLabel("Reason for overriding the freeze").fill("Approved by the CTO");
  await adminPanel.getByRole("button", { name: "Confirm override as admin" }).click();
  await expect(adminPanel).toContainText("Override complete");

  await rm.reload();
  await recordGo(rm, "Outage fix under the override");
  // The plan has one phase: the go completes it, and the decision stands in its history.
  await expect(rm.locator("#history")).toContainText("Outage fix under the override");

  // The audit trail holds both signatures; the timeline marks the override.
  await rm.goto(`/projects/${slug}/audit`);
  await expect(rm.getByText("freeze_override.signed")).toHaveCount(2);
  await expect(rm.getByText("decision.go").first()).toBeVisible();

  // The freeze is removed, so the next test's plan is not held by it.
  await rm.goto(`/projects/${slug}`);
  await rm.locator("#freezes summary", { hasText: `Remove ${freezeName}` }).click();
  await rm
    .locator("#freezes")
    .getByRole("button", { name: `Remove ${freezeName}` })
    .click();
  await expect(rm.locator("#freezes")).toContainText("No change freezes for this project");
});

test("four-eyes: the plan owner's own approval does not count, and two other approvers are needed", async ({
  browser,
}) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  await rm.goto(`/projects/${slug}`);
  const rule = rm.locator("#approvals");
  await rule.getByRole("checkbox", { name: /Four-eyes/ }).check();
  await rule.getByLabel("Distinct approvers a go needs").fill("2");
  await rule.getByRole("button", { name: "Save approval rule" }).click();
  await expect(
    rule
      .getByRole("status")
      .or(rule.getByText(/Four-eyes on/))
      .first(),
  ).toContainText("Four-eyes on");

  const planUrl = await newPlan(rm, `Four eyes ${id}`);
  // The owner approves their own plan: it does not count.
  await rm.getByRole("button", { name: /^Approve Rollout/ }).click();
  await expect(rm.getByTestId("gate-blockers")).toContainText("Four-eyes: approvals by the plan owner (");
  await expect(rm.getByTestId("gate-blockers")).toContainText("0 of 2 distinct approvers");
  await recordGo(rm, "My own approval");
  await expect(rm.getByRole("alert").filter({ hasText: "Four-eyes" })).toContainText("0 of 2 distinct approvers");

  for (const who of ["approver", "engineerApprover"] as const) {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, who);
    await page.goto(planUrl);
    await page.getByRole("button", { name: /^Approve Rollout/ }).click();
    await expect(page.getByRole("button", { name: /^Approve Rollout/ })).toHaveCount(0);
  }
  await rm.reload();
  await expect(rm.locator("#now")).toContainText("Nothing blocks this gate.");
  await recordGo(rm, "Two others approved");
  await expect(rm.locator("#history")).toContainText("Two others approved");

  // The rule is switched off again.
  await rm.goto(`/projects/${slug}`);
  await rm
    .locator("#approvals")
    .getByRole("checkbox", { name: /Four-eyes/ })
    .uncheck();
  await rm.locator("#approvals").getByLabel("Distinct approvers a go needs").fill("1");
  await rm.locator("#approvals").getByRole("button", { name: "Save approval rule" }).click();
  await expect(rm.locator("#approvals")).toContainText("Four-eyes off");
});
