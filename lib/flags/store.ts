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
}

interface Snapshot {
  generation: number;
  flags: ProjectFlags;
}

export interface FlagStoreStatus {
  /** Projects whose flags are in memory. */
  projects: number;
  /** Projects served from their last snapshot because reloading failed, with when it first failed and why. */
  servedFromMemory: { projectId: string; since: Date; reason: string }[];
  reloads: number;
}

export class FlagStore {
  private readonly cache = new Map<string, Entry>();
  private readonly lastGood = new Map<string, Snapshot>();
  private readonly failing = new Map<string, { since: Date; reason: string }>();
  private readonly refreshing = new Set<string>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private unsubscribe: (() => void) | null = null;
  reloads = 0;
  private readonly maxAgeMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly db: Database,
    timing: { maxAgeMs?: number; retryMs?: number } = {},
  ) {
    this.maxAgeMs = timing.maxAgeMs ?? MAX_AGE_MS;
    this.retryMs = timing.retryMs ?? RETRY_MS;
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

  status(): FlagStoreStatus {
    return {
      projects: this.lastGood.size,
      servedFromMemory: [...this.failing.entries()].filter(([id]) => this.lastGood.has(id)).map(([projectId, f]) => ({ projectId, ...f })),
      reloads: this.reloads,
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
  }

  invalidateAll() {
    this.epoch++;
    const projects = [...this.cache.keys()];
    this.cache.clear();
    for (const id of projects) void this.flagsFor(id).catch(() => {});
  }

  /** The project's compiled flags, loaded once and kept until a change is heard. */
  flagsFor(projectId: string): Promise<ProjectFlags> {
    const generation = this.generationOf(projectId);
    const cached = this.cache.get(projectId);
    if (cached && cached.generation === generation) {
      if (Date.now() - cached.loadedAt < this.maxAgeMs) return cached.flags;
      // Aged out with no change heard: answer from the snapshot while a fresh one loads.
      const good = this.lastGood.get(projectId);
      if (good && good.generation === generation) {
        this.refreshInBackground(projectId, generation);
        return Promise.resolve(good.flags);
      }
    }
    const entry: Entry = { generation, loadedAt: Date.now(), flags: this.load(projectId, generation) };
    this.cache.set(projectId, entry);
    entry.flags.catch(() => {
      // A failed load with nothing to fall back on is not kept: the next request tries again.
      if (this.cache.get(projectId) === entry) this.cache.delete(projectId);
    });
    return entry.flags;
  }

  /** Loads a snapshot; when the database fails, falls back on the last one and retries soon. */
  private async load(projectId: string, generation: number): Promise<ProjectFlags> {
    this.reloads++;
    try {
      const flags = await loadProjectFlags(this.db, projectId);
      this.lastGood.set(projectId, { generation, flags });
      this.failing.delete(projectId);
      return flags;
    } catch (error) {
      const good = this.lastGood.get(projectId);
      if (!this.failing.has(projectId)) this.failing.set(projectId, { since: new Date(), reason: error instanceof Error ? error.message : String(error) });
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
        if (entry && entry.generation === generation && this.generationOf(projectId) === generation && !this.failing.has(projectId)) {
          this.cache.set(projectId, { generation, loadedAt: started, flags: Promise.resolve(flags) });
        }
      })
      .catch(() => {})
      .finally(() => this.refreshing.delete(projectId));
  }
}
