// npm run bench:ofrep – OFREP single-flag evaluation under load: a bare node:http server answering
// a JSON of the same size (the ceiling), the edge evaluator (npm run edge) and the Next.js app
// (production build), each in its own process on the same PostgreSQL database, loaded in turn by
// autocannon (50 connections, 10 s), alternated twice. Prints req/s, p99 and the ratios. Then
// bulk evaluation of 350 flags (about 100 KB, Unleash Edge's benchmark shape), edge against bare,
// and the propagation of a kill switch to 1,000 clients holding OFREP event streams on the edge.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createApiToken } from "../lib/services/tokens";
import { flags as flagsTable } from "../db/schema";
import { planWithTokens } from "../tests/support/api-fixture";
import { flagProject, setKillSwitch } from "../tests/support/flag-fixture";
import { freePort } from "../e2e/support/processes";
import { ensureBuild } from "./build";
import { withBenchDatabase } from "./support";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SSE_CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 1_000);
const PROPAGATION_ROUNDS = Number(process.env.BENCH_PROPAGATION_ROUNDS ?? 5);
const BULK_FLAGS = 350;
const root = process.cwd();

async function waitFor(url: string, init: RequestInit, child: ChildProcess, name: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, init);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer at ${url}`);
}

/** Resident memory of a process in MiB (Linux), or null where /proc is not there. */
function rssMiB(pid: number | undefined): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

interface Listener {
  /** Resolves with the time (performance.now) of the next refetchEvaluation event. */
  next(): Promise<number>;
  close(): void;
}

/** `count` event streams, each on its own connection, each waiting for its first byte. */
async function openStreams(url: string, count: number): Promise<Listener[]> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: count + 10 });
  const open = (): Promise<Listener> =>
    new Promise((resolve, reject) => {
      let waiting: ((t: number) => void) | null = null;
      const req = http.get(url, { agent }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
        res.setEncoding("utf8");
        let buffer = "";
        let opened = false;
        res.on("data", (chunk: string) => {
          buffer += chunk;
          if (!opened) {
            opened = true;
            resolve({ next: () => new Promise<number>((r) => (waiting = r)), close: () => req.destroy() });
          }
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.includes('"refetchEvaluation"') && waiting) {
              const w = waiting;
              waiting = null;
              w(performance.now());
            }
          }
        });
      });
      req.on("error", reject);
    });
  const listeners: Listener[] = [];
  // In batches, so the edge is not asked for a thousand connections in one instant.
  for (let i = 0; i < count; i += 100)
    listeners.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, open))));
  return listeners;
}

function start(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) console.error(`[${name}] ${text}`);
  });
  return child;
}

await withBenchDatabase(async (handle, databaseUrl) => {
  ensureBuild("bench:ofrep");
  const fx = await flagProject(handle.db, "Bench flags");
  const token = (await createApiToken(fx.ctx, { projectId: fx.projectId, name: "bench", scopes: ["flags:evaluate"] }))
    .token;
  const body = JSON.stringify({ context: { targetingKey: "rina", region: "Jakarta" } });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const flagPath = "/ofrep/v1/evaluate/flags/checkout.one-page";

  const [barePort, edgePort, appPort] = await Promise.all([freePort(), freePort(), freePort()]);
  // The bare server answers exactly what the evaluators answer, so only the work differs.
  const sample = JSON.stringify({
    key: "checkout.one-page",
    value: true,
    reason: "TARGETING_MATCH",
    variant: "on",
    metadata: { flagVersion: 1, rolloutPercent: 0, plan: "Bench flags", segment: "internal-team" },
  });
  const bareSource = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(${JSON.stringify(sample)}) }); s.end(${JSON.stringify(sample)}); }); }).listen(${barePort}, "127.0.0.1");`;
  const children = [
    start("bare", process.execPath, ["-e", bareSource], {}),
    // One process (no tsx wrapper), so its memory can be read.
    // As deployed: production (JSON logs, one line per request at info).
    start("edge", process.execPath, ["--import", "tsx", "scripts/edge.ts"], {
      DATABASE_URL: databaseUrl,
      EDGE_PORT: String(edgePort),
      EDGE_HOST: "127.0.0.1",
      OFREP_RATE_LIMIT: "0",
      NODE_ENV: "production",
    }),
    start(
      "app",
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(appPort)],
      {
        DATABASE_URL: databaseUrl,
        PHASEGATE_DEMO_SEED: "0",
        PHASEGATE_BACKGROUND: "0",
        NODE_ENV: "production",
        OFREP_RATE_LIMIT: "0",
        AUTH_SECRET: "bench-only-session-secret-0123456789abcdef",
      },
    ),
  ];
  const targets = [
    { name: "bare node:http", url: `http://127.0.0.1:${barePort}${flagPath}` },
    { name: "edge evaluator", url: `http://127.0.0.1:${edgePort}${flagPath}` },
    { name: "Next.js app", url: `http://127.0.0.1:${appPort}${flagPath}` },
  ];
  try {
    for (const [i, t] of targets.entries())
      await waitFor(t.url, { method: "POST", headers, body }, children[i]!, t.name);
    const results = new Map<string, { rps: number[]; p99: number[]; rss: number[] }>(
      targets.map((t) => [t.name, { rps: [], p99: [], rss: [] }]),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, t] of targets.entries()) {
        // A short warm-up, then the measured run.
        await autocannon({ url: t.url, method: "POST", headers, body, connections: CONNECTIONS, duration: 2 });
        const r = await autocannon({
          url: t.url,
          method: "POST",
          headers,
          body,
          connections: CONNECTIONS,
          duration: SECONDS,
        });
        if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        results.get(t.name)!.rps.push(r.requests.average);
        results.get(t.name)!.p99.push(r.latency.p99);
        const rss = rssMiB(children[i]!.pid);
        if (rss !== null) results.get(t.name)!.rss.push(rss);
        console.log(
          `round ${round} ${t.name.padEnd(15)} ${Math.round(r.requests.average).toLocaleString("en-US").padStart(8)} req/s  p99 ${r.latency.p99} ms${rss === null ? "" : `  RSS ${rss.toFixed(0)} MiB`}`,
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rps = (name: string) => mean(results.get(name)!.rps);
    console.log(
      `\nOFREP single evaluation, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds alternated (mean):`,
    );
    for (const t of targets) {
      const { p99, rss } = results.get(t.name)!;
      console.log(
        `  ${t.name.padEnd(15)}: ${Math.round(rps(t.name)).toLocaleString("en-US").padStart(8)} req/s, p99 ${mean(p99).toFixed(1)} ms${rss.length ? `, RSS ${Math.max(...rss).toFixed(0)} MiB` : ""}`,
      );
    }
    console.log(`  ratio edge / bare : ${(rps("edge evaluator") / rps("bare node:http")).toFixed(2)}`);
    console.log(`  ratio app / bare  : ${(rps("Next.js app") / rps("bare node:http")).toFixed(3)}`);

    // Bulk evaluation of a project with BULK_FLAGS flags (about 100 KB), the shape of Unleash Edge's
    // published benchmark: the edge against a bare server answering the same bytes.
    const bulkProject = await planWithTokens(handle.db, "canary", "Bulk flags", { flags: ["flags:evaluate"] });
    const padding = "x".repeat(150);
    await handle.db.insert(flagsTable).values(
      Array.from({ length: BULK_FLAGS }, (_, i) => ({
        projectId: bulkProject.projectId,
        key: `bulk.flag-${String(i).padStart(3, "0")}`,
        type: "string" as const,
        variants: { on: `on-${i}-${padding}`, off: `off-${i}` },
        defaultVariant: "off",
        rolloutVariant: "on",
        manualRolloutPercent: i % 3 === 0 ? 100 : i % 3 === 1 ? 50 : 0,
      })),
    );
    const bulkHeaders = { authorization: `Bearer ${bulkProject.tokens.flags}`, "content-type": "application/json" };
    const bulkUrl = (port: number) => `http://127.0.0.1:${port}/ofrep/v1/evaluate/flags`;
    await waitFor(bulkUrl(edgePort), { method: "POST", headers: bulkHeaders, body }, children[1]!, "edge evaluator");
    const bulkBody = await (await fetch(bulkUrl(edgePort), { method: "POST", headers: bulkHeaders, body })).text();
    const bodyFile = path.join(os.tmpdir(), `phasegate-bench-bulk-${process.pid}.json`);
    fs.writeFileSync(bodyFile, bulkBody);
    const bulkBarePort = await freePort();
    const bulkBare = start(
      "bare bulk",
      process.execPath,
      [
        "-e",
        `const b = require("node:fs").readFileSync(${JSON.stringify(bodyFile)}); require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": b.length }); s.end(b); }); }).listen(${bulkBarePort}, "127.0.0.1");`,
      ],
      {},
    );
    try {
      await waitFor(bulkUrl(bulkBarePort), { method: "POST", headers: bulkHeaders, body }, bulkBare, "bare bulk");
      const bulkRps = new Map<string, number[]>([
        ["bare node:http", []],
        ["edge evaluator", []],
      ]);
      for (let round = 1; round <= ROUNDS; round++) {
        for (const [name, port] of [
          ["bare node:http", bulkBarePort],
          ["edge evaluator", edgePort],
        ] as const) {
          await autocannon({
            url: bulkUrl(port),
            method: "POST",
            headers: bulkHeaders,
            body,
            connections: CONNECTIONS,
            duration: 2,
          });
          const r = await autocannon({
            url: bulkUrl(port),
            method: "POST",
            headers: bulkHeaders,
            body,
            connections: CONNECTIONS,
            duration: SECONDS,
          });
          if (r.non2xx || r.errors) throw new Error(`bulk ${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
          bulkRps.get(name)!.push(r.requests.average);
        }
      }
      const bare = mean(bulkRps.get("bare node:http")!);
      const edgeBulk = mean(bulkRps.get("edge evaluator")!);
      console.log(
        `\nOFREP bulk evaluation, ${BULK_FLAGS} flags (${(Buffer.byteLength(bulkBody) / 1024).toFixed(0)} KB answer), ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds alternated (mean):`,
      );
      console.log(`  bare node:http : ${Math.round(bare).toLocaleString("en-US").padStart(8)} req/s`);
      console.log(
        `  edge evaluator : ${Math.round(edgeBulk).toLocaleString("en-US").padStart(8)} req/s (Unleash Edge publishes 6,900 req/s on one CPU for this shape, on its own hardware)`,
      );
      console.log(`  ratio edge / bare : ${(edgeBulk / bare).toFixed(2)}`);
    } finally {
      bulkBare.kill("SIGTERM");
      fs.rmSync(bodyFile, { force: true });
    }

    // Propagation over OFREP event streams: SSE_CLIENTS streams open on the edge, the kill switch
    // flipped PROPAGATION_ROUNDS times; each client's delay from the commit to its event.
    const bulkAnswer = (await (
      await fetch(`http://127.0.0.1:${edgePort}/ofrep/v1/evaluate/flags`, { method: "POST", headers, body })
    ).json()) as { eventStreams: { endpoint: { requestUri: string } }[] };
    const streamUrl = `http://127.0.0.1:${edgePort}${bulkAnswer.eventStreams[0]!.endpoint.requestUri}`;
    const listeners = await openStreams(streamUrl, SSE_CLIENTS);
    try {
      const delays: number[] = [];
      for (let round = 0; round < PROPAGATION_ROUNDS; round++) {
        const heard = listeners.map((l) => l.next());
        const flippedAt = performance.now();
        await setKillSwitch(handle.db, fx.projectId, fx.flagId, round % 2 === 1);
        const times = await Promise.all(
          heard.map((p) =>
            Promise.race([p, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 10_000))]),
          ),
        );
        delays.push(...times.map((t) => t - flippedAt));
        await new Promise((r) => setTimeout(r, 200));
      }
      const sorted = [...delays].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
      const missed = delays.filter((d) => !Number.isFinite(d)).length;
      console.log(
        `\nKill switch to ${SSE_CLIENTS.toLocaleString("en-US")} SSE clients on one edge (OFREP event streams), ${PROPAGATION_ROUNDS} flips, from the commit:`,
      );
      console.log(
        `  p50 ${at(50).toFixed(0)} ms, p99 ${at(99).toFixed(0)} ms, max ${at(100).toFixed(0)} ms${missed ? `, ${missed} events missed` : ""} (target p99 ≤ 1,000 ms: ${at(99) <= 1000 && !missed ? "met" : "NOT met"}); edge RSS with the streams open ${rssMiB(children[1]!.pid)?.toFixed(0) ?? "?"} MiB`,
      );
    } finally {
      for (const l of listeners) l.close();
    }
  } finally {
    for (const c of children) c.kill("SIGTERM");
  }
});
