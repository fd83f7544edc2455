// Sign-in throttling, pure: how many recent failures an account and an address may have.
// Both limits apply to unknown emails exactly as to known ones, so a refusal says nothing
// about whether an account exists.

export interface ThrottlePolicy {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  windowMs: 15 * 60_000,
  maxFailuresPerAccount: 5,
  maxFailuresPerIp: 30,
};

export interface RecentFailures {
  account: number;
  ip: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; reason: "account" | "ip"; retryAfterMs: number };

export function evaluateThrottle(failures: RecentFailures, policy: ThrottlePolicy = DEFAULT_THROTTLE): ThrottleVerdict {
  if (failures.account >= policy.maxFailuresPerAccount) return { allowed: false, reason: "account", retryAfterMs: policy.windowMs };
  if (failures.ip >= policy.maxFailuresPerIp) return { allowed: false, reason: "ip", retryAfterMs: policy.windowMs };
  return { allowed: true };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
