// Open live-update streams (Server-Sent Events), counted per person and per process. A person's
// newest page always gets its stream: past their cap, their oldest stream is closed. Past the
// process's cap, new streams are refused (the page still works; it just stops updating by itself).
// A process shutting down closes them all, telling each to reconnect (to another instance).
import { setting } from "@/lib/config";

export interface StreamLimits {
  perUser: number;
  perProcess: number;
}

export function streamLimitsFromEnv(env: NodeJS.ProcessEnv): StreamLimits {
  return {
    perUser: setting("PHASEGATE_LIVE_STREAMS_PER_USER", env),
    perProcess: setting("PHASEGATE_LIVE_STREAMS", env),
  };
}

/** Why the server ends a stream itself. */
export type StreamCloseReason = "newer-page" | "shutdown";

interface Entry {
  userId: string;
  close: (reason: StreamCloseReason) => void;
}

export class StreamRegistry {
  private readonly open = new Set<Entry>();
  private shuttingDown = false;

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  /** True once closeAll ran: no stream is admitted any more. */
  get closing(): boolean {
    return this.shuttingDown;
  }

  countFor(userId: string): number {
    let n = 0;
    for (const entry of this.open) if (entry.userId === userId) n++;
    return n;
  }

  /**
   * Registers a stream; `close` ends it (called when it must make room, or at shutdown). Returns
   * the release function, or null when the process follows as many streams as it may or is
   * shutting down (see `closing`).
   */
  admit(userId: string, close: (reason: StreamCloseReason) => void): (() => void) | null {
    if (this.shuttingDown) return null;
    const mine = [...this.open].filter((e) => e.userId === userId);
    // Insertion order is age: the user's oldest streams make room for the new one.
    for (const old of mine.slice(0, Math.max(0, mine.length - this.limits.perUser + 1))) {
      this.open.delete(old);
      old.close("newer-page");
    }
    if (this.open.size >= this.limits.perProcess) return null;
    const entry: Entry = { userId, close };
    this.open.add(entry);
    return () => {
      this.open.delete(entry);
    };
  }

  /** Ends every open stream and admits no more; returns how many were open. */
  closeAll(): number {
    this.shuttingDown = true;
    const all = [...this.open];
    this.open.clear();
    for (const entry of all) {
      try {
        entry.close("shutdown");
      } catch {
        // its reader is already gone
      }
    }
    return all.length;
  }
}

// One registry per process (kept on globalThis: Next.js may load this module more than once; the
// /metrics scrape reads its size under the same key).
const registryKey = Symbol.for("phasegate.live.streams");

export function processStreams(): StreamRegistry {
  const slot = globalThis as Record<symbol, StreamRegistry | undefined>;
  slot[registryKey] ??= new StreamRegistry(streamLimitsFromEnv(process.env));
  return slot[registryKey];
}
