import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { generateApiToken, hashApiToken, looksLikeApiToken, tokenFromHeaders } from "@/lib/auth/api-token";
import { DEFAULT_THROTTLE, evaluateThrottle, normaliseEmail } from "@/lib/auth/login-throttle";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse";

describe("evaluateThrottle", () => {
  test.each([
    [{ account: 0, ip: 0 }, true],
    [{ account: 4, ip: 29 }, true],
    [{ account: 5, ip: 0 }, false],
    [{ account: 0, ip: 30 }, false],
  ])("%o → allowed %s", (failures, allowed) => {
    expect(evaluateThrottle(failures).allowed).toBe(allowed);
  });

  test("says which limit was hit and for how long", () => {
    expect(evaluateThrottle({ account: 9, ip: 99 })).toEqual({ allowed: false, reason: "account", retryAfterMs: DEFAULT_THROTTLE.windowMs });
    expect(evaluateThrottle({ account: 0, ip: 99 })).toMatchObject({ reason: "ip" });
  });

  test("property: more failures never turn a refusal into an allowance", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), fc.nat(10), fc.nat(10), (a, i, da, di) => {
        if (!evaluateThrottle({ account: a, ip: i }).allowed) expect(evaluateThrottle({ account: a + da, ip: i + di }).allowed).toBe(false);
      }),
    );
  });

  test("emails compare case-insensitively without surrounding spaces", () => {
    expect(normaliseEmail("  Rina@PhaseGate.Local ")).toBe("rina@phasegate.local");
  });
});

describe("API tokens", () => {
  test("are random, recognisable, and stored only as a hash", () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).not.toBe(b.token);
    expect(looksLikeApiToken(a.token)).toBe(true);
    expect(a.hash).toBe(hashApiToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token.slice(4, 20));
    expect(a.token.startsWith(a.prefix)).toBe(true);
  });

  test.each([
    [{ authorization: "Bearer pgt_abc" }, "pgt_abc"],
    [{ authorization: "bearer   pgt_abc  " }, "pgt_abc"],
    [{ "x-api-key": "pgt_xyz" }, "pgt_xyz"],
    [{ authorization: "Basic dXNlcjpwYXNz" }, null],
    [{}, null],
  ])("%o → %s", (headers, expected) => {
    expect(tokenFromHeaders(new Headers(headers))).toBe(expected);
  });
});

describe("parseInput", () => {
  const schema = z.object({ name: z.string().min(1, { error: "Enter a name" }), scopes: z.array(z.string()).min(1, { error: "Choose a scope" }) });

  test("reports every bad field, not only the first", () => {
    try {
      parseInput(schema, { name: "", scopes: [] });
      expect.unreachable("parseInput accepted bad input");
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).fieldErrors).toEqual({ name: ["Enter a name"], scopes: ["Choose a scope"] });
      expect((error as AppError).message).toBe("Invalid input — name: Enter a name, scopes: Choose a scope");
    }
  });

  test("returns the parsed value when valid", () => {
    expect(parseInput(schema, { name: "CI", scopes: ["plans:read"] })).toEqual({ name: "CI", scopes: ["plans:read"] });
  });
});
