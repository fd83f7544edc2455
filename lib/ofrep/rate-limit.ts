// Evaluations per token per second, per process: OFREP_RATE_LIMIT, 2,000 when unset, 0 for no
// limit. Over the limit the client gets 429 with Retry-After in whole seconds, which OpenFeature
// providers honour by pausing until then.
import { setting } from "@/lib/config";

/** Evaluations per token per second per process when OFREP_RATE_LIMIT is unset. */
export const DEFAULT_OFREP_RATE_LIMIT = setting("OFREP_RATE_LIMIT", {});

export class RateLimiter {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv): RateLimiter | null {
    const limit = setting("OFREP_RATE_LIMIT", env);
    return limit === 0 ? null : new RateLimiter(limit);
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
