// npm run bench:ofrep – OFREP single-flag evaluation under load: a bare node:http server answering
// a JSON of the same size (the ceiling), the edge evaluator (npm run edge) and the Next.js app
// (production build), each in its own process on the same PostgreSQL database, loaded in turn by
// autocannon (50 connections, 10 s), alternated twice. Prints req/s, p99 and the ratios.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import autocannon from "autocannon";
import { createApiToken } from "../lib/services/tokens";
import { flagProject } from "../tests/support/flag-fixture";
import { ensureBuild } from "./build";
import { withBenchDatabase } from "./support";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const root = process.cwd();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

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

function start(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) console.error(`[${name}] ${text}`);
  });
  return child;
}

await withBenchDatabase(async (handle, databaseUrl) => {
  ensureBuild("bench:ofrep");
  const fx = await flagProject(handle.db, "Bench flags");
  const token = (await createApiToken(fx.ctx, { projectId: fx.projectId, name: "bench", scopes: ["flags:evaluate"] })).token;
  const body = JSON.stringify({ context: { targetingKey: "rina", region: "Jakarta" } });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const flagPath = "/ofrep/v1/evaluate/flags/checkout.one-page";

  const [barePort, edgePort, appPort] = await Promise.all([freePort(), freePort(), freePort()]);
  // The bare server answers exactly what the evaluators answer, so only the work differs.
  const sample = JSON.stringify({ key: "checkout.one-page", value: true, reason: "TARGETING_MATCH", variant: "on", metadata: { flagVersion: 1, rolloutPercent: 0, plan: "Bench flags", segment: "internal-team" } });
  const bareSource = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => { s.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(${JSON.stringify(sample)}) }); s.end(${JSON.stringify(sample)}); }); }).listen(${barePort}, "127.0.0.1");`;
  const children = [
    start("bare", process.execPath, ["-e", bareSource], {}),
    // One process (no tsx wrapper), so its memory can be read.
    start("edge", process.execPath, ["--import", "tsx", "scripts/edge.ts"], { DATABASE_URL: databaseUrl, EDGE_PORT: String(edgePort), EDGE_HOST: "127.0.0.1", OFREP_RATE_LIMIT: "0" }),
    start("app", process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(appPort)], { DATABASE_URL: databaseUrl, PHASEGATE_DEMO_SEED: "0", PHASEGATE_BACKGROUND: "0", NODE_ENV: "production", OFREP_RATE_LIMIT: "0", AUTH_SECRET: "bench-only-session-secret-0123456789abcdef" }),
  ];
  const targets = [
    { name: "bare node:http", url: `http://127.0.0.1:${barePort}${flagPath}` },
    { name: "edge evaluator", url: `http://127.0.0.1:${edgePort}${flagPath}` },
    { name: "Next.js app", url: `http://127.0.0.1:${appPort}${flagPath}` },
  ];
  try {
    for (const [i, t] of targets.entries()) await waitFor(t.url, { method: "POST", headers, body }, children[i]!, t.name);
    const results = new Map<string, { rps: number[]; p99: number[]; rss: number[] }>(targets.map((t) => [t.name, { rps: [], p99: [], rss: [] }]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, t] of targets.entries()) {
        // A short warm-up, then the measured run.
        await autocannon({ url: t.url, method: "POST", headers, body, connections: CONNECTIONS, duration: 2 });
        const r = await autocannon({ url: t.url, method: "POST", headers, body, connections: CONNECTIONS, duration: SECONDS });
        if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
        results.get(t.name)!.rps.push(r.requests.average);
        results.get(t.name)!.p99.push(r.latency.p99);
        const rss = rssMiB(children[i]!.pid);
        if (rss !== null) results.get(t.name)!.rss.push(rss);
        console.log(`round ${round} ${t.name.padEnd(15)} ${Math.round(r.requests.average).toLocaleString("en-US").padStart(8)} req/s  p99 ${r.latency.p99} ms${rss === null ? "" : `  RSS ${rss.toFixed(0)} MiB`}`);
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const rps = (name: string) => mean(results.get(name)!.rps);
    console.log(`\nOFREP single evaluation, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds alternated (mean):`);
    for (const t of targets) {
      const { p99, rss } = results.get(t.name)!;
      console.log(`  ${t.name.padEnd(15)}: ${Math.round(rps(t.name)).toLocaleString("en-US").padStart(8)} req/s, p99 ${mean(p99).toFixed(1)} ms${rss.length ? `, RSS ${Math.max(...rss).toFixed(0)} MiB` : ""}`);
    }
    console.log(`  ratio edge / bare : ${(rps("edge evaluator") / rps("bare node:http")).toFixed(2)}`);
    console.log(`  ratio app / bare  : ${(rps("Next.js app") / rps("bare node:http")).toFixed(3)}`);
  } finally {
    for (const c of children) c.kill("SIGTERM");
  }
});
