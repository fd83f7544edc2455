import { expect, type Page, test } from "@playwright/test";
import { createToken, signIn } from "./fixtures";

// Server state that follows changes by itself, through React Query: My work re-checks what waits
// on its reader, and a checklist tick shows at once and falls back when the server never took it.

async function startedStagedPlan(page: Page, name: string): Promise<string> {
  await page.goto("/plans/new");
  await page.getByRole("radio", { name: /Four-stage staged rollout/ }).check();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Release version").fill("3.1.0");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByTestId("plan-traffic")).toHaveText("1%");
  return page.url().split("/plans/")[1]!.split(/[?#/]/)[0]!;
}

test("My work drops a thing settled elsewhere without a reload", async ({ browser, request }) => {
  const rm = await (await browser.newContext()).newPage();
  await signIn(rm, "releaseManager");
  const name = `Wallet ${Date.now().toString(36)}`;
  const planId = await startedStagedPlan(rm, name);
  await rm.goto("/projects/checkout");
  await rm.getByLabel("Token name").fill(`ci ${name}`);
  await rm.getByRole("checkbox", { name: /plans:read/ }).check();
  await rm.getByRole("checkbox", { name: /checklists:write/ }).check();
  await rm.getByRole("button", { name: "Create token" }).click();
  const auth = { authorization: `Bearer ${(await rm.getByTestId("new-token").textContent())!.trim()}` };
  const plan = (await (await request.get(`/api/v1/plans/${planId}`, { headers: auth })).json()) as {
    checklists: { id: string; title: string; items: { key: string; text: string }[] }[];
  };
  const internal = plan.checklists.find((c) => c.title === "Internal go/no-go")!;
  const item = internal.items.find((i) => i.text === "No P0 bugs open")!;

  const engineer = await (await browser.newContext()).newPage();
  await signIn(engineer, "engineer");
  // My work is paged, and earlier tests leave the engineer plenty to do: find the page with it.
  const thing = engineer.getByTestId("work-item").filter({ hasText: name }).filter({ hasText: "No P0 bugs open" });
  for (let n = 1; ; n++) {
    await engineer.goto(n === 1 ? "/my-work" : `/my-work?page=${n}`);
    await expect(engineer.getByRole("heading", { level: 1, name: "My work" })).toBeVisible();
    if ((await thing.count()) > 0 || (await engineer.getByTestId("work-item").count()) === 0 || n >= 200) break;
  }
  await expect(thing).toBeVisible();
  await expect(engineer.getByTestId("my-work-refresh")).toContainText("Keeps itself up to date");
  await engineer.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  const ticked = await request.patch(`/api/v1/checklists/${internal.id}/items/${item.key}`, {
    headers: auth,
    data: { state: "done" },
  });
  expect(ticked.status()).toBe(200);
  // The page checks every 30 s while shown, and whenever it is shown again.
  await engineer.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
  await expect(thing).toHaveCount(0, { timeout: 40_000 });
  expect(await engineer.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test("a tick shows at once, and falls back with a message when the server never got it", async ({ page }) => {
  await signIn(page, "releaseManager");
  const name = `Rewards ${Date.now().toString(36)}`;
  await startedStagedPlan(page, name);
  const list = page.locator("details", { hasText: "Internal go/no-go" }).first();
  await list.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  const row = list.getByRole("listitem").filter({ hasText: "No P0 bugs open" });
  const state = row.getByTestId("item-state");
  await expect(state).toHaveText("Open");

  // The network drops the tick: the new state shows while it is on its way, then falls back.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const planPaths = (url: URL) => url.pathname.startsWith("/plans/");
  await page.route(planPaths, async (route) => {
    if (route.request().method() !== "POST" || !route.request().headers()["next-action"]) return route.fallback();
    await held;
    await route.abort("connectionreset");
  });
  await row.getByRole("button", { name: /^Mark done/ }).click();
  await expect(state).toHaveText("Done");
  release();
  await expect(state).toHaveText("Open");
  await expect(row.getByRole("alert")).toContainText("could not be reached");

  // With the network back, the tick holds.
  await page.unroute(planPaths);
  await row.getByRole("button", { name: /^Mark done/ }).click();
  await expect(state).toHaveText("Done");
  await page.reload();
  const again = page.locator("details", { hasText: "Internal go/no-go" }).first();
  await again.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  await expect(again.getByRole("listitem").filter({ hasText: "No P0 bugs open" }).getByTestId("item-state")).toHaveText(
    "Done",
  );
});

test("a pipeline's tick re-reads that checklist and the gate on an open page, not the whole page", async ({
  page,
  request,
}) => {
  await signIn(page, "releaseManager");
  const name = `Ledger ${Date.now().toString(36)}`;
  const planId = await startedStagedPlan(page, name);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const token = await createToken(page, `ci ${name}`, ["plans:read", "checklists:write"]);
  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const auth = { authorization: `Bearer ${token}` };
  const plan = (await (await request.get(`/api/v1/plans/${planId}`, { headers: auth })).json()) as {
    checklists: { id: string; title: string; items: { key: string; text: string }[] }[];
  };
  const internal = plan.checklists.find((c) => c.title === "Internal go/no-go")!;
  const item = internal.items.find((i) => i.text === "No P0 bugs open")!;

  const list = page.locator("details", { hasText: "Internal go/no-go" }).first();
  const row = list.getByRole("listitem").filter({ hasText: "No P0 bugs open" });
  await expect(row.getByTestId("item-state")).toHaveText("Open");
  const blockers = page.getByTestId("gate-blockers");
  const blockersBefore = (await blockers.textContent())!;

  // What the page asks the server for from now on: its parts' routes, never a re-render (an RSC request).
  const asked: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith(`/plans/${planId}`) && r.method() === "GET")
      asked.push(r.headers()["rsc"] ? `render ${url.pathname}` : url.pathname);
  });
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const listRead = page.waitForResponse((r) => r.url().endsWith(`/plans/${planId}/checklists/${internal.id}`));
  const gateRead = page.waitForResponse((r) => r.url().endsWith(`/plans/${planId}/overview`));
  const ticked = await request.patch(`/api/v1/checklists/${internal.id}/items/${item.key}`, {
    headers: auth,
    data: { state: "done" },
  });
  expect(ticked.status()).toBe(200);
  expect((await listRead).status()).toBe(200);
  expect((await gateRead).status()).toBe(200);
  await expect(row.getByTestId("item-state")).toHaveText("Done");
  // "Internal go/no-go: 4 required items not done" counts one fewer.
  await expect(blockers).toContainText("Internal go/no-go: 3 required items not done");
  expect(blockersBefore).toContain("Internal go/no-go: 4 required items not done");
  expect(asked.filter((a) => a.startsWith("render"))).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});
