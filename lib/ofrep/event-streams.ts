import { createHash } from "node:crypto";
import type { FlagStore } from "@/lib/flags/store";
import type { TokenVerifier } from "@/lib/flags/token-verifier";
import type { ProjectFlags } from "@/lib/flags/snapshot";
import { groupBy } from "@/lib/domain/group-by";
import { isDatabaseUnavailable } from "@/lib/errors";
import { streamKeyForToken } from "./stream-key";

// OFREP event streams (ADR 0008 of the OpenFeature protocol): a bulk evaluation answer advertises
// GET /ofrep/v1/event-stream; a provider keeps it open and, on each `refetchEvaluation`, fetches
// the bulk evaluation again with `flagConfigEtag` (and `flagConfigLastModified`).
//
// Framework-free, like handler.ts: the edge and the app each give it their flag store and token
// verifier and write what it sends into their responses.
//
// - The configuration ETag is a hash of the project's compiled flags (variants, rules, segments,
//   the rollout % its plan's phase gives), so every instance computes the same tag for the same
//   database state. It is also the SSE event id.
// - When the flag store hears a change, the project's flags are read again after a short pause
//   (bursts coalesce into one read) and an event goes out only if the tag changed.
// - A reconnect with Last-Event-ID different from the current tag gets one event at once: it
//   missed at least one change, and one refetch brings it up to date (on any instance).

export const EVENT_STREAM_PATH = "/ofrep/v1/event-stream";
export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/** Where the events go: an HTTP response's body, however the server writes it. */
export interface StreamSink {
  write(chunk: string): void;
  end(): void;
}

export interface EventStreamsOptions {
  /** Changes heard within this long are one event (default 50 ms). */
  coalesceMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 20 s). */
  heartbeatMs?: number;
  /** Advertised: seconds a hidden client stays connected (default 120, the ADR's default). */
  inactivityDelaySec?: number;
  /** Streams one process keeps open at most (default 20,000). */
  maxStreams?: number;
}

export interface ConfigVersion {
  /** The quoted ETag, e.g. "\"q1w2…\"". */
  etag: string;
  /** The hash alone: the SSE event id. */
  id: string;
  /** Unix seconds this process first saw this configuration. */
  lastModified: number;
}

export interface AdvertisedStream {
  type: "sse";
  endpoint: { requestUri: string };
  inactivityDelaySec: number;
}

export type OpenResult =
  { ok: true; close: () => void } | { ok: false; status: number; body: string; headers?: Record<string, string> };

interface Client {
  projectId: string;
  tokenId: string;
  key: string;
  sink: StreamSink;
  heartbeat: NodeJS.Timeout;
}

const tags = new WeakMap<ProjectFlags, string>();

/** The hash of a project's compiled flags, in key order with sets as sorted lists. */
export function configHash(flags: ProjectFlags): string {
  let tag = tags.get(flags);
  if (tag) return tag;
  const canonical = [...flags.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((f) => ({
      ...f,
      rules: f.rules.map((r) => ({
        variant: r.variant,
        segment:
          r.segment.kind === "user_list" ? { ...r.segment, userKeys: [...r.segment.userKeys].sort() } : r.segment,
      })),
    }));
  tag = createHash("sha256").update(JSON.stringify(canonical)).digest("base64url").slice(0, 27);
  tags.set(flags, tag);
  return tag;
}

/** One `refetchEvaluation` event in SSE form. */
export function refetchEvent(version: ConfigVersion): string {
  return `id: ${version.id}\nevent: message\ndata: ${JSON.stringify({ type: "refetchEvaluation", etag: version.etag, lastModified: version.lastModified })}\n\n`;
}

export class OfrepEventStreams {
  private readonly clients = new Map<string, Set<Client>>();
  private readonly versions = new Map<string, ConfigVersion>();
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly checking = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly coalesceMs: number;
  private readonly heartbeatMs: number;
  private readonly maxStreams: number;
  readonly inactivityDelaySec: number;
  private stopListening: (() => void) | null = null;
  private stopForgetting: (() => void) | null = null;
  private closing = false;
  private openCount = 0;
  /** Events written, for /metrics and tests. */
  sent = 0;

  constructor(
    private readonly flags: FlagStore,
    private readonly tokens: TokenVerifier,
    options: EventStreamsOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 50;
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.inactivityDelaySec = options.inactivityDelaySec ?? 120;
    this.maxStreams = options.maxStreams ?? 20_000;
    this.stopListening = flags.onInvalidate((projectId) => {
      if (projectId) this.schedule(projectId);
      else for (const id of this.clients.keys()) this.schedule(id);
    });
    // A token revoked (or its creator's role gone) ends the streams it opened.
    this.stopForgetting = tokens.onForget(() => void this.recheckTokens());
  }

  private async recheckTokens() {
    const byCredential = groupBy(
      [...this.clients.values()].flatMap((set) => [...set]),
      (c) => `${c.tokenId} ${c.key}`,
    );
    for (const held of byCredential.values()) {
      const { tokenId, key } = held[0]!;
      let ok = true;
      try {
        ok = (await this.tokens.checkStream(tokenId, key, "flags:evaluate")).ok;
      } catch {
        continue; // the database is away: nobody can revoke anything meanwhile
      }
      if (ok) continue;
      for (const client of held) {
        this.drop(client);
        try {
          client.sink.end();
        } catch {
          // already gone
        }
      }
    }
  }

  /** Streams open now. */
  get size(): number {
    return this.openCount;
  }

  /** What a bulk evaluation answer lists under `eventStreams` for this token. */
  advertise(presentedToken: string, tokenId: string): AdvertisedStream[] {
    const query = new URLSearchParams({ token: tokenId, key: streamKeyForToken(presentedToken, tokenId) });
    return [
      {
        type: "sse",
        endpoint: { requestUri: `${EVENT_STREAM_PATH}?${query}` },
        inactivityDelaySec: this.inactivityDelaySec,
      },
    ];
  }

  /** The version of these flags (a tag not announced yet is dated now). */
  versionOf(projectId: string, flags: ProjectFlags): ConfigVersion {
    const id = configHash(flags);
    const known = this.versions.get(projectId);
    return known?.id === id ? known : { id, etag: `"${id}"`, lastModified: Math.floor(Date.now() / 1000) };
  }

  /**
   * Opens a stream for `GET /ofrep/v1/event-stream?token=…&key=…`: checks the credential, then
   * writes to `sink` until the client goes (call `close`) or the process stops.
   */
  async open(query: URLSearchParams, lastEventId: string | null, sink: StreamSink): Promise<OpenResult> {
    if (this.closing)
      return {
        ok: false,
        status: 503,
        body: JSON.stringify({ errorDetails: "This server is shutting down; connect again" }),
        headers: { "retry-after": "1" },
      };
    if (this.openCount >= this.maxStreams)
      return {
        ok: false,
        status: 503,
        body: JSON.stringify({
          errorDetails: "This server holds as many event streams as it may; poll, or connect again later",
        }),
        headers: { "retry-after": "30" },
      };
    let projectId: string;
    let version: ConfigVersion;
    try {
      const token = await this.tokens.checkStream(query.get("token"), query.get("key"), "flags:evaluate");
      if (!token.ok) return { ok: false, status: token.status, body: JSON.stringify({ errorDetails: token.reason }) };
      projectId = token.projectId;
      const flags = await this.flags.flagsFor(projectId);
      version = this.versionOf(projectId, flags);
      // The project's first stream sets what the others are compared with; a later one must not
      // (a change it already sees may not have been announced to the rest yet).
      if (!this.clients.has(projectId)) {
        this.clients.set(projectId, new Set());
        this.versions.set(projectId, version);
      }
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return {
        ok: false,
        status: 503,
        body: JSON.stringify({
          errorDetails: "Flags cannot be read right now (the database is not answering); connect again shortly",
        }),
        headers: { "retry-after": "5" },
      };
    }
    const client: Client = {
      projectId,
      tokenId: query.get("token")!,
      key: query.get("key")!,
      sink,
      heartbeat: setInterval(() => this.write(client, ": keep-alive\n\n"), this.heartbeatMs),
    };
    client.heartbeat.unref?.();
    this.clients.get(projectId)!.add(client);
    this.openCount++;
    // How long a client waits before reconnecting after the stream breaks.
    this.write(client, "retry: 2000\n: connected\n\n");
    // It missed at least one change while away: one refetch brings it up to date.
    if (lastEventId && lastEventId !== version.id) this.write(client, refetchEvent(version));
    let closed = false;
    return {
      ok: true,
      close: () => {
        if (closed) return;
        closed = true;
        this.drop(client);
      },
    };
  }

  /** Ends every stream, asking clients to reconnect (to another instance) after about a second. */
  closeAll(): void {
    this.closing = true;
    this.stopListening?.();
    this.stopForgetting?.();
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    for (const set of this.clients.values()) {
      for (const client of [...set]) {
        this.write(client, `retry: ${1000 + Math.floor(Math.random() * 1000)}\n\n`);
        this.drop(client);
        try {
          client.sink.end();
        } catch {
          // already gone
        }
      }
    }
  }

  private drop(client: Client) {
    clearInterval(client.heartbeat);
    const set = this.clients.get(client.projectId);
    if (set?.delete(client)) this.openCount--;
    if (set && set.size === 0) {
      this.clients.delete(client.projectId);
      this.versions.delete(client.projectId);
    }
  }

  private write(client: Client, chunk: string) {
    try {
      client.sink.write(chunk);
    } catch {
      this.drop(client);
    }
  }

  private schedule(projectId: string) {
    if (!this.clients.has(projectId) || this.closing) return;
    if (this.checking.has(projectId)) {
      // A read is under way and may predate this change: look again once it is done.
      this.dirty.add(projectId);
      return;
    }
    if (this.scheduled.has(projectId)) return;
    const timer = setTimeout(() => {
      this.scheduled.delete(projectId);
      const run = this.check(projectId).finally(() => {
        this.checking.delete(projectId);
        if (this.dirty.delete(projectId)) this.schedule(projectId);
      });
      this.checking.set(projectId, run);
    }, this.coalesceMs);
    timer.unref?.();
    this.scheduled.set(projectId, timer);
  }

  /** Reads the project's flags; when their tag changed, every stream of the project hears it. */
  private async check(projectId: string) {
    let flags: ProjectFlags;
    try {
      flags = await this.flags.flagsFor(projectId);
    } catch {
      return; // the database is away: nothing can have changed; the store retries
    }
    const before = this.versions.get(projectId);
    const id = configHash(flags);
    if (!this.clients.has(projectId) || before?.id === id) return;
    const version = { id, etag: `"${id}"`, lastModified: Math.floor(Date.now() / 1000) };
    this.versions.set(projectId, version);
    const event = refetchEvent(version);
    for (const client of [...(this.clients.get(projectId) ?? [])]) this.write(client, event);
    this.sent++;
  }
}
