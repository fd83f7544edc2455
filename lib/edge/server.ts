import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { describeError } from "@/lib/errors";
import { FlagStore } from "@/lib/flags/store";
import { TokenVerifier } from "@/lib/flags/token-verifier";
import { EventHub } from "@/lib/live/hub";
import { type BodyRead, handleOfrep } from "@/lib/ofrep/handler";
import { type RateLimiter } from "@/lib/ofrep/rate-limit";
import { EVENTS_CHANNEL, eventPayload } from "@/lib/services/events";

// The edge evaluator: OFREP on plain node:http, no web framework in the request path. It holds
// its projects' flags in memory, reloaded when PostgreSQL announces a change (LISTEN/NOTIFY), so
// any number of these can run beside the app and answer flag reads at the rate applications make
// them. Same evaluation code as the app's /ofrep routes.

export interface EdgeOptions {
  handle: DbHandle;
  port?: number;
  host?: string;
  limiter?: RateLimiter | null;
  /** How long /health waits for the database before calling it unreachable. */
  healthTimeoutMs?: number;
  /** Tests only: shorter backstop ages for flags and tokens held in memory. */
  timing?: { maxAgeMs?: number; knownTtlMs?: number; retryMs?: number };
}

/** `select 1`, given at most `timeoutMs`: a cut connection must not hold the health check. */
async function pingDatabase(handle: DbHandle, timeoutMs: number): Promise<{ ok: true; ms: number } | { ok: false; reason: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([handle.db.execute(sql`select 1`), timeout]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}

export interface Edge {
  url: string;
  port: number;
  flags: FlagStore;
  close(): Promise<void>;
}

function headersOf(req: http.IncomingMessage): Pick<Headers, "get"> {
  return {
    get(name: string) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The request body up to `maxBytes`; past that, reading stops. */
function readCapped(req: http.IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      try {
        resolve({ ok: true, text: utf8.decode(Buffer.concat(chunks)) });
      } catch {
        resolve({ ok: false, reason: "not_utf8" });
      }
    });
    req.once("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | null) {
  res.writeHead(status, body === null ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body ?? undefined);
}

export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const { handle } = options;
  const hub = new EventHub(async () => handle);
  const flags = new FlagStore(handle.db, options.timing);
  // An edge writes nothing (its role may be read-only): a token's use is announced, and the app
  // records it.
  const tokens = new TokenVerifier(handle.db, options.timing, (token, at) =>
    handle.db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${eventPayload({ type: "token.used", projectId: token.projectId, tokenId: token.id, at: at.toISOString() })})`),
  );
  const subscribe = (fn: Parameters<EventHub["subscribe"]>[1]) => hub.subscribe("*", fn);
  await flags.follow(subscribe);
  await tokens.follow(subscribe);
  const deps = { flags, tokens, limiter: options.limiter ?? null };
  const startedAt = Date.now();
  // One ping at a time: health checks arriving while the database hangs share the one in flight
  // instead of queueing more queries behind it.
  let ping: ReturnType<typeof pingDatabase> | null = null;

  /**
   * For load balancers and people: 200 while the database answers, 503 while it does not (the
   * edge then answers from the flags it holds, as they were last loaded), with what it holds.
   */
  async function health() {
    ping ??= pingDatabase(handle, options.healthTimeoutMs ?? 2_000).finally(() => {
      ping = null;
    });
    const database = await ping;
    const held = flags.status();
    const body = {
      status: database.ok ? "ok" : "degraded",
      db: handle.kind,
      database: database.ok ? `answering (${database.ms} ms)` : `not answering: ${database.reason}`,
      listening: hub.listening,
      projects: held.projects,
      servedFromMemory: held.servedFromMemory.map((p) => ({ projectId: p.projectId, since: p.since.toISOString(), reason: p.reason })),
      reloads: held.reloads,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    return { status: database.ok ? 200 : 503, body };
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET" && path === "/health") {
      void health().then(({ status, body }) => send(res, status, { "content-type": "application/json", "cache-control": "no-store" }, JSON.stringify(body)));
      return;
    }
    // The token is checked before the body is read; a body is read only up to the cap.
    handleOfrep(deps, { method: req.method ?? "GET", path, headers: headersOf(req), body: (maxBytes) => readCapped(req, maxBytes) })
      .then((r) => {
        // Whatever was not read stays unread: the connection closes instead of draining it.
        if (!req.complete) res.shouldKeepAlive = false;
        send(res, r.status, r.headers, r.body);
      })
      .catch(() => send(res, 500, { "content-type": "application/json" }, JSON.stringify({ errorCode: "GENERAL", errorDetails: "Flags could not be evaluated" })));
    req.on("error", () => res.destroy());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`,
    port,
    flags,
    async close() {
      flags.stop();
      tokens.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.close();
    },
  };
}
