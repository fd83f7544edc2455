// npm run bench:live – what an open plan page costs while a pipeline pushes samples: the time from
// the metrics API answering to the KPI's chart redrawing, and the bytes the page receives per
// batch. A production `next start` (the build in .next) on a fresh embedded database with the demo
// data; a release manager has the One-page checkout plan open in Chromium while a pipeline pushes
// one batch of error-rate samples every BENCH_LIVE_EVERY_MS (2,000) for BENCH_LIVE_BATCHES (30)
// batches. Bytes are those on the wire (bodies and headers, as Chromium's network log counts them)
// of every request the page made from the first batch until 20 s after the last, the live stream
// included, divided by the batches: so page refreshes a batch caused later are counted.
//
// BENCH_SKIP_BUILD=1 reuses .next.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { freePort, startNext, stopAll, waitUntilHealthy } from "../e2e/support/processes";
import { ensureBuild } from "./build";

const BATCHES = Number(process.env.BENCH_LIVE_BATCHES ?? 30);
const EVERY_MS = Number(process.env.BENCH_LIVE_EVERY_MS ?? 2_000);
const TAIL_MS = 20_000;
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
    await page.getByRole("checkbox", { name: /metrics:write/ }).check();
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

    // Bytes per request as Chromium counts them on the wire.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    let counting = false;
    const streamed = new Map<string, number>();
    const finished = new Map<string, number>();
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

    const chart = page.getByTestId("kpi-chart").first();
    const curve = () => chart.locator("path.recharts-line-curve").first().getAttribute("d");
    const latencies: number[] = [];
    counting = true;
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
      const deadline = answered + 15_000;
      let redrawn = false;
      while (Date.now() < deadline) {
        if ((await curve()) !== before) {
          redrawn = true;
          break;
        }
        await page.waitForTimeout(10);
      }
      if (redrawn) latencies.push(Date.now() - answered);
      await page.waitForTimeout(Math.max(0, started + EVERY_MS - Date.now()));
    }
    await page.waitForTimeout(TAIL_MS);
    counting = false;
    let bytes = 0;
    for (const [id, n] of streamed) bytes += finished.get(id) ?? n;
    for (const [id, n] of finished) if (!streamed.has(id)) bytes += n;

    console.log(`live plan page, ${BATCHES} batches every ${EVERY_MS} ms (One-page checkout, 4 KPIs):`);
    console.log(
      `  ingest → chart redrawn: p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms (${latencies.length}/${BATCHES} redrawn within 15 s)`,
    );
    console.log(
      `  received: ${(bytes / BATCHES / 1024).toFixed(1)} KiB per batch (${(bytes / 1024).toFixed(0)} KiB in ${requests} requests)`,
    );
  } finally {
    await browser.close();
    await stopAll([server]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
