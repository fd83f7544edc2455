import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { generateApiToken, hashApiToken, looksLikeApiToken, tokenFromHeaders } from "@/lib/auth/api-token";
import {
  backoffDelayMs,
  DEFAULT_THROTTLE,
  evaluateThrottle,
  normaliseEmail,
  waitInWords,
} from "@/lib/auth/login-throttle";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse";

describe("evaluateThrottle", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);

  test.each([
    [{ pair: 0, lastPairFailureAt: null, ip: 0 }, true],
    [{ pair: 2, lastPairFailureAt: ago(0), ip: 0 }, true],
    [{ pair: 3, lastPairFailureAt: ago(500), ip: 0 }, false],
    [{ pair: 3, lastPairFailureAt: ago(1_000), ip: 0 }, true],
    [{ pair: 5, lastPairFailureAt: ago(3_999), ip: 0 }, false],
    [{ pair: 5, lastPairFailureAt: ago(4_000), ip: 0 }, true],
    [{ pair: 0, lastPairFailureAt: null, ip: 29 }, true],
    [{ pair: 0, lastPairFailureAt: null, ip: 30 }, false],
  ])("%o → allowed %s", (failures, allowed) => {
    expect(evaluateThrottle(failures, now).allowed).toBe(allowed);
  });

  test("says which limit was hit and how long to wait", () => {
    expect(evaluateThrottle({ pair: 4, lastPairFailureAt: ago(500), ip: 0 }, now)).toEqual({
      allowed: false,
      reason: "backoff",
      retryAfterMs: 1_500,
    });
    expect(evaluateThrottle({ pair: 0, lastPairFailureAt: null, ip: 99 }, now)).toEqual({
      allowed: false,
      reason: "ip",
      retryAfterMs: DEFAULT_THROTTLE.windowMs,
    });
  });

  test("the wait doubles per failure past the free ones, up to the cap", () => {
    expect([0, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n))).toEqual([0, 0, 1_000, 2_000, 4_000, 8_000]);
    expect(backoffDelayMs(1_000)).toBe(DEFAULT_THROTTLE.maxDelayMs);
  });

  test("property: there is no lockout; a pair that waits long enough may always try again", () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(DEFAULT_THROTTLE.maxFailuresPerIp - 1), (pair, ip) => {
        expect(evaluateThrottle({ pair, lastPairFailureAt: ago(DEFAULT_THROTTLE.maxDelayMs), ip }, now).allowed).toBe(
          true,
        );
      }),
    );
  });

  test("property: more failures, or a more recent one, never turn a refusal into an allowance", () => {
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.nat(100),
        fc.nat(10),
        fc.nat(10),
        fc.nat(20_000),
        fc.nat(5_000),
        (p, i, dp, di, waited, sooner) => {
          const before = evaluateThrottle({ pair: p, lastPairFailureAt: ago(waited), ip: i }, now);
          if (!before.allowed)
            expect(
              evaluateThrottle({ pair: p + dp, lastPairFailureAt: ago(Math.max(0, waited - sooner)), ip: i + di }, now)
                .allowed,
            ).toBe(false);
        },
      ),
    );
  });

  test("waits are said in words", () => {
    expect(waitInWords(1)).toBe("Wait 1 second");
    expect(waitInWords(8_000)).toBe("Wait 8 seconds");
    expect(waitInWords(15 * 60_000)).toBe("Wait 15 minutes");
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
  const schema = z.object({
    name: z.string().min(1, { error: "Enter a name" }),
    scopes: z.array(z.string()).min(1, { error: "Choose a scope" }),
  });

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

describe("parseInput and NUL characters", () => {
  const schema = z.object({
    rationale: z.string(),
    evidence: z.object({ note: z.string() }),
    clean: z.string().transform((s) => s.replace(/\u0000/g, "")),
  });
  test("text PostgreSQL cannot store is refused, naming each field; a schema that cleans it is trusted", () => {
    const error = (() => {
      try {
        parseInput(schema, { rationale: "go\u0000", evidence: { note: "a\u0000b" }, clean: "ok\u0000" });
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(["rationale", "evidence.note"]);
    expect(parseInput(schema, { rationale: "go", evidence: { note: "n" }, clean: "ok\u0000" }).clean).toBe("ok");
  });
});
