import { createHash } from "node:crypto";

// Sticky percentage bucketing, the way LaunchDarkly buckets: SHA-1 of "<flag key>.<targeting key>"
// read as a number in [0, 100). The same person always lands on the same point of a flag's line,
// in every process, so raising the percentage only ever adds people: whoever is inside at 10% is
// inside at 25%, 50% and 100%. Each flag has its own line, so the first 10% of one flag are not
// the first 10% of every flag.

const SPAN = 2 ** 52; // 13 hex digits: exact in a double

/** Where a targeting key falls on a flag's line, in [0, 100) with a resolution of ~2e-14 points. */
export function bucketOf(flagKey: string, targetingKey: string): number {
  const digest = createHash("sha1").update(`${flagKey}.${targetingKey}`).digest("hex");
  return (parseInt(digest.slice(0, 13), 16) / SPAN) * 100;
}

/** True when the targeting key is inside a rollout of `percent` (0 → nobody, 100 → everybody). */
export function inRollout(flagKey: string, targetingKey: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  return bucketOf(flagKey, targetingKey) < percent;
}
