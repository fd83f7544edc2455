import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// End-to-end tests run against the production build (`npm run build` first) served by `next start`
// on an embedded PGlite database in a fresh folder, seeded with the demo data.

const rootDir = import.meta.dirname;
const tmpDir = path.join(rootDir, ".tmp");
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;

// The config is evaluated by the runner and again by every worker: pin the database folder in the
// environment the first time so all of them agree (workers inherit the runner's environment).
const pgliteDir = (process.env.E2E_PGLITE_DIR ||= path.join(tmpDir, `e2e-pglite-${Date.now()}-${process.pid}`));
// The token Prometheus scrapes the server's /metrics with (e2e/prometheus-scrape.spec.ts).
const metricsToken = (process.env.E2E_METRICS_TOKEN ||= `e2e-metrics-${Date.now()}-${process.pid}`);
fs.mkdirSync(tmpDir, { recursive: true });

// Debian's Chromium: Playwright cannot download its own browsers on this machine.
const launchOptions = {
  executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./.tmp/test-results",
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  // Room for a busy 2-core machine: no test may depend on another process answering quickly.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"], ["json", { outputFile: path.join(tmpDir, "reports", "e2e.json") }]],
  use: {
    baseURL,
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions,
      },
    },
  ],
  webServer: {
    // `exec` so the shell is replaced and the process Playwright stops is the server itself.
    command: `exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${port}`,
    url: `${baseURL}/api/health`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      // Empty DATABASE_URL → embedded PGlite, even if the shell has one set.
      DATABASE_URL: "",
      PGLITE_DIR: pgliteDir,
      PHASEGATE_DEMO_SEED: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      // The trigger and auto-advance timer, quicker than the default 15 s so tests wait less.
      PHASEGATE_WATCH_SECONDS: "2",
      // Open live streams re-check their person's access this often (a minute by default).
      PHASEGATE_LIVE_RECHECK_SECONDS: "2",
      PHASEGATE_METRICS_TOKEN: metricsToken,
      // One JSON line per request would bury the test output; E2E_LOG_LEVEL=info shows them.
      PHASEGATE_LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
    },
  },
});
