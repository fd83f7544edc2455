// A small scheduler for a page that follows a stream of changes: it gathers what is due and hands
// it over in one batch, at most once per gap, and holds it while the tab is hidden.

export interface Batcher<T> {
  /** Adds work; it is handed over once the gap since the last batch has passed. */
  add(items: Iterable<T>): void;
  /** The tab was shown again: hand over what waited while it was hidden. */
  wake(): void;
  stop(): void;
}

export interface BatcherOptions<T> {
  /** The least time between two batches, in ms. */
  gapMs: number;
  /** Receives a batch (never empty). */
  flush: (items: Set<T>) => void;
  /** Whether to hold the work for now (a hidden tab). */
  hold?: () => boolean;
  /** When the last batch counts as handed over: the page's render, usually. */
  since?: number;
  now?: () => number;
}

export function createBatcher<T>({
  gapMs,
  flush,
  hold = () => false,
  since = 0,
  now = Date.now,
}: BatcherOptions<T>): Batcher<T> {
  let pending = new Set<T>();
  let last = since;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const run = () => {
    timer = null;
    if (pending.size === 0 || hold()) return;
    last = now();
    const batch = pending;
    pending = new Set();
    flush(batch);
  };
  const schedule = () => {
    if (timer || pending.size === 0) return;
    timer = setTimeout(run, Math.max(0, last + gapMs - now()));
  };
  return {
    add(items) {
      for (const item of items) pending.add(item);
      schedule();
    },
    wake: schedule,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}
