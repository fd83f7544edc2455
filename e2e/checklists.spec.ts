import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

async function openList(page: Page, title: string) {
  const list = page.locator("details", { hasText: title }).first();
  await list.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  return list;
}

test.setTimeout(120_000);

test("an engineer ticks (one item from CI with a token), an approver signs, a change voids the sign-off, the gate turns ready", async ({
  browser,
  request,
}) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  await rm.goto("/plans/new");
  await rm.getByRole("radio", { name: /Four-stage staged rollout/ }).check();
  const name = `Gift cards ${Date.now().toString(36)}`;
  await rm.getByLabel("Name").fill(name);
  await rm.getByLabel("Release version").fill("1.2.0");
  await rm.getByRole("button", { name: "Create plan" }).click();
  await expect(rm.getByRole("heading", { level: 1 })).toContainText(name);
  const planUrl = rm.url();
  const planId = planUrl.split("/").at(-1)!;
  await rm.getByRole("button", { name: "Start rollout" }).click();
  await expect(rm.getByTestId("plan-traffic")).toHaveText("1%");

  // A token for the pipeline.
  await rm.goto("/projects/checkout");
  await rm.getByLabel("Token name").fill(`ci ${name}`);
  await rm.getByRole("checkbox", { name: /plans:read/ }).check();
  await rm.getByRole("checkbox", { name: /checklists:write/ }).check();
  await rm.getByRole("button", { name: "Create token" }).click();
  const token = (await rm.getByTestId("new-token").textContent())!.trim();
  const auth = { authorization: `Bearer ${token}` };

  const plan = (await (await request.get(`/api/v1/plans/${planId}`, { headers: auth })).json()) as {
    checklists: { id: string; title: string; items: { key: string }[] }[];
  };
  const internal = plan.checklists.find((c) => c.title === "Internal go/no-go")!;
  expect(internal.items.map((i) => i.key)).toContain("critical-paths");

  const bad = await request.patch(`/api/v1/checklists/${internal.id}/items/critical-paths`, {
    headers: auth,
    data: { state: "not_applicable" },
  });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
    "reason: Say why the item is not applicable",
  );
  const ticked = await request.patch(`/api/v1/checklists/${internal.id}/items/critical-paths`, {
    headers: auth,
    data: { state: "done", evidenceUrl: "https://ci.example.com/runs/5512" },
  });
  expect(ticked.status()).toBe(200);

  // The engineer sees it in My work, then ticks the rest in the browser.
  const engineer = await (await browser.newContext()).newPage();
  await signIn(engineer, "engineer");
  await engineer.getByRole("link", { name: "My work" }).click();
  await expect(
    engineer.getByTestId("work-item").filter({ hasText: name }).filter({ hasText: "No P0 bugs open" }),
  ).toBeVisible();
  await engineer.goto(planUrl);
  const list = await openList(engineer, "Internal go/no-go");
  await expect(list.getByRole("link", { name: "Evidence" })).toHaveAttribute(
    "href",
    "https://ci.example.com/runs/5512",
  );
  for (const text of ["No P0 bugs open", "Monitoring confirmed working", "Rollback tested"]) {
    await list.getByRole("button", { name: `Mark done: ${text}` }).click();
    await expect(list.getByRole("button", { name: `Reopen: ${text}` })).toBeVisible();
    await openList(engineer, "Internal go/no-go");
  }

  // The approver signs and approves.
  const approver = await (await browser.newContext()).newPage();
  await signIn(approver, "approver");
  await approver.goto(planUrl);
  const signed = await openList(approver, "Internal go/no-go");
  await signed.getByRole("button", { name: "Sign off as approver" }).click();
  await expect(approver.locator("#now")).not.toContainText("sign-off missing");
  await approver.getByRole("button", { name: /^Approve Internal → Pilot/ }).click();
  await expect(approver.getByRole("button", { name: /^Approve Internal/ })).toHaveCount(0);

  // A changed item voids the sign-off, visibly.
  await engineer.reload();
  const again = await openList(engineer, "Internal go/no-go");
  await again.getByRole("button", { name: "Reopen: Rollback tested" }).click();
  await expect(again).toContainText("Sign-off voided: “Rollback tested” changed from done to open");
  await again.getByRole("button", { name: "Mark done: Rollback tested" }).click();
  await expect(again.getByRole("button", { name: "Reopen: Rollback tested" })).toBeVisible();

  await rm.goto(planUrl);
  await expect(rm.getByTestId("gate-blockers")).toContainText("sign-off missing from approver");
  await approver.reload();
  await (await openList(approver, "Internal go/no-go")).getByRole("button", { name: "Sign off as approver" }).click();
  await expect(approver.locator("#now")).toContainText("Nothing blocks this gate.");

  // The release manager sees the gate ready.
  await rm.reload();
  await expect(rm.locator("#now")).toContainText("Nothing blocks this gate.");
  await expect(rm.getByRole("radio", { name: /^Go/ })).toBeChecked();
});
