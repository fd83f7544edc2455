import path from "node:path";
import { buildCase, Draw, type FuzzCase, probesFor, type World } from "./cases";
import {
  countDiff,
  createFuzzDatabase,
  DEFAULT_TEST_DATABASE_URL,
  type FuzzDatabase,
  Observer,
  seedFuzzDatabase,
} from "./database";
import { closeAgent, isResponse, type NoResponse, type RawResponse, send } from "./http";
import { type Coverage, type FuzzOperation, planCoverage } from "./operations";
import { type Finding, judge, type Symptom } from "./oracle";
import { assertProductionBuild, type FuzzServer, startServer } from "./server";

// The fuzz run: its own database and production server, then N requests one after another
// (sequential, so the row counts around a refused request are that request's doing), each judged
// by the oracle; failures are collected with the request that caused them and grouped.

export const DEFAULT_RUNS = 2_000;

export interface FuzzOptions {
  runs?: number;
  seed?: number;
  /** The repository (where .next, app/ and node_modules are). */
  cwd?: string;
  /** PostgreSQL server to create the run's database on. */
  testDatabaseUrl?: string;
  portFrom?: number;
  portTo?: number;
  /** How long a stalled-body probe waits for the answer (default 5 s). */
  stallMs?: number;
  /** Keep the database (prints its name) instead of dropping it. */
  keepDatabase?: boolean;
  log?: (line: string) => void;
  /** Extra environment for the server. */
  serverEnv?: Record<string, string>;
  /** Called once per request with what was sent and what came back (for --trace). */
  trace?: (entry: TraceEntry) => void;
}

export interface TraceEntry {
  index: number;
  op: string;
  label: string;
  method: string;
  path: string;
  bodyBytes: number;
  status: number | null;
  ms: number;
  response: string;
  findings: string[];
}

export interface FailureRecord {
  index: number;
  op: string;
  symptom: Symptom;
  signature: string;
  message: string;
  status: number | null;
  label: string;
  request: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string;
    bodyBytes: number;
    chunked: boolean;
  };
  response: string;
  serverLog: string[];
}

export interface FailureGroup {
  op: string;
  status: number | null;
  symptom: Symptom;
  signature: string;
  count: number;
  examples: FailureRecord[];
  /** Distinct case labels that met it (what kinds of request trigger it). */
  triggers: string[];
}

export interface OperationStats {
  op: string;
  source: FuzzOperation["source"];
  requests: number;
  statuses: Record<string, number>;
  failures: number;
}

export interface FuzzResult {
  seed: number;
  requests: number;
  serverErrors: number;
  failures: FailureRecord[];
  groups: FailureGroup[];
  coverage: Coverage;
  stats: OperationStats[];
  undocumented: { op: string; status: number; count: number }[];
  setupMs: number;
  fuzzMs: number;
  /** Where the fuzz time went: building requests, waiting for answers, counting rows. */
  timing: { buildMs: number; sendMs: number; countMs: number };
  /** The slowest answers (ms, request). */
  slowest: { ms: number; index: number; op: string; label: string }[];
  databaseName: string;
  ok: boolean;
}

const SERVER_ERROR_SYMPTOMS: Symptom[] = ["server-error", "server-exited"];

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

function opName(op: FuzzOperation): string {
  return `${op.method} ${op.template}`;
}

function redact(text: string, redactions: [string, string][]): string {
  let out = text;
  for (const [secret, label] of redactions) if (secret) out = out.split(secret).join(label);
  return out;
}

function showBody(body: Buffer | null, limit = 300): string {
  if (!body || body.length === 0) return "";
  const text = body
    .subarray(0, limit * 4)
    .toString("utf8")
    .slice(0, limit);
  // JSON-escaped so control characters, NUL and lone surrogates are visible.
  return JSON.stringify(text).slice(1, -1) + (body.length > Buffer.byteLength(text) ? "…" : "");
}

/**
 * The error a server log names, short and without numbers, ids or positions ("RangeError: Maximum
 * call stack size exceeded", "PostgresError: invalid byte sequence for encoding \"UTF8\": 0x00").
 */
export function errorSummary(lines: string[]): string | null {
  const text = lines.join("\n");
  const patterns = [
    /(PostgresError: [^\n]{0,100})/,
    /(invalid byte sequence for encoding[^\n'"]{0,40})/,
    /(unsupported Unicode escape sequence[^\n'"]{0,40})/,
    /message: '([^'\n]{0,100})'/,
    /\b((?:Range|Type|URI|Syntax|Reference)Error: [^\n]{0,100})/,
    /\b(\w*Error \[\w+\]: [^\n]{0,100})/,
    /\b(Error: (?!Failed query)[^\n]{0,100})/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (m)
      return m[1]!
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, "<id>")
        .replace(/\d+/g, "N")
        .trim();
  }
  return null;
}

function record(c: FuzzCase, finding: Finding, outcome: RawResponse | NoResponse, serverLog: string[]): FailureRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.request.headers)) {
    const shown = redact(v, c.redactions);
    // A token-looking value the run did not issue (a random one) is shown by its shape only.
    headers[k] =
      shown.replace(/pgt_[A-Za-z0-9_-]{43}/g, "<random pgt_ token>").slice(0, 200) + (shown.length > 200 ? "…" : "");
  }
  return {
    index: c.index,
    op: opName(c.op),
    symptom: finding.symptom,
    signature: `${finding.signature.replace(/\b\d{4,}\b/g, "N")}${finding.symptom === "server-error" && errorSummary(serverLog) ? ` — ${errorSummary(serverLog)}` : ""}`,
    message: finding.message,
    status: isResponse(outcome) ? outcome.status : null,
    label: c.label,
    request: {
      method: c.request.method,
      path:
        c.request.path.length > 300
          ? `${c.request.path.slice(0, 300)}… (${c.request.path.length} characters)`
          : c.request.path,
      headers,
      body: showBody(c.request.body),
      bodyBytes: c.request.stall?.declaredLength ?? c.request.body?.length ?? 0,
      chunked: !!c.request.chunked,
    },
    response: isResponse(outcome) ? redact(outcome.body.toString("utf8").slice(0, 500), c.redactions) : outcome.error,
    serverLog: serverLog.map((l) => redact(l, c.redactions)).slice(0, 60),
  };
}

export function groupFailures(failures: FailureRecord[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const key = `${f.op}\u0000${f.status}\u0000${f.symptom}\u0000${f.signature}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        op: f.op,
        status: f.status,
        symptom: f.symptom,
        signature: f.signature,
        count: 0,
        examples: [],
        triggers: [],
      };
      groups.set(key, g);
    }
    g.count++;
    if (g.examples.length < 3) g.examples.push(f);
    const trigger = f.label.replace(/ via (bearer|x-api-key|bearer-odd-case)/, "");
    if (g.triggers.length < 6 && !g.triggers.includes(trigger)) g.triggers.push(trigger);
  }
  const order: Symptom[] = [
    "server-exited",
    "server-error",
    "no-response",
    "rows-changed",
    "accepted-invalid",
    "unexpected-status",
    "error-shape",
    "field-not-named",
    "response-schema",
  ];
  return [...groups.values()].sort(
    (a, b) =>
      order.indexOf(a.symptom) - order.indexOf(b.symptom) ||
      a.op.localeCompare(b.op) ||
      (a.status ?? 0) - (b.status ?? 0) ||
      b.count - a.count,
  );
}

async function fetchJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

export async function runFuzz(options: FuzzOptions = {}): Promise<FuzzResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const runs = options.runs ?? DEFAULT_RUNS;
  const seed = options.seed ?? randomSeed();
  const cwd = options.cwd ?? process.cwd();
  const serverUrl =
    options.testDatabaseUrl?.trim() || process.env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;
  assertProductionBuild(cwd);

  const setupStarted = Date.now();
  let database: FuzzDatabase | null = null;
  let server: FuzzServer | null = null;
  let observer: Observer | null = null;
  try {
    database = await createFuzzDatabase(serverUrl);
    log(`fuzz: seed ${seed}, ${runs} requests, database ${database.name}`);
    const seeded = await seedFuzzDatabase(database.url);
    observer = new Observer(database.url);
    server = await startServer({
      cwd,
      databaseUrl: database.url,
      portFrom: options.portFrom ?? 3400,
      portTo: options.portTo ?? 3499,
      ...(options.serverEnv ? { env: options.serverEnv } : {}),
    });
    log(`fuzz: server ${server.baseUrl} (pid ${server.pid}), production build, PHASEGATE_BACKGROUND=0`);

    const doc = await fetchJson(`${server.baseUrl}/api/v1/openapi.json`);
    const coverage = planCoverage(doc as Parameters<typeof planCoverage>[0], path.join(cwd, "app"));
    for (const r of coverage.missingFromDocument)
      log(
        `fuzz: ${r.method} ${r.template} (${r.file}) is not in the OpenAPI document; fuzzed from a ${coverage.undescribed.includes(r) ? "generic" : "hand-written"} description`,
      );
    for (const k of coverage.withoutRoute) log(`fuzz: ${k} is in the OpenAPI document but no route file serves it`);

    const ids = await observer.ids();
    const world: World = {
      ids,
      mainProjectId: seeded.mainProjectId,
      otherProjectId: seeded.otherProjectId,
      tokens: seeded.tokens,
      doc,
      markdown: [],
      etags: [],
    };
    for (const plan of ids.plans.filter((p) => p.projectId === seeded.mainProjectId)) {
      const res = await fetch(`${server.baseUrl}/api/v1/plans/${plan.id}/export?format=markdown`, {
        headers: { authorization: `Bearer ${seeded.tokens.all}` },
      });
      if (res.ok) world.markdown.push(await res.text());
    }
    const setupMs = Date.now() - setupStarted;
    log(`fuzz: ready in ${(setupMs / 1000).toFixed(1)} s; ${coverage.operations.length} operations`);

    const ops = coverage.operations;
    // Body-taking operations get more requests: they have more to get wrong.
    const weights = ops.map((o) => (o.template.endsWith("openapi.json") ? 1 : o.body ? 4 : 2));
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const probes = probesFor(ops);
    const probeSlots = new Map<number, number>();
    const probeCount = Math.min(probes.length, Math.floor(runs / 4));
    for (let j = 0; j < probeCount; j++) probeSlots.set(Math.floor((j * runs) / probeCount), j);

    const failures: FailureRecord[] = [];
    const statsByOp = new Map<string, OperationStats>(
      ops.map((o) => [opName(o), { op: opName(o), source: o.source, requests: 0, statuses: {}, failures: 0 }]),
    );
    const undocumented = new Map<string, { op: string; status: number; count: number }>();
    let serverErrorRequests = 0;
    let counts = await observer.counts();
    let countsFresh = true;
    const fuzzStarted = Date.now();
    let sent = 0;
    const timing = { buildMs: 0, sendMs: 0, countMs: 0 };
    const slowest: FuzzResult["slowest"] = [];
    let mark = performance.now();
    const lap = (key: keyof typeof timing) => {
      const now = performance.now();
      timing[key] += now - mark;
      mark = now;
    };

    for (let i = 0; i < runs; i++) {
      mark = performance.now();
      let c: FuzzCase;
      const probeIndex = probeSlots.get(i);
      if (probeIndex !== undefined) {
        const probe = probes[probeIndex]!;
        c = buildCase(i, seed, probe.op, world, probe.forced, { stallMs: options.stallMs ?? 5_000, probe: true });
      } else {
        // The operation: a weighted draw from the case's own seed.
        let x = new Draw(seed ^ 0x5bd1e995, i).int(0, totalWeight - 1);
        let k = 0;
        while (x >= weights[k]!) x -= weights[k++]!;
        c = buildCase(i, seed, ops[k]!, world, {}, { stallMs: options.stallMs ?? 5_000 });
      }
      lap("buildMs");
      if (!countsFresh) {
        counts = await observer.counts();
        countsFresh = true;
      }
      lap("countMs");
      const lineMark = server.lineCount();
      const outcome = await send(server.baseUrl, c.request);
      sent++;
      lap("sendMs");
      if (slowest.length < 8 || outcome.ms > slowest[slowest.length - 1]!.ms) {
        slowest.push({ ms: outcome.ms, index: i, op: opName(c.op), label: c.label });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest.length = Math.min(slowest.length, 8);
      }
      const dbAnswers = isResponse(outcome) && outcome.status === 503 ? await observer.alive() : true;
      const judged = judge(c.op, c.facts, outcome, dbAnswers);
      const findings = [...judged.findings];
      const stats = statsByOp.get(opName(c.op))!;
      stats.requests++;
      const statusKey = isResponse(outcome) ? String(outcome.status) : "none";
      stats.statuses[statusKey] = (stats.statuses[statusKey] ?? 0) + 1;
      if (judged.undocumented !== null) {
        const key = `${opName(c.op)} ${judged.undocumented}`;
        const u = undocumented.get(key) ?? { op: opName(c.op), status: judged.undocumented, count: 0 };
        u.count++;
        undocumented.set(key, u);
      }

      if (isResponse(outcome)) {
        if (outcome.status >= 400 && outcome.status < 500) {
          const after = await observer.counts();
          const diff = countDiff(counts, after);
          if (diff.length)
            findings.push({
              symptom: "rows-changed",
              signature: diff.map((d) => d.replace(/[+-]?\d+$/, "±")).join(", "),
              message: `a refused request (${outcome.status}) changed row counts: ${diff.join(", ")}`,
            });
          counts = after;
        } else {
          // Accepted (or anything else): the database may have changed; refresh ids and counts.
          countsFresh = false;
          if (outcome.status >= 200 && outcome.status < 300 && c.request.method !== "GET")
            world.ids = await observer.ids();
          const etag = outcome.headers.etag;
          if (typeof etag === "string" && c.op.family === "ofrep" && !world.etags.includes(etag))
            world.etags = [...world.etags.slice(-4), etag];
        }
      } else countsFresh = false;
      lap("countMs");

      if (server.exited())
        findings.push({
          symptom: "server-exited",
          signature: `the server process ended (${server.exited()})`,
          message: `the server process ended (${server.exited()}) after this request`,
        });
      if (findings.length) {
        // Lines the server printed while it handled this request (errors and warnings).
        await new Promise((r) => setTimeout(r, 30));
        const serverLog = server
          .linesSince(lineMark)
          .map((l) => l.text)
          .filter((t) => t.trim());
        for (const f of findings) failures.push(record(c, f, outcome, serverLog));
        stats.failures++;
        if (
          findings.some(
            (f) => SERVER_ERROR_SYMPTOMS.includes(f.symptom) || (f.symptom === "no-response" && !c.request.stall),
          )
        )
          serverErrorRequests++;
      }
      options.trace?.({
        index: i,
        op: opName(c.op),
        label: c.label,
        method: c.request.method,
        path: c.request.path.slice(0, 300),
        bodyBytes: c.request.body?.length ?? 0,
        status: isResponse(outcome) ? outcome.status : null,
        ms: outcome.ms,
        response: isResponse(outcome)
          ? redact(outcome.body.toString("utf8").slice(0, 300), c.redactions)
          : outcome.error,
        findings: findings.map((f) => `${f.symptom}: ${f.message.slice(0, 200)}`),
      });
      if (server.exited()) break;
      if ((i + 1) % 250 === 0 && i + 1 < runs)
        log(
          `fuzz: ${i + 1}/${runs} requests, ${failures.length} failures so far (${((Date.now() - fuzzStarted) / 1000).toFixed(0)} s)`,
        );
    }
    const fuzzMs = Date.now() - fuzzStarted;
    const groups = groupFailures(failures);
    return {
      seed,
      requests: sent,
      serverErrors: serverErrorRequests,
      failures,
      groups,
      coverage,
      stats: [...statsByOp.values()],
      undocumented: [...undocumented.values()].sort((a, b) => a.op.localeCompare(b.op) || a.status - b.status),
      setupMs,
      fuzzMs,
      timing: {
        buildMs: Math.round(timing.buildMs),
        sendMs: Math.round(timing.sendMs),
        countMs: Math.round(timing.countMs),
      },
      slowest,
      databaseName: database.name,
      ok: failures.length === 0 && sent === runs,
    };
  } finally {
    closeAgent();
    await server?.stop();
    await observer?.close().catch(() => {});
    if (database) {
      if (options.keepDatabase) log(`fuzz: kept database ${database.name}`);
      else await database.drop();
    }
  }
}

/** The human report: coverage, per-operation statuses, undocumented statuses, and every failure group. */
export function formatReport(result: FuzzResult): string {
  const out: string[] = [];
  const { coverage } = result;
  out.push(`fuzz: seed ${result.seed} (reproduce: npm run fuzz -- --seed ${result.seed} --runs ${result.requests})`);
  out.push(
    `fuzz: ${result.requests} requests in ${(result.fuzzMs / 1000).toFixed(1)} s (setup ${(result.setupMs / 1000).toFixed(1)} s), ${(result.fuzzMs / Math.max(1, result.requests)).toFixed(1)} ms per request`,
  );
  const t = result.timing;
  out.push(
    `fuzz: time spent generating requests ${(t.buildMs / 1000).toFixed(1)} s, waiting for answers ${(t.sendMs / 1000).toFixed(1)} s, counting rows and reading ids ${(t.countMs / 1000).toFixed(1)} s`,
  );
  if (result.slowest.length) {
    out.push("fuzz: slowest answers:");
    for (const s of result.slowest)
      out.push(`  ${String(s.ms).padStart(6)} ms  #${s.index} ${s.op}: ${s.label.slice(0, 140)}`);
  }
  if (coverage.missingFromDocument.length) {
    out.push(
      "",
      "Routes missing from the OpenAPI document (fuzzed from hand-written descriptions in tests/fuzz/operations.ts):",
    );
    for (const r of coverage.missingFromDocument)
      out.push(
        `  ${r.method} ${r.template}  (${r.file})${coverage.undescribed.includes(r) ? "  — no description yet: fuzzed generically" : ""}`,
      );
  }
  if (coverage.withoutRoute.length) {
    out.push("", "In the OpenAPI document but served by no route file:");
    for (const k of coverage.withoutRoute) out.push(`  ${k}`);
  }
  out.push("", "Requests per operation (status: count):");
  for (const s of result.stats) {
    const statuses = Object.entries(s.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}:${v}`)
      .join(" ");
    out.push(
      `  ${s.op.padEnd(52)} ${String(s.requests).padStart(5)}  ${statuses}${s.failures ? `  (${s.failures} failing)` : ""}`,
    );
  }
  if (result.undocumented.length) {
    out.push("", "Statuses the OpenAPI document does not list for the operation (not counted as failures):");
    for (const u of result.undocumented) out.push(`  ${u.op} → ${u.status} (${u.count}×)`);
  }
  if (result.groups.length) {
    out.push("", `${result.failures.length} failures in ${result.groups.length} distinct groups:`);
    result.groups.forEach((g, n) => {
      out.push("", `#${n + 1} ${g.op} → ${g.status ?? "no answer"}  [${g.symptom}] ${g.signature}  (${g.count}×)`);
      const e = g.examples[0]!;
      out.push(`   ${e.message}`);
      out.push(`   triggered by: ${g.triggers.join(" | ")}`);
      out.push(`   example #${e.index}: ${e.request.method} ${e.request.path}${e.request.chunked ? " (chunked)" : ""}`);
      const headers = Object.entries(e.request.headers).map(([k, v]) => `${k}: ${v}`);
      if (headers.length) out.push(`     headers: ${headers.join(" | ")}`);
      if (e.request.bodyBytes) out.push(`     body (${e.request.bodyBytes} bytes): ${e.request.body}`);
      out.push(`     response: ${e.response.replace(/\s+/g, " ").slice(0, 300)}`);
      for (const line of e.serverLog.slice(0, 6)) out.push(`     server: ${line.slice(0, 240)}`);
      if (g.examples.length > 1)
        out.push(
          `   also #${g.examples
            .slice(1)
            .map((x) => x.index)
            .join(", #")}`,
        );
    });
  } else out.push("", "No failures.");
  return out.join("\n");
}

/** The final line, exactly: `fuzz: N requests, M server errors`. */
export function summaryLine(result: Pick<FuzzResult, "requests" | "serverErrors">): string {
  return `fuzz: ${result.requests} requests, ${result.serverErrors} server errors`;
}
