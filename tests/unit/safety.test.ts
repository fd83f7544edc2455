import { describe, expect, test } from "vitest";
import { clientIp } from "@/lib/auth/client-ip";
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
  test.each([
    ["203.0.113.7", 1, "203.0.113.7"],
    ["1.1.1.1, 203.0.113.7", 1, "203.0.113.7"], // the client's own claim (left) is ignored
    ["9.9.9.9, 1.1.1.1, 10.0.0.2", 2, "1.1.1.1"],
    ["1.1.1.1", 3, "1.1.1.1"],
    [null, 1, "unknown"],
  ] as const)("%s with %i trusted hops → %s", (header, hops, expected) => {
    expect(clientIp(header, hops)).toBe(expected);
  });
});
