import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { DbHandle } from "@/db/client";
import { FlagStore } from "@/lib/flags/store";
import { TokenVerifier } from "@/lib/flags/token-verifier";
import { EventHub } from "@/lib/live/hub";
import {
  createEdgeMetrics,
  countEvaluations,
  type EdgeMetrics,
  edgeRouteLabel,
} from "@/lib/observability/edge-metrics";
import { createLogger, errorFields } from "@/lib/observability/log";
import { metricsTokenMatches } from "@/lib/observability/scrape";
import { EVENT_STREAM_HEADERS, EVENT_STREAM_PATH, OfrepEventStreams } from "@/lib/ofrep/event-streams";
import { handleOfrep } from "@/lib/ofrep/handler";
import { type RateLimiter } from "@/lib/ofrep/rate-limit";
import { acceptRequestId } from "@/lib/safe-redirect";
import { EVENTS_CHANNEL, eventPayload } from "@/lib/services/events";
import { DatabaseWatch, type WatchOptions } from "./database-watch";
import { healthReport } from "./health";
import { headersOf, JSON_NO_STORE, readCapped, send, within } from "./http";

// The edge evaluator: OFREP on plain node:http, no web framework in the request path. It holds
// its projects' flags in memory, reloaded when PostgreSQL announces a change (LISTEN/NOTIFY), so
// any number of these can run beside the app and answer flag reads at the rate applications make
// them. Same evaluation code as the app's /ofrep routes.
//
// The database may go away at any time: the edge then answers from the flags it holds, checks
// the database with back-off, and once it answers again reloads everything; while notifications
// do not arrive it reloads on its check timer instead. It never fails because the database did.

export interface EdgeOptions {
  handle: DbHandle;
  port?: number;
  host?: string;
  limiter?: RateLimiter | null;
  /** How long /health waits for the database before calling it unreachable. */
  healthTimeoutMs?: number;
  /** Tests only: shorter backstop ages for flags and tokens held in memory. */
  timing?: { maxAgeMs?: number; knownTtlMs?: number; retryMs?: number };
  /** How the database is watched (check interval, back-off). */
  watch?: Pick<WatchOptions, "intervalMs" | "minBackoffMs" | "maxBackoffMs">;
  logger?: Logger;
  metrics?: EdgeMetrics;
  /** The bearer token /metrics requires; /metrics answers 404 without one. */
  metricsToken?: string;
}

export interface Edge {
  url: string;
  port: number;
  flags: FlagStore;
  streams: OfrepEventStreams;
  metrics: EdgeMetrics;
  /**
   * Stops taking connections, lets requests under way finish (for at most `graceMs`, then cuts
   * what is left), stops timers and LISTEN. Never rejects. The database handle stays open.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

// What one request learned on its way, for its log line.
const requestScope = new AsyncLocalStorage<{ projectId?: string }>();

/** Notes the project a request's token belongs to. */
class ObservedTokens extends TokenVerifier {
  override async check(...args: Parameters<TokenVerifier["check"]>): ReturnType<TokenVerifier["check"]> {
    const result = await super.check(...args);
    if (result.ok) {
      const scope = requestScope.getStore();
      if (scope) scope.projectId = result.projectId;
    }
    return result;
  }
}

// A load that takes longer than this is not waited for when a snapshot can answer.
const STALE_AFTER_MS = 1_500;

export async function startEdge(options: EdgeOptions): Promise<Edge> {
  const { handle } = options;
  const logger = options.logger ?? createLogger("phasegate-edge");
  const metrics = options.metrics ?? createEdgeMetrics();
  const hub = new EventHub(async () => handle);
  const flags = new FlagStore(handle.db, {
    ...options.timing,
    staleAfterMs: STALE_AFTER_MS,
    onLoad: (outcome, projectId) => {
      metrics.reloads.inc({ outcome });
      if (outcome === "failed") logger.debug({ projectId }, "flags could not be reloaded; the last snapshot answers");
    },
  });
  // An edge writes nothing (its role may be read-only): a token's use is announced, and the app
  // records it.
  const tokens = new ObservedTokens(handle.db, { ...options.timing, staleAfterMs: STALE_AFTER_MS }, (token, at) =>
    handle.db.execute(
      sql`select pg_notify(${EVENTS_CHANNEL}, ${eventPayload({ type: "token.used", projectId: token.projectId, tokenId: token.id, at: at.toISOString() })})`,
    ),
  );
  const subscribe = (fn: Parameters<EventHub["subscribe"]>[1]) => hub.subscribe("*", fn);
  await flags.follow(subscribe);
  await tokens.follow(subscribe);
  const watchInterval = options.watch?.intervalMs ?? 5_000;
  const watch = new DatabaseWatch(handle, {
    ...options.watch,
    intervalMs: watchInterval,
    timeoutMs: options.healthTimeoutMs ?? 2_000,
    onChange(now, before) {
      if (now.state !== before.state) metrics.databaseTransitions.inc({ state: now.state });
      if (now.state === "unreachable") {
        logger.warn(
          { reason: now.reason, projectsHeld: flags.status().projects },
          "database unreachable: answering from the flags held in memory, checking again with back-off",
        );
        return;
      }
      if (before.state === "unreachable")
        logger.info(
          { downSeconds: Math.round((Date.now() - before.since.getTime()) / 1000), listening: now.listening },
          "database answers again: reloading flags",
        );
      if (!now.listening) {
        logger.warn(
          { reloadEverySeconds: watchInterval / 1000 },
          "change notifications do not arrive: reloading flags on every check until they do",
        );
        return;
      }
      if (before.state === "connected") logger.info("change notifications arrive again: reloading flags");
      flags.invalidateAll();
    },
    // Without notifications, changes are found by reloading.
    onDeaf: () => flags.invalidateAll(),
  });
  await watch.start();
  metrics.observeWith(() => ({
    snapshots: flags.status().snapshots,
    databaseUp: watch.current.state === "connected",
    listening: watch.current.listening && hub.listening,
  }));
  // The driver re-established LISTEN after a dropped connection (followers reload by themselves);
  // it may say so several times in a row.
  let resyncLoggedAt = 0;
  await subscribe((message) => {
    if (message.kind !== "resync" || Date.now() - resyncLoggedAt < 5_000) return;
    resyncLoggedAt = Date.now();
    logger.info("LISTEN re-established after a dropped connection: reloading flags and tokens");
    void watch.check();
  });

  const streams = new OfrepEventStreams(flags, tokens);
  const deps = { flags, tokens, limiter: options.limiter ?? null, streams };
  const startedAt = Date.now();
  let stopping = false;

  async function health() {
    const condition = await watch.check();
    return healthReport({
      condition,
      listening: condition.listening && hub.listening,
      held: flags.status(),
      kind: handle.kind,
      startedAt,
      stopping,
    });
  }

  async function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse) {
    const expected = options.metricsToken?.trim();
    if (!expected)
      return send(
        res,
        404,
        JSON_NO_STORE,
        JSON.stringify({ error: "Metrics are off: set PHASEGATE_METRICS_TOKEN and scrape with it as a bearer token" }),
      );
    if (!metricsTokenMatches(expected, headersOf(req).get("authorization"))) {
      return send(
        res,
        401,
        { ...JSON_NO_STORE, "www-authenticate": 'Bearer realm="phasegate-metrics"' },
        JSON.stringify({ error: "Send the metrics token as Authorization: Bearer …" }),
      );
    }
    send(
      res,
      200,
      { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
      await metrics.registry.metrics(),
    );
  }

  /** GET /ofrep/v1/event-stream: held open, written to as the project's flags change. */
  function stream(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
    if (req.method !== "GET")
      return send(res, 405, { ...JSON_NO_STORE, allow: "GET" }, JSON.stringify({ errorDetails: "Use GET" }));
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    const sink = {
      write(chunk: string) {
        if (!res.headersSent) res.writeHead(200, EVENT_STREAM_HEADERS);
        res.write(chunk);
      },
      end: () => res.end(),
    };
    streams
      .open(query, headersOf(req).get("last-event-id"), sink)
      .then((opened) => {
        if (!opened.ok) return send(res, opened.status, { ...JSON_NO_STORE, ...opened.headers }, opened.body);
        if (res.destroyed) return opened.close();
        res.once("close", opened.close);
      })
      .catch((error: unknown) => {
        logger.error({ requestId, ...errorFields(error) }, "event stream failed to open");
        send(res, 500, JSON_NO_STORE, JSON.stringify({ errorDetails: "The event stream could not be opened" }));
      });
  }

  function evaluate(req: http.IncomingMessage, res: http.ServerResponse, path: string, requestId: string) {
    // The token is checked before the body is read; a body is read only up to the cap.
    const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
    handleOfrep(deps, {
      method: req.method ?? "GET",
      path,
      query,
      headers: headersOf(req),
      body: (maxBytes) => readCapped(req, maxBytes),
    })
      .then((r) => {
        if (r.status === 429) metrics.rateLimited.inc();
        else countEvaluations(metrics, r.outcomes);
        // Whatever was not read stays unread: the connection closes instead of draining it.
        if (!req.complete) res.shouldKeepAlive = false;
        send(res, r.status, r.headers, r.body);
      })
      .catch((error: unknown) => {
        logger.error({ requestId, ...errorFields(error) }, "flag evaluation failed");
        metrics.evaluations.inc({ reason: "ERROR", error_code: "GENERAL" });
        send(
          res,
          500,
          JSON_NO_STORE,
          JSON.stringify({ errorCode: "GENERAL", errorDetails: "Flags could not be evaluated" }),
        );
      });
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const requestId = acceptRequestId(
      typeof req.headers["x-request-id"] === "string" ? req.headers["x-request-id"] : null,
    );
    res.setHeader("x-request-id", requestId);
    // While stopping, every answer is the connection's last.
    if (stopping) res.shouldKeepAlive = false;
    const path = (req.url ?? "/").split("?")[0]!;
    const route = edgeRouteLabel(path);
    const scope: { projectId?: string } = {};
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.headersSent ? res.statusCode : 499;
      metrics.httpDuration.observe({ route, method: req.method ?? "GET", status: String(status) }, seconds);
      const line = {
        requestId,
        method: req.method,
        route,
        status,
        ms: Math.round(seconds * 1_000_000) / 1000,
        ...(scope.projectId ? { projectId: scope.projectId } : {}),
      };
      // Load balancers and scrapers call every few seconds: kept out of the info stream.
      if (route === "/health" || route === "/metrics") logger.debug(line, "request");
      else logger.info(line, "request");
    });
    req.on("error", () => res.destroy());
    if (req.method === "GET" && path === "/health") {
      void health().then(({ status, body }) => send(res, status, JSON_NO_STORE, JSON.stringify(body)));
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      serveMetrics(req, res).catch((error: unknown) => {
        logger.error({ requestId, ...errorFields(error) }, "metrics could not be collected");
        send(res, 500, JSON_NO_STORE, JSON.stringify({ error: "Metrics could not be collected" }));
      });
      return;
    }
    if (path === EVENT_STREAM_PATH) {
      requestScope.run(scope, () => stream(req, res, requestId));
      return;
    }
    requestScope.run(scope, () => evaluate(req, res, path, requestId));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  server.on("error", (error) => logger.error(errorFields(error), "HTTP server error"));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;

  async function drainThenStop(graceMs: number) {
    const deadline = Date.now() + graceMs;
    stopping = true;
    // Event streams never end by themselves: they are told to reconnect (elsewhere) and closed.
    streams.closeAll();
    // New connections are refused at once; idle keep-alive ones close now, busy ones after their answer.
    const drained = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
    server.closeIdleConnections();
    // Leaves room for the steps after it within the grace period.
    const reserve = Math.min(3_000, graceMs / 3);
    const done = await within(drained, Math.max(0, deadline - Date.now() - reserve), false);
    if (!done) {
      logger.warn({ graceMs }, "requests still under way at the end of the grace period: connections cut");
      server.closeAllConnections();
    }
    flags.stop();
    tokens.stop();
    const stepMs = () => Math.max(100, Math.min(2_000, deadline - Date.now()));
    await within(watch.stop(), stepMs(), undefined);
    await hub.close(stepMs());
  }

  return {
    url: `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`,
    port,
    flags,
    streams,
    metrics,
    close({ graceMs = 10_000 } = {}) {
      closing ??= drainThenStop(graceMs).catch((error: unknown) =>
        logger.error(errorFields(error), "edge shutdown step failed"),
      );
      return closing;
    },
  };
}
