// Open live-update streams (Server-Sent Events), counted per person and per process. A person's
// newest page always gets its stream: past their cap, their oldest stream is closed. Past the
// process's cap, new streams are refused (the page still works; it just stops updating by itself).

export interface StreamLimits {
  perUser: number;
  perProcess: number;
}

export function streamLimitsFromEnv(env: NodeJS.ProcessEnv): StreamLimits {
  const read = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return { perUser: read("PHASEGATE_LIVE_STREAMS_PER_USER", 10), perProcess: read("PHASEGATE_LIVE_STREAMS", 1_000) };
}

interface Entry {
  userId: string;
  close: () => void;
}

export class StreamRegistry {
  private readonly open = new Set<Entry>();

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  countFor(userId: string): number {
    let n = 0;
    for (const entry of this.open) if (entry.userId === userId) n++;
    return n;
  }

  /**
   * Registers a stream; `close` ends it (called when it must make room). Returns the release
   * function, or null when the process follows as many streams as it may.
   */
  admit(userId: string, close: () => void): (() => void) | null {
    const mine = [...this.open].filter((e) => e.userId === userId);
    // Insertion order is age: the user's oldest streams make room for the new one.
    for (const old of mine.slice(0, Math.max(0, mine.length - this.limits.perUser + 1))) {
      this.open.delete(old);
      old.close();
    }
    if (this.open.size >= this.limits.perProcess) return null;
    const entry: Entry = { userId, close };
    this.open.add(entry);
    return () => {
      this.open.delete(entry);
    };
  }
}
