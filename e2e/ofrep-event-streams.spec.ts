import { build } from "esbuild";
import { expect, type Page, test } from "@playwright/test";
import { createToken, signIn } from "./fixtures";

// OFREP event streams in a browser: the published OpenFeature web provider, unmodified and
// bundled as it would be in an application, runs in Chromium with its native EventSource against
// the production app. It fetches every flag once, opens the event stream the answer advertises,
// and when a release manager pulls the demo's kill switch it hears `refetchEvaluation`, fetches
// again naming the new configuration, and serves the change, with no polling.

test.setTimeout(120_000);

/** What the bundle puts on `window.OF`, as far as this test uses it. */
interface ProbeWindow {
  OF: {
    OpenFeature: {
      setContext(context: object): Promise<void>;
      setProviderAndWait(provider: unknown): Promise<void>;
      getClient(): {
        addHandler(event: string, handler: () => void): void;
        getBooleanDetails(key: string, fallback: boolean): { reason: string };
      };
    };
    OFREPWebProvider: new (options: object) => unknown;
    ProviderEvents: { ConfigurationChanged: string };
  };
  reason: () => string;
  changes: number[];
}

/** @openfeature/web-sdk and @openfeature/ofrep-web-provider as one browser script. */
async function providerBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export { OpenFeature, ProviderEvents } from "@openfeature/web-sdk"; export { OFREPWebProvider } from "@openfeature/ofrep-web-provider";`,
      resolveDir: process.cwd(),
      loader: "js",
    },
    bundle: true,
    format: "iife",
    globalName: "OF",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** Pulls (or releases) the demo's kill switch; returns when the switch's button was clicked. */
async function killSwitch(page: Page, on: boolean): Promise<number> {
  await page.goto("/");
  await page
    .getByRole("link", { name: /One-page checkout/ })
    .first()
    .click();
  const kill = page.getByTestId("kill-switch").first();
  await kill.evaluate((el) => ((el as HTMLDetailsElement).open = true));
  if (on) {
    const clicked = Date.now();
    await kill.getByRole("button", { name: /turn .* back on/i }).click();
    return clicked;
  }
  await kill.getByLabel("Why switch it off?").fill("Event stream e2e");
  const clicked = Date.now();
  await kill.getByRole("button", { name: /Kill switch: serve off to everyone/ }).click();
  await expect(page.getByText("Killed").first()).toBeVisible();
  return clicked;
}

test("the OpenFeature web provider in Chromium follows the app's event stream: a kill switch arrives without polling", async ({
  page,
  browser,
  baseURL,
}) => {
  await signIn(page, "releaseManager");
  const token = await createToken(page, "e2e event stream", ["flags:evaluate"]);
  const bundle = await providerBundle();

  // A page of the app's origin (as an application serving its own front end would be), holding
  // only the SDK and the provider.
  const app = await browser.newPage();
  const bulks: string[] = [];
  const streams: string[] = [];
  app.on("request", (r) => {
    if (r.url().includes("/ofrep/v1/evaluate/flags")) bulks.push(r.url());
    if (r.url().includes("/ofrep/v1/event-stream")) streams.push(r.url());
  });
  await app.route(`${baseURL}/__provider-probe`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><title>probe</title><script>${bundle.replaceAll("</script", "<\\/script")}</script>`,
    }),
  );
  await app.goto(`${baseURL}/__provider-probe`);
  await app.evaluate(async (bearer) => {
    const w = window as unknown as ProbeWindow;
    const { OpenFeature, OFREPWebProvider, ProviderEvents } = w.OF;
    const provider = new OFREPWebProvider({
      baseUrl: location.origin,
      headers: [["Authorization", `Bearer ${bearer}`]],
      pollInterval: 0,
      cacheMode: "disabled",
      changeDetection: "sse",
    });
    await OpenFeature.setContext({ targetingKey: "rina" });
    await OpenFeature.setProviderAndWait(provider);
    const client = OpenFeature.getClient();
    w.changes = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, () => w.changes.push(Date.now()));
    w.reason = () => client.getBooleanDetails("checkout.one-page", false).reason;
  }, token);
  expect(await app.evaluate(() => (window as unknown as ProbeWindow).reason())).toBe("TARGETING_MATCH");
  await expect.poll(() => streams.length).toBe(1);
  expect(new URL(streams[0]!).searchParams.get("key")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(streams[0]).not.toContain(token);
  expect(bulks).toHaveLength(1);

  try {
    const pulled = await killSwitch(page, false);
    await expect
      .poll(() => app.evaluate(() => (window as unknown as ProbeWindow).reason()), { timeout: 10_000, intervals: [20] })
      .toBe("DISABLED");
    const changedAt = (await app.evaluate(() => (window as unknown as ProbeWindow).changes))[0]!;
    console.log(
      `ofrep event streams: the browser's provider served the kill switch ${changedAt - pulled} ms after the click (the server action included)`,
    );
    // One more bulk fetch, made because of the event and naming the configuration it announced.
    expect(bulks).toHaveLength(2);
    expect(new URL(bulks[1]!).searchParams.get("flagConfigEtag")).toMatch(/^"[A-Za-z0-9_-]+"$/);
  } finally {
    await killSwitch(page, true);
    await expect
      .poll(() => app.evaluate(() => (window as unknown as ProbeWindow).reason()), { timeout: 10_000 })
      .toBe("TARGETING_MATCH");
    await app.close();
  }
});
