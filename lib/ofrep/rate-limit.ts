// Evaluations per token per second, per process: OFREP_RATE_LIMIT, 2,000 when unset, 0 for no
// limit. Over the limit the client gets 429 with Retry-After in whole seconds, which OpenFeature
// providers honour by pausing until then.

export const DEFAULT_OFREP_RATE_LIMIT = 2_000;

export class RateLimiter {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv): RateLimiter | null {
    const raw = env.OFREP_RATE_LIMIT?.trim();
    const limit = raw ? Number(raw) : DEFAULT_OFREP_RATE_LIMIT;
    if (raw === "0") return null;
    return new RateLimiter(Number.isFinite(limit) && limit > 0 ? limit : DEFAULT_OFREP_RATE_LIMIT);
  }

  /** 0 when the request may go ahead, else the seconds to wait. */
  take(tokenId: string): number {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.window) {
      this.window = second;
      this.counts.clear();
    }
    const used = (this.counts.get(tokenId) ?? 0) + 1;
    this.counts.set(tokenId, used);
    return used > this.perSecond ? 1 : 0;
  }
}
