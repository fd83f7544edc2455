// Sign-in throttling, pure. Failures slow down the (account, address) pair that made them, with
// a delay that doubles per failure, and an address that fails across many accounts is stopped
// for a while. Nothing locks an account as such: the right password from an address that has not
// been failing always gets in, so nobody can keep the owner out by failing on purpose.
// Unknown emails are counted exactly like known ones, so a refusal says nothing about whether an
// account exists.

export interface ThrottlePolicy {
  windowMs: number;
  /** Failures a pair may make before each further attempt has to wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures from one address, over all accounts, within the window. */
  maxFailuresPerIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  maxFailuresPerIp: 30,
};

export interface RecentFailures {
  /** Failures of this account from this address since its last success there (within the window). */
  pair: number;
  /** When the pair last failed. */
  lastPairFailureAt: Date | null;
  /** Failures from this address within the window, any account. */
  ip: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; reason: "backoff" | "ip"; retryAfterMs: number };

/** How long a pair with this many failures waits before its next attempt (0 while free). */
export function backoffDelayMs(failures: number, policy: ThrottlePolicy = DEFAULT_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
}

export function evaluateThrottle(
  failures: RecentFailures,
  now: Date,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
): ThrottleVerdict {
  if (failures.ip >= policy.maxFailuresPerIp) return { allowed: false, reason: "ip", retryAfterMs: policy.windowMs };
  const delay = backoffDelayMs(failures.pair, policy);
  if (delay > 0 && failures.lastPairFailureAt) {
    const waited = now.getTime() - failures.lastPairFailureAt.getTime();
    if (waited < delay) return { allowed: false, reason: "backoff", retryAfterMs: delay - waited };
  }
  return { allowed: true };
}

/** "Wait 8 seconds" / "Wait 4 minutes": the wait in words, rounded up. */
export function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `Wait ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `Wait ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
