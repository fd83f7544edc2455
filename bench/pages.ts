// npm run bench:pages – server time of the pages people open most, at two sizes, side by side:
//   small: 10 plans in 2 projects (1 running), 20 people, 1,000 audit rows;
//   large: 1,000 plans in 20 projects (100 running), 200 people, 100,000 audit rows.
// Every running plan has 4 KPIs with 30 days of minute samples (43,200 each) and their rollups.
// Both databases are built on the PostgreSQL server, a production `next start` serves each, and a
// release manager of every project signs in to both. Rounds alternate small and large for the
// portfolio, a running plan's page, My work and the audit page, timing the first byte (TTFB) and
// the whole answer on loopback. Prints p50/p95 per page, the large ÷ small ratios against the
// target (≤ 2×; the plan page's p95 ≤ 300 ms), and the gzipped JavaScript each page loads.
//
// BENCH_ROUNDS (20) measured rounds after 3 warm-ups; BENCH_PAGES_SCALE (1) shrinks the large
// database for a quick try (0.1 → 100 plans); BENCH_SKIP_BUILD=1 reuses .next; BENCH_PAGES_KEEP=1
// keeps both databases (phasegate_bench_pages_*) and reuses them on the next run.
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import zlib from "node:zlib";
import type { DbHandle } from "../db/client";
import { freePort } from "../e2e/support/processes";
import { ensureBuild } from "./build";
import { build, type Built, builtBefore, EMAIL, PASSWORD, sizes } from "./pages-data";
import { withBenchDatabase, withKeptDatabase } from "./support";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARMUP = 3;
const SCALE = Number(process.env.BENCH_PAGES_SCALE ?? 1);
const root = process.cwd();

const sizeList = sizes(SCALE);

interface Answer {
  status: number;
  ttfb: number;
  total: number;
  body: string;
  cookies: string[];
  location: string | undefined;
}

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let ttfb = 0;
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        if (!ttfb) ttfb = performance.now() - startedAt;
        chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ttfb: ttfb || performance.now() - startedAt,
          total: performance.now() - startedAt,
          body: Buffer.concat(chunks).toString(),
          cookies: res.headers["set-cookie"] ?? [],
          location: res.headers.location,
        }),
      );
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

async function waitForHealth(base: string, child: ChildProcess, name: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} server exited with ${child.exitCode}`);
    try {
      if ((await request(`${base}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} server did not answer at ${base}`);
}

/** Auth.js's credentials sign-in over HTTP; returns the Cookie header of the session. */
async function signIn(base: string): Promise<string> {
  const csrf = await request(`${base}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = csrf.cookies.map((c) => c.split(";")[0]).join("; ");
  const res = await request(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, csrfToken, callbackUrl: "/" }).toString(),
  });
  const session = res.cookies.map((c) => c.split(";")[0]!).find((c) => c.includes("session-token"));
  if (!session) throw new Error(`sign-in at ${base} failed: ${res.status} ${res.location ?? ""}`);
  return session;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface PageScripts {
  /** Gzipped KB of the scripts the HTML itself loads: what the page needs to be interactive. */
  initial: number;
  /** Gzipped KB of the scripts fetched after those (the charts, which load on their own). */
  later: number;
}

/** The JavaScript a page makes Chromium fetch until the network is quiet, gzipped. */
async function pageScripts(base: string, pagePath: string, cookie: string): Promise<PageScripts> {
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const scripts: { url: string; bytes: Promise<number> }[] = [];
    page.on("response", (res) => {
      if (res.request().resourceType() === "script")
        scripts.push({
          url: new URL(res.url()).pathname,
          bytes: res.body().then(
            (b) => zlib.gzipSync(b).length,
            () => 0,
          ),
        });
    });
    const answer = await page.goto(`${base}${pagePath}`, { waitUntil: "networkidle" });
    // Until every chart has replaced its placeholder (they load after the page).
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), undefined, { timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    const html = (await answer?.text()) ?? "";
    const inHtml = new Set(
      [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map(
        (m) => new URL(m[1]!.replaceAll("&amp;", "&"), base).pathname,
      ),
    );
    const kb = async (initial: boolean) =>
      (await Promise.all(scripts.filter((s) => inHtml.has(s.url) === initial).map((s) => s.bytes))).reduce(
        (a, b) => a + b,
        0,
      ) / 1024;
    return { initial: await kb(true), later: await kb(false) };
  } finally {
    await browser.close();
  }
}

function startServer(databaseUrl: string, port: number): ChildProcess {
  const child = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NODE_ENV: "production",
        PHASEGATE_DEMO_SEED: "0",
        PHASEGATE_BACKGROUND: "0",
        PHASEGATE_LOG_LEVEL: "warn",
        AUTH_SECRET: "bench-only-session-secret-0123456789abcdef",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) console.error(`[server ${port}] ${text.slice(0, 400)}`);
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
  });
}

ensureBuild("bench:pages");

type SizeName = "small" | "large";
const KEEP = process.env.BENCH_PAGES_KEEP === "1";

/** The database of one size: fresh and dropped afterwards, or (BENCH_PAGES_KEEP=1) kept and reused. */
function withSized<T>(
  size: (typeof sizeList)[number],
  fn: (handle: DbHandle, url: string, built: Built) => Promise<T>,
): Promise<T> {
  if (!KEEP) return withBenchDatabase(async (handle, url) => fn(handle, url, await build(handle, size)));
  const name = `phasegate_bench_pages_${size.name}_${size.plans}`;
  return withKeptDatabase(name, async (handle, url, created) =>
    fn(handle, url, created ? await build(handle, size) : await builtBefore(handle, size)),
  );
}

await withSized(sizeList[0]!, async (_small, smallUrl, smallBuilt) => {
  await withSized(sizeList[1]!, async (_large, largeUrl, largeBuilt) => {
    const built: Record<SizeName, Built> = { small: smallBuilt, large: largeBuilt };
    const ports = { small: await freePort(), large: await freePort() };
    const servers = { small: startServer(smallUrl, ports.small), large: startServer(largeUrl, ports.large) };
    try {
      const bases = { small: `http://127.0.0.1:${ports.small}`, large: `http://127.0.0.1:${ports.large}` };
      await Promise.all((["small", "large"] as const).map((s) => waitForHealth(bases[s], servers[s], s)));
      const cookies = { small: await signIn(bases.small), large: await signIn(bases.large) };
      const pages = [
        { name: "portfolio", path: () => "/" },
        { name: "plan page", path: (s: "small" | "large") => `/plans/${built[s].runningPlanId}` },
        { name: "My work", path: () => "/my-work" },
        { name: "audit page", path: (s: "small" | "large") => `/projects/${built[s].projectSlug}/audit` },
      ];
      type Stat = { ttfb: number[]; total: number[]; html: number };
      const stats = new Map<string, Stat>();
      const js = new Map<string, PageScripts>();
      for (let round = 0; round < WARMUP + ROUNDS; round++) {
        for (const page of pages) {
          for (const s of round % 2 ? (["large", "small"] as const) : (["small", "large"] as const)) {
            const res = await request(`${bases[s]}${page.path(s)}`, { headers: { cookie: cookies[s] } });
            if (res.status !== 200)
              throw new Error(`${page.name} (${s}) answered ${res.status}${res.location ? ` → ${res.location}` : ""}`);
            if (round < WARMUP) {
              continue;
            }
            const key = `${page.name}|${s}`;
            const stat = stats.get(key) ?? { ttfb: [], total: [], html: 0 };
            stat.ttfb.push(res.ttfb);
            stat.total.push(res.total);
            stat.html = Buffer.byteLength(res.body);
            stats.set(key, stat);
          }
        }
      }

      for (const page of pages) js.set(page.name, await pageScripts(bases.large, page.path("large"), cookies.large));

      const fmt = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`;
      console.log(
        `\nPages, signed in as a release manager of every project; ${ROUNDS} rounds alternated, after ${WARMUP} warm-ups (loopback, PostgreSQL):`,
      );
      console.log(
        `  small: ${sizeList[0]!.plans} plans, ${sizeList[0]!.running} running; large: ${sizeList[1]!.plans} plans in ${sizeList[1]!.projects} projects, ${sizeList[1]!.running} running, ${sizeList[1]!.people} people, ${sizeList[1]!.auditRows.toLocaleString("en-US")} audit rows`,
      );
      console.log(
        `  ${"page".padEnd(11)} ${"size".padEnd(6)} ${"TTFB p50".padStart(9)} ${"TTFB p95".padStart(9)} ${"done p50".padStart(9)} ${"done p95".padStart(9)} ${"HTML".padStart(9)}`,
      );
      const verdicts: string[] = [];
      for (const page of pages) {
        for (const s of ["small", "large"] as const) {
          const st = stats.get(`${page.name}|${s}`)!;
          console.log(
            `  ${page.name.padEnd(11)} ${s.padEnd(6)} ${fmt(percentile(st.ttfb, 50))} ${fmt(percentile(st.ttfb, 95))} ${fmt(percentile(st.total, 50))} ${fmt(percentile(st.total, 95))} ${`${(st.html / 1024).toFixed(0)} KB`.padStart(9)}`,
          );
        }
        const small = stats.get(`${page.name}|small`)!;
        const large = stats.get(`${page.name}|large`)!;
        const r50 = percentile(large.total, 50) / percentile(small.total, 50);
        const r95 = percentile(large.total, 95) / percentile(small.total, 95);
        verdicts.push(
          `  ${page.name.padEnd(11)} large ÷ small: p50 ${r50.toFixed(2)}×, p95 ${r95.toFixed(2)}× (target ≤ 2×: ${r50 <= 2 && r95 <= 2 ? "met" : "NOT met"}); JavaScript ${js.get(page.name)!.initial.toFixed(0)} KB gzip, then ${js.get(page.name)!.later.toFixed(0)} KB of charts`,
        );
      }
      console.log("");
      for (const v of verdicts) console.log(v);
      const planP95 = percentile(stats.get("plan page|large")!.total, 95);
      const planJs = js.get("plan page")!.initial;
      console.log(
        `  plan page p95 at large: ${planP95.toFixed(0)} ms (target ≤ 300 ms: ${planP95 <= 300 ? "met" : "NOT met"}); its JavaScript before it is interactive ${planJs.toFixed(0)} KB gzip (target < 250 KB: ${planJs < 250 ? "met" : "NOT met"}; the charts follow, ${js.get("plan page")!.later.toFixed(0)} KB)`,
      );
    } finally {
      await Promise.all([stop(servers.small), stop(servers.large)]);
    }
  });
});
