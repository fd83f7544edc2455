// npm run bench:live – what an open plan page costs while a pipeline pushes samples: the time from
// the metrics API answering to the KPI's chart redrawing, and the bytes the page receives per
// batch. A production `next start` (the build in .next) on a fresh embedded database with the demo
// data; a release manager has the One-page checkout plan open in Chromium while a pipeline pushes
// one batch of error-rate samples every BENCH_LIVE_EVERY_MS (2,000) for BENCH_LIVE_BATCHES (30)
// batches. Bytes are those on the wire (bodies and headers, as Chromium's network log counts them)
// of every request the page made from the first batch until 20 s after the last, the live stream
// included, divided by the batches: so page refreshes a batch caused later are counted.
//
// Then the same page while a pipeline ticks a checklist item (done, open, done, …) every
// BENCH_LIVE_EVERY_MS for BENCH_LIVE_TICKS (20) ticks: the time from the checklist API answering to
// the item's new state on screen, and the bytes per tick, counted the same way with a 5 s tail.
//
// BENCH_SKIP_BUILD=1 reuses .next.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { freePort, startNext, stopAll, waitUntilHealthy } from "../e2e/support/processes";
import { ensureBuild } from "./build";

const BATCHES = Number(process.env.BENCH_LIVE_BATCHES ?? 30);
const EVERY_MS = Number(process.env.BENCH_LIVE_EVERY_MS ?? 2_000);
const TICKS = Number(process.env.BENCH_LIVE_TICKS ?? 20);
const TAIL_MS = 20_000;
const TICK_TAIL_MS = 5_000;
const PASSWORD = "rollout-demo-2026";

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function main() {
  ensureBuild("live");
  const dir = fs.mkdtempSync(path.join(process.cwd(), ".tmp", "bench-live-"));
  const port = await freePort();
  const server = startNext("bench-live", port, {
    DATABASE_URL: "",
    PGLITE_DIR: path.join(dir, "db"),
    PHASEGATE_DEMO_SEED: "1",
    AUTH_SECRET: "bench-live-session-secret-0123456789abcdef",
    PHASEGATE_LOG_LEVEL: "warn",
  });
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  try {
    await waitUntilHealthy(server, "/api/health");
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const base = server.base;
    await page.goto(`${base}/sign-in`);
    await page.getByLabel("Email").fill("rina@phasegate.local");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Releases" }).waitFor();

    await page.goto(`${base}/projects/checkout`);
    await page.getByLabel("Token name").fill(`bench live ${Date.now()}`);
    for (const scope of [/metrics:write/, /plans:read/, /checklists:write/])
      await page.getByRole("checkbox", { name: scope }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const token = ((await page.getByTestId("new-token").textContent()) ?? "").trim();

    await page.goto(base);
    await page
      .getByRole("link", { name: /One-page checkout/ })
      .first()
      .click();
    await page.getByTestId("live-status").and(page.locator('[data-status="live"]')).waitFor({ timeout: 60_000 });
    const planId = page.url().split("/plans/")[1]!.split(/[?#/]/)[0]!;
    await page.waitForTimeout(3_000); // the catch-up render after the stream opened

    const wire = await countBytes(page);
    const chart = page.getByTestId("kpi-chart").first();
    const curve = () => chart.locator("path.recharts-line-curve").first().getAttribute("d");
    const latencies: number[] = [];
    wire.start();
    for (let n = 0; n < BATCHES; n++) {
      const started = Date.now();
      const before = await curve();
      const now = Date.now();
      const answer = await fetch(`${base}/api/v1/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          plan: planId,
          samples: Array.from({ length: 10 }, (_, i) => ({
            metric: "error_rate",
            ts: now - 1_000 + i * 100,
            value: 0.2 + ((n * 7 + i) % 10) / 10,
          })),
        }),
      });
      if (answer.status !== 200) throw new Error(`metrics API answered ${answer.status}: ${await answer.text()}`);
      const answered = Date.now();
      if (await changes(page, curve, before)) latencies.push(Date.now() - answered);
      await page.waitForTimeout(Math.max(0, started + EVERY_MS - Date.now()));
    }
    await page.waitForTimeout(TAIL_MS);
    const samples = wire.stop();

    console.log(`live plan page, ${BATCHES} batches every ${EVERY_MS} ms (One-page checkout, 4 KPIs):`);
    console.log(
      `  ingest → chart redrawn: p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms (${latencies.length}/${BATCHES} redrawn within 15 s)`,
    );
    console.log(
      `  received: ${(samples.bytes / BATCHES / 1024).toFixed(1)} KiB per batch (${(samples.bytes / 1024).toFixed(0)} KiB in ${samples.requests} requests)`,
    );

    // A pipeline ticks one item of an open checklist back and forth.
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const item = await tickableItem(base, planId, auth);
    // The item's row as the release manager sees it (a state badge, and when it was ticked).
    const row = page.locator("details", { hasText: item.title }).first().locator("li", { hasText: item.text }).first();
    const shown = () => row.textContent();
    let state = item.state;
    const tickLatencies: number[] = [];
    wire.start();
    for (let n = 0; n < TICKS; n++) {
      const started = Date.now();
      const before = await shown();
      const answer = await fetch(`${base}/api/v1/checklists/${item.checklistId}/items/${item.key}`, {
        method: "PATCH",
        headers: auth,
        body: JSON.stringify({ state: (state = state === "done" ? "open" : "done") }),
      });
      if (answer.status !== 200) throw new Error(`checklist API answered ${answer.status}: ${await answer.text()}`);
      const answered = Date.now();
      if (await changes(page, shown, before)) tickLatencies.push(Date.now() - answered);
      await page.waitForTimeout(Math.max(0, started + EVERY_MS - Date.now()));
    }
    await page.waitForTimeout(TICK_TAIL_MS);
    const ticks = wire.stop();
    console.log(`the same page, ${TICKS} ticks of "${item.text}" every ${EVERY_MS} ms:`);
    console.log(
      `  tick → item shown: p50 ${quantile(tickLatencies, 0.5)} ms, p95 ${quantile(tickLatencies, 0.95)} ms (${tickLatencies.length}/${TICKS} shown within 15 s)`,
    );
    console.log(
      `  received: ${(ticks.bytes / TICKS / 1024).toFixed(1)} KiB per tick (${(ticks.bytes / 1024).toFixed(0)} KiB in ${ticks.requests} requests)`,
    );
  } finally {
    await browser.close();
    await stopAll([server]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes per request as Chromium counts them on the wire, between `start` and `stop`. */
async function countBytes(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let counting = false;
  let streamed = new Map<string, number>();
  let finished = new Map<string, number>();
  let requests = 0;
  cdp.on("Network.requestWillBeSent", () => {
    if (counting) requests++;
  });
  cdp.on("Network.dataReceived", (e: { requestId: string; encodedDataLength: number }) => {
    if (counting) streamed.set(e.requestId, (streamed.get(e.requestId) ?? 0) + e.encodedDataLength);
  });
  cdp.on("Network.loadingFinished", (e: { requestId: string; encodedDataLength: number }) => {
    if (counting) finished.set(e.requestId, e.encodedDataLength);
  });
  return {
    start() {
      streamed = new Map();
      finished = new Map();
      requests = 0;
      counting = true;
    },
    stop(): { bytes: number; requests: number } {
      counting = false;
      let bytes = 0;
      for (const [id, n] of streamed) bytes += finished.get(id) ?? n;
      for (const [id, n] of finished) if (!streamed.has(id)) bytes += n;
      return { bytes, requests };
    },
  };
}

/** Waits up to 15 s for `read` to differ from `before`; whether it did. */
async function changes(page: Page, read: () => Promise<string | null>, before: string | null): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await read()) !== before) return true;
    await page.waitForTimeout(10);
  }
  return false;
}

/** A required item of a checklist the pipeline may tick now (its phase is not history). */
async function tickableItem(base: string, planId: string, headers: Record<string, string>) {
  const plan = (await (await fetch(`${base}/api/v1/plans/${planId}`, { headers })).json()) as {
    checklists: { id: string; title: string; items: { key: string; text: string; state: string }[] }[];
  };
  for (const list of plan.checklists)
    for (const item of list.items) {
      const answer = await fetch(`${base}/api/v1/checklists/${list.id}/items/${item.key}`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ state: item.state }),
      });
      if (answer.status === 200)
        return { checklistId: list.id, title: list.title, key: item.key, text: item.text, state: item.state };
    }
  throw new Error("the plan has no checklist item a pipeline may tick");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
