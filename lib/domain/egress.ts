import ipaddr from "ipaddr.js";

// Where the server may send outbound HTTP (webhooks, Prometheus polls). Public unicast addresses
// only, unless the instance's operator allows more with PHASEGATE_EGRESS_ALLOW: a comma-separated
// list of addresses, CIDR ranges and host names ("10.1.2.0/24,prometheus.internal,*.svc.local").
// Address ranges come from ipaddr.js; this file only words them and reads the allowlist.

export interface EgressPolicy {
  /** CIDR ranges (single addresses as /32 or /128) whose addresses may be reached. */
  cidrs: readonly string[];
  /** Host names allowed whatever they resolve to: exact names, or "*.suffix" for any name under it. */
  hosts: readonly string[];
}

export const EMPTY_POLICY: EgressPolicy = { cidrs: [], hosts: [] };

export interface ParsedAllowlist {
  policy: EgressPolicy;
  /** Entries that are neither an address, a range nor a host name, in words. */
  problems: string[];
}

const HOST_NAME = /^(\*\.)?(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/;

/** Reads PHASEGATE_EGRESS_ALLOW's value. Bad entries are reported, never silently widened. */
export function parseEgressAllowlist(text: string | undefined): ParsedAllowlist {
  const cidrs: string[] = [];
  const hosts: string[] = [];
  const problems: string[] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        cidrs.push(`${address.toString()}/${bits}`);
      } catch {
        problems.push(`“${raw.trim()}” is not a CIDR range such as 10.1.2.0/24`);
      }
      continue;
    }
    const bare = entry.replace(/^\[(.*)\]$/, "$1");
    if (ipaddr.isValid(bare)) {
      const address = ipaddr.parse(bare);
      cidrs.push(`${address.toString()}/${address.kind() === "ipv4" ? 32 : 128}`);
      continue;
    }
    if (HOST_NAME.test(entry)) {
      hosts.push(entry.replace(/\.$/, ""));
      continue;
    }
    problems.push(`“${raw.trim()}” is neither an address, a CIDR range nor a host name`);
  }
  return { policy: { cidrs, hosts }, problems };
}

/** True when the host name is on the allowlist (exactly, or under a "*.suffix" entry). */
export function hostAllowed(hostname: string, policy: EgressPolicy): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return policy.hosts.some((entry) =>
    entry.startsWith("*.") ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry,
  );
}

const RANGE_WORDS: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (cloud metadata services live there)",
  loopback: "a loopback address (this server itself)",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private network address",
  uniqueLocal: "a unique-local (private) IPv6 address",
  ipv4Mapped: "an IPv4-mapped IPv6 address",
  reserved: "a reserved address",
};

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether an IP address may be connected to: a public unicast address, or one inside an allowed
 * range. An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
 */
export function judgeAddress(address: string, policy: EgressPolicy): AddressVerdict {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  if (!ipaddr.isValid(bare)) return { allowed: false, reason: `“${address}” is not an IP address` };
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  for (const cidr of policy.cidrs) {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    if (net.kind() === parsed.kind() && parsed.match([net, bits] as [typeof parsed, number])) return { allowed: true };
  }
  const range = parsed.range();
  if (range === "unicast") return { allowed: true };
  return {
    allowed: false,
    reason: `${parsed.toString()} is ${RANGE_WORDS[range] ?? `a special-purpose address (${range})`}`,
  };
}

/** The words a person sees when a destination is refused, with what to do about it. */
export function refusalMessage(reason: string): string {
  return `Refused: ${reason}. Phasegate only connects to public addresses unless an administrator allows the host or range in PHASEGATE_EGRESS_ALLOW`;
}
