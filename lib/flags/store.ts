import type { Database } from "@/db/client";
import type { HubMessage } from "@/lib/live/hub";
import { loadProjectFlags, type ProjectFlags } from "./snapshot";

// Each evaluating process (the app, every edge evaluator) keeps its projects' compiled flags in
// memory and reloads a project when PostgreSQL tells it something changed: a flag or segment
// edit, a kill switch, a plan transition or decision (the rollout % follows the active phase).
// After a lost LISTEN connection everything is reloaded. A load that started before a change was
// heard is never kept: the next request loads again.

const RELOAD_ON = ["flags.", "flag.", "plan.", "decision.", "phase."];
// A backstop for a LISTEN connection that died without saying so (a half-open socket, a pooler
// that drops LISTEN): no project's flags are served from memory longer than this.
const MAX_AGE_MS = 30_000;

export type Subscribe = (fn: (message: HubMessage) => void) => Promise<() => void>;

interface Entry {
  generation: number;
  loadedAt: number;
  flags: Promise<ProjectFlags>;
}

export class FlagStore {
  private readonly cache = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private unsubscribe: (() => void) | null = null;
  reloads = 0;

  constructor(private readonly db: Database) {}

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
    if (cached && cached.generation === generation && Date.now() - cached.loadedAt < MAX_AGE_MS) return cached.flags;
    this.reloads++;
    const flags = loadProjectFlags(this.db, projectId);
    const entry = { generation, loadedAt: Date.now(), flags };
    this.cache.set(projectId, entry);
    // A failed load is not kept: the next request tries again.
    flags.catch(() => {
      if (this.cache.get(projectId) === entry) this.cache.delete(projectId);
    });
    return flags;
  }
}
