import { setting } from "@/lib/config";

/**
 * The header the app's own HTTP server stamps on every request with the connection's peer
 * address (instrumentation.ts), replacing whatever a client sent under that name.
 */
export const PEER_HEADER = "x-phasegate-peer";

/**
 * The client address for the per-address sign-in limits. The chain is every X-Forwarded-For entry
 * followed by the connection's peer. With no proxy in front (TRUSTED_PROXY_HOPS=0, the default)
 * the peer is the client and no forwarded header is believed; behind N proxies that each append
 * to X-Forwarded-For, the entry N places left of the peer is the one the outermost trusted proxy
 * saw. Entries further left are whatever the client claimed.
 */
export function clientIp(headers: Pick<Headers, "get">, hops = trustedProxyHops()): string {
  const peer = headers.get(PEER_HEADER)?.trim() || "unknown";
  if (hops <= 0) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - hops)] ?? peer;
}

export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  return setting("TRUSTED_PROXY_HOPS", env);
}
