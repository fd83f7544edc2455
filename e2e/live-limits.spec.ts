import { type Browser, expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

// Live-update streams are bounded: a person's newest pages stay live (the oldest are closed past
// their cap), and a stream stops as soon as its person may no longer read the plan (re-checked on
// a timer, every 2 s in the e2e server, every minute by default).

const PASSWORD = "a long enough password 2026";

async function signInAs(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  return page;
}

test("a person's oldest live stream makes room for the newest; losing the role stops the stream", async ({ browser, page }) => {
  test.setTimeout(120_000);
  const email = `live-${Date.now()}@phasegate.local`;
  await signIn(page, "admin");
  await page.goto("/admin");
  const people = page.locator("#users");
  await people.getByLabel("Name").fill("Lina Live");
  await people.getByLabel("Email").fill(email);
  await people.getByLabel("Initial password").fill(PASSWORD);
  await people.getByRole("button", { name: "Create user" }).click();
  await expect(people.getByText("User created.")).toBeVisible();
  await page.goto("/projects/checkout");
  await page.getByLabel("Person’s email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add role" }).click();
  await expect(page.getByRole("button", { name: "Remove Viewer role from Lina Live" })).toBeVisible();

  const viewer = await signInAs(browser, email);
  await viewer.getByRole("link", { name: /One-page checkout/ }).first().click();
  await expect(viewer.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const planPath = new URL(viewer.url()).pathname;

  // Ten more streams of the same person (other tabs): the page's own stream, the oldest, is closed.
  const closedReasons = await viewer.evaluate(async (path) => {
    const reasons: string[] = [];
    const opened = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<EventSource>((resolve) => {
            const source = new EventSource(`${path}/events`);
            source.addEventListener("ready", () => resolve(source));
            source.addEventListener("closed", (e) => reasons.push((JSON.parse((e as MessageEvent<string>).data) as { reason: string }).reason));
          }),
      ),
    );
    (window as unknown as { extraStreams: EventSource[] }).extraStreams = opened;
    return reasons;
  }, planPath);
  expect(closedReasons).toEqual([]);
  await expect(viewer.getByTestId("live-status")).toHaveAttribute("data-status", "elsewhere");
  await expect(viewer.getByTestId("live-status")).toHaveText("Live in a newer tab");

  // The admin takes the role away: the open streams are told within a few seconds.
  const gone = viewer.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const streams = (window as unknown as { extraStreams: EventSource[] }).extraStreams;
        streams.at(-1)!.addEventListener("closed", (e) => resolve((JSON.parse((e as MessageEvent<string>).data) as { reason: string }).reason));
      }),
  );
  await page.getByRole("button", { name: "Remove Viewer role from Lina Live" }).click();
  await expect(page.getByRole("button", { name: "Remove Viewer role from Lina Live" })).toHaveCount(0);
  expect(await gone).toBe("access");
  await viewer.reload();
  await expect(viewer.getByRole("heading", { level: 1 })).not.toContainText("One-page checkout");
});
