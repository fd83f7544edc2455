import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { EMPTY_POLICY, hostAllowed, judgeAddress, parseEgressAllowlist } from "@/lib/domain/egress";

describe("addresses the server may connect to", () => {
  test.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private network"],
    ["172.16.5.4", "private network"],
    ["192.168.1.1", "private network"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fe80::1", "link-local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["[::1]", "loopback"],
  ])("%s is refused (%s)", (address, words) => {
    const verdict = judgeAddress(address, EMPTY_POLICY);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.reason).toContain(words);
  });

  test.each(["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "%s is public and allowed",
    (address) => {
      expect(judgeAddress(address, EMPTY_POLICY)).toEqual({ allowed: true });
    },
  );

  test("something that is not an address is refused", () => {
    expect(judgeAddress("example.com", EMPTY_POLICY).allowed).toBe(false);
  });

  test("an allowed range opens that range and nothing next to it", () => {
    const { policy } = parseEgressAllowlist("10.1.2.0/24");
    expect(judgeAddress("10.1.2.77", policy)).toEqual({ allowed: true });
    expect(judgeAddress("::ffff:10.1.2.77", policy)).toEqual({ allowed: true });
    expect(judgeAddress("10.1.3.1", policy).allowed).toBe(false);
    expect(judgeAddress("127.0.0.1", policy).allowed).toBe(false);
  });

  test("property: without an allowlist no address in 10/8, 127/8, 169.254/16 or 192.168/16 is reachable", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const inRange = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
    );
    fc.assert(
      fc.property(
        inRange,
        (address) =>
          !judgeAddress(address, EMPTY_POLICY).allowed && !judgeAddress(`::ffff:${address}`, EMPTY_POLICY).allowed,
      ),
    );
  });

  test("property: an address allowed by a /N range shares its first N bits with the range", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 8, max: 32 }), fc.ipV4(), (base, bits, probe) => {
        const { policy } = parseEgressAllowlist(`${base}/${bits}`);
        const toInt = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
        const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
        const sameNet = (toInt(base) & mask) >>> 0 === (toInt(probe) & mask) >>> 0;
        if (sameNet) expect(judgeAddress(probe, policy)).toEqual({ allowed: true });
        else expect(judgeAddress(probe, policy)).toEqual(judgeAddress(probe, EMPTY_POLICY));
      }),
    );
  });
});

describe("PHASEGATE_EGRESS_ALLOW", () => {
  test("reads addresses, ranges and host names, and names what it cannot read", () => {
    const parsed = parseEgressAllowlist(
      " 10.1.2.0/24, prometheus.internal ,127.0.0.1,[::1], *.svc.cluster.local, not a host, 10.0.0.0/99 ",
    );
    expect(parsed.policy.cidrs).toEqual(["10.1.2.0/24", "127.0.0.1/32", "::1/128"]);
    expect(parsed.policy.hosts).toEqual(["prometheus.internal", "*.svc.cluster.local"]);
    expect(parsed.problems).toHaveLength(2);
    expect(parsed.problems[0]).toContain("not a host");
    expect(parsed.problems[1]).toContain("10.0.0.0/99");
  });

  test("unset or empty allows nothing extra", () => {
    expect(parseEgressAllowlist(undefined).policy).toEqual(EMPTY_POLICY);
    expect(parseEgressAllowlist(" , ").policy).toEqual(EMPTY_POLICY);
  });

  test("host names match exactly, or under a *. entry", () => {
    const { policy } = parseEgressAllowlist("prometheus.internal,*.svc.local");
    expect(hostAllowed("prometheus.internal", policy)).toBe(true);
    expect(hostAllowed("PROMETHEUS.internal.", policy)).toBe(true);
    expect(hostAllowed("evil-prometheus.internal", policy)).toBe(false);
    expect(hostAllowed("prometheus.internal.evil.com", policy)).toBe(false);
    expect(hostAllowed("a.svc.local", policy)).toBe(true);
    expect(hostAllowed("a.b.svc.local", policy)).toBe(true);
    expect(hostAllowed("svc.local", policy)).toBe(false);
    expect(hostAllowed("evilsvc.local", policy)).toBe(false);
  });
});
