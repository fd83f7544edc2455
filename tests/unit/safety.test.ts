import { describe, expect, test } from "vitest";
import { clientIp, PEER_HEADER, trustedProxyHops } from "@/lib/auth/client-ip";
import { pathDecodes } from "@/lib/http/front-door";
import { acceptRequestId, safeRedirectPath } from "@/lib/safe-redirect";

describe("safeRedirectPath", () => {
  test.each([
    ["/plans/1?x=2#y", "/plans/1?x=2#y"],
    ["/", "/"],
    ["//evil.com", "/"],
    ["/\\evil.com", "/"],
    ["/%09/evil.com", "/%09/evil.com"],
    ["/\t/evil.com", "/"],
    ["https://evil.com", "/"],
    ["javascript:alert(1)", "/"],
    [undefined, "/"],
    [42, "/"],
  ])("%o → %s", (input, expected) => {
    const out = safeRedirectPath(input);
    expect(out).toBe(expected);
    // Whatever comes out resolves to this site.
    expect(new URL(out, "https://phasegate.example").host).toBe("phasegate.example");
  });
});

describe("acceptRequestId", () => {
  test("keeps a plain short id, replaces anything else", () => {
    expect(acceptRequestId("deploy-42.abc_1")).toBe("deploy-42.abc_1");
    for (const bad of ['=HYPERLINK("x")', "a".repeat(65), "with space", "", null, undefined]) {
      expect(acceptRequestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("clientIp", () => {
  const headers = (forwardedFor: string | null, peer: string | null) =>
    new Headers([
      ...(forwardedFor === null ? [] : [["x-forwarded-for", forwardedFor]]),
      ...(peer === null ? [] : [[PEER_HEADER, peer]]),
    ] as [string, string][]);

  test.each([
    // No proxy (the default): the connection's peer, whatever the client claims.
    ["6.6.6.6", "203.0.113.7", 0, "203.0.113.7"],
    [null, "203.0.113.7", 0, "203.0.113.7"],
    // One proxy appending what it saw: the entry just left of the peer.
    ["203.0.113.7", "10.0.0.2", 1, "203.0.113.7"],
    ["1.1.1.1, 203.0.113.7", "10.0.0.2", 1, "203.0.113.7"], // the client's own claim (left) is ignored
    ["9.9.9.9, 1.1.1.1, 10.0.0.3", "10.0.0.2", 2, "1.1.1.1"],
    ["1.1.1.1", "10.0.0.2", 3, "1.1.1.1"],
    [null, null, 0, "unknown"],
  ] as const)("x-forwarded-for %s from peer %s with %i trusted hops → %s", (forwardedFor, peer, hops, expected) => {
    expect(clientIp(headers(forwardedFor, peer), hops)).toBe(expected);
  });

  test("TRUSTED_PROXY_HOPS defaults to 0: no forwarded header is believed", () => {
    expect(trustedProxyHops({} as NodeJS.ProcessEnv)).toBe(0);
    expect(trustedProxyHops({ TRUSTED_PROXY_HOPS: "2" } as unknown as NodeJS.ProcessEnv)).toBe(2);
    expect(() => trustedProxyHops({ TRUSTED_PROXY_HOPS: "-1" } as unknown as NodeJS.ProcessEnv)).toThrow(
      /TRUSTED_PROXY_HOPS must be a whole number/,
    );
  });
});

describe("pathDecodes", () => {
  test.each([
    ["/api/v1/plans/8f14e45f-ceea-467f-a0e1-5d2d5f0e6c5e", true],
    ["/ofrep/v1/evaluate/flags/checkout.one-page?x=%zz", true],
    ["/api/v1/plans/%E2%9C%93", true],
    ["/api/v1/plans/%zz", false],
    ["/api/v1/plans/%", false],
    ["/api/v1/plans/%ED%A0%80", false],
    ["/api/v1/plans/%C0%AF", false],
  ] as const)("%s → %s", (url, ok) => {
    expect(pathDecodes(url)).toBe(ok);
  });
});
