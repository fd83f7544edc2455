import type { Database } from "@/db/client";
import type { HubMessage } from "@/lib/live/hub";
import { loadProjectFlags, type ProjectFlags } from "./snapshot";

// Each evaluating process (the app, every edge evaluator) keeps its projects' compiled flags in
// memory and reloads a project when PostgreSQL tells it something changed: a flag or segment
// edit, a kill switch, a plan transition or decision (the rollout % follows the active phase).
// After a lost LISTEN connection everything is reloaded. A load that started before a change was
// heard is never kept: the next request loads again.
//
// When the database does not answer, the last snapshot that loaded is served (stale-if-error)
// and a reload is tried again every few seconds: applications keep getting the answers they got a
// moment ago instead of errors. Nobody can change a flag while the database is away, so what is
// served is what was decided; /health says which projects are served from memory, and since when.

const RELOAD_ON = ["flags.", "flag.", "plan.", "decision.", "phase."];
// A backstop for a LISTEN connection that died without saying so (a half-open socket, a pooler
// that drops LISTEN): no project's flags are served from memory longer than this.
const MAX_AGE_MS = 30_000;

export type Subscribe = (fn: (message: HubMessage) => void) => Promise<() => void>;

// While the database does not answer, a reload is tried again this often.
const RETRY_MS = 2_000;

interface Entry {
  generation: number;
  loadedAt: number;
  flags: Promise<ProjectFlags>;
  settled: boolean;
}

interface Snapshot {
  generation: number;
  flags: ProjectFlags;
  /** When these flags were read from the database. */
  loadedAt: number;
}

export interface FlagStoreOptions {
  maxAgeMs?: number;
  retryMs?: number;
  /**
   * How long a request waits for a load before the last snapshot answers instead (unset: as
   * long as the load takes). A database that hangs rather than refuses must not hold requests.
   */
  staleAfterMs?: number;
  /** Told about every load from the database and how it ended. */
  onLoad?: (outcome: "ok" | "failed", projectId: string) => void;
}

export interface FlagStoreStatus {
  /** Projects whose flags are in memory. */
  projects: number;
  /** Projects served from their last snapshot because reloading failed, with when it first failed and why. */
  servedFromMemory: { projectId: string; since: Date; reason: string }[];
  reloads: number;
  /** Each held snapshot and when it was loaded (epoch ms). */
  snapshots: { projectId: string; loadedAt: number }[];
}

export class FlagStore {
  private readonly cache = new Map<string, Entry>();
  private readonly lastGood = new Map<string, Snapshot>();
  private readonly failing = new Map<string, { since: Date; reason: string }>();
  private readonly refreshing = new Set<string>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private unsubscribe: (() => void) | null = null;
  private readonly invalidationListeners = new Set<(projectId: string | null) => void>();
  private readonly reloading = new Map<string, Promise<ProjectFlags>>();
  reloads = 0;
  private readonly maxAgeMs: number;
  private readonly retryMs: number;
  private readonly staleAfterMs: number | undefined;
  private readonly onLoad: FlagStoreOptions["onLoad"];

  constructor(
    private readonly db: Database,
    options: FlagStoreOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS;
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.staleAfterMs = options.staleAfterMs;
    this.onLoad = options.onLoad;
  }

  /** Follows change notifications; until this resolves, answers may lag behind changes. */
  async follow(subscribe: Subscribe): Promise<void> {
    this.unsubscribe = await subscribe((message) => {
      if (message.kind === "resync") return this.invalidateAll();
      const { type, projectId } = message.event;
      if (projectId && RELOAD_ON.some((prefix) => type.startsWith(prefix))) this.invalidate(projectId);
    });
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * Hears every invalidation, after it happened: a project's id, or null when everything was
   * (the OFREP event streams then look whether the configuration really changed).
   */
  onInvalidate(listener: (projectId: string | null) => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  /**
   * The project's flags read from the database now. Callers arriving while such a read is under
   * way share it (a burst of clients that all know of a newer configuration costs one read).
   */
  reload(projectId: string): Promise<ProjectFlags> {
    const running = this.reloading.get(projectId);
    if (running) return running;
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
    this.cache.delete(projectId);
    const read = this.flagsFor(projectId).finally(() => this.reloading.delete(projectId));
    this.reloading.set(projectId, read);
    return read;
  }

  status(): FlagStoreStatus {
    return {
      projects: this.lastGood.size,
      servedFromMemory: [...this.failing.entries()]
        .filter(([id]) => this.lastGood.has(id))
        .map(([projectId, f]) => ({ projectId, ...f })),
      reloads: this.reloads,
      snapshots: [...this.lastGood.entries()].map(([projectId, s]) => ({ projectId, loadedAt: s.loadedAt })),
    };
  }

  private generationOf(projectId: string) {
    return this.epoch + (this.generations.get(projectId) ?? 0);
  }

  invalidate(projectId: string) {
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
    const had = this.cache.delete(projectId);
    // Warm it again at once, so the next request does not wait for the load.
    if (had) void this.flagsFor(projectId).catch(() => {});
    for (const listener of this.invalidationListeners) listener(projectId);
  }

  invalidateAll() {
    this.epoch++;
    const projects = [...this.cache.keys()];
    this.cache.clear();
    for (const id of projects) void this.flagsFor(id).catch(() => {});
    for (const listener of this.invalidationListeners) listener(null);
  }

  /** The project's compiled flags, loaded once and kept until a change is heard. */
  flagsFor(projectId: string): Promise<ProjectFlags> {
    const generation = this.generationOf(projectId);
    const cached = this.cache.get(projectId);
    if (cached && cached.generation === generation) {
      if (Date.now() - cached.loadedAt < this.maxAgeMs)
        return cached.settled ? cached.flags : this.boundedWait(projectId, cached.flags);
      // Aged out with no change heard: answer from the snapshot while a fresh one loads.
      const good = this.lastGood.get(projectId);
      if (good && good.generation === generation) {
        this.refreshInBackground(projectId, generation);
        return Promise.resolve(good.flags);
      }
    }
    const entry: Entry = { generation, loadedAt: Date.now(), flags: this.load(projectId, generation), settled: false };
    this.cache.set(projectId, entry);
    entry.flags.then(
      () => {
        entry.settled = true;
      },
      () => {
        // A failed load with nothing to fall back on is not kept: the next request tries again.
        if (this.cache.get(projectId) === entry) this.cache.delete(projectId);
      },
    );
    return this.boundedWait(projectId, entry.flags);
  }

  /** The load, or the last snapshot when the load takes longer than `staleAfterMs`. */
  private boundedWait(projectId: string, loading: Promise<ProjectFlags>): Promise<ProjectFlags> {
    const good = this.lastGood.get(projectId);
    if (this.staleAfterMs === undefined || !good) return loading;
    let timer: NodeJS.Timeout | undefined;
    const fallback = new Promise<ProjectFlags>((resolve) => {
      timer = setTimeout(() => resolve(good.flags), this.staleAfterMs);
    });
    return Promise.race([loading, fallback]).finally(() => clearTimeout(timer));
  }

  /** Loads a snapshot; when the database fails, falls back on the last one and retries soon. */
  private async load(projectId: string, generation: number): Promise<ProjectFlags> {
    this.reloads++;
    try {
      const flags = await loadProjectFlags(this.db, projectId);
      this.lastGood.set(projectId, { generation, flags, loadedAt: Date.now() });
      this.failing.delete(projectId);
      this.onLoad?.("ok", projectId);
      return flags;
    } catch (error) {
      this.onLoad?.("failed", projectId);
      const good = this.lastGood.get(projectId);
      if (!this.failing.has(projectId))
        this.failing.set(projectId, {
          since: new Date(),
          reason: error instanceof Error ? error.message : String(error),
        });
      if (!good) throw error;
      const entry = this.cache.get(projectId);
      if (entry && entry.generation === generation) entry.loadedAt = Date.now() - this.maxAgeMs + this.retryMs;
      return good.flags;
    }
  }

  private refreshInBackground(projectId: string, generation: number) {
    if (this.refreshing.has(projectId)) return;
    this.refreshing.add(projectId);
    const started = Date.now();
    void this.load(projectId, generation)
      .then((flags) => {
        const entry = this.cache.get(projectId);
        // Kept only if no change was heard meanwhile and it really is new (not the fallback).
        if (
          entry &&
          entry.generation === generation &&
          this.generationOf(projectId) === generation &&
          !this.failing.has(projectId)
        ) {
          this.cache.set(projectId, { generation, loadedAt: started, flags: Promise.resolve(flags), settled: true });
        }
      })
      .catch(() => {})
      .finally(() => this.refreshing.delete(projectId));
  }
}
