/**
 * The client address for the per-address sign-in limit. Behind N reverse proxies that append to
 * X-Forwarded-For (TRUSTED_PROXY_HOPS=N, default 1) the Nth entry from the right is the one the
 * nearest trusted proxy saw; entries further left are whatever the client sent.
 */
export function clientIp(forwardedFor: string | null, hops = Number(process.env.TRUSTED_PROXY_HOPS ?? 1)): string {
  const entries = (forwardedFor ?? "").split(",").map((e) => e.trim()).filter(Boolean);
  const index = entries.length - Math.max(1, Number.isFinite(hops) ? hops : 1);
  return entries[Math.max(0, index)] ?? "unknown";
}
