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

/** An event stream read from the test process; records why the server closed it, if it did. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: "text/event-stream" }, signal: controller.signal });
  expect(res.status).toBe(200);
  const state = { closedFor: null as string | null, stop: () => controller.abort() };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ready = false;
  let markReady: () => void = () => {};
  const readyNow = new Promise<void>((resolve) => (markReady = resolve));
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^event: ready$/m.test(frame) && !ready) {
            ready = true;
            markReady();
          }
          const closed = /^event: closed\ndata: (.*)$/m.exec(frame);
          if (closed) state.closedFor = (JSON.parse(closed[1]!) as { reason: string }).reason;
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  await readyNow;
  return state;
}

test("a person's oldest live stream makes room for the newest; losing the role stops the stream", async ({
  browser,
  page,
}) => {
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
  await viewer
    .getByRole("link", { name: /One-page checkout/ })
    .first()
    .click();
  await expect(viewer.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const planPath = new URL(viewer.url()).pathname;

  // Ten more streams of the same person (other tabs and devices; opened from here, since one
  // browser keeps at most six connections to a host): the page's own stream, the oldest, is closed.
  const cookie = (await viewer.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const base = new URL(viewer.url()).origin;
  const streams = await Promise.all(Array.from({ length: 10 }, () => openStream(`${base}${planPath}/events`, cookie)));
  try {
    await expect(viewer.getByTestId("live-status")).toHaveAttribute("data-status", "elsewhere");
    await expect(viewer.getByTestId("live-status")).toHaveText("Live in a newer tab");
    expect(streams.every((s) => s.closedFor === null)).toBe(true);

    // The admin takes the role away: the open streams are told within a few seconds.
    await page.getByRole("button", { name: "Remove Viewer role from Lina Live" }).click();
    await expect(page.getByRole("button", { name: "Remove Viewer role from Lina Live" })).toHaveCount(0);
    await expect.poll(() => streams.map((s) => s.closedFor), { timeout: 20_000 }).toEqual(Array(10).fill("access"));
  } finally {
    for (const s of streams) s.stop();
  }
  await viewer.reload();
  await expect(viewer.getByRole("heading", { level: 1 })).not.toContainText("One-page checkout");
});
