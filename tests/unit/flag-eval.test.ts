import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { type CompiledFlag, type CompiledSegment, evaluateFlag } from "@/lib/domain/flag-eval";

const internal: CompiledSegment = {
  key: "internal-team",
  name: "Internal team",
  kind: "user_list",
  userKeys: new Set(["rina", "eko"]),
};
const outside: CompiledSegment = {
  key: "outside-pilot-regions",
  name: "Outside pilot regions",
  kind: "attribute_rule",
  attribute: "region",
  operator: "not_in",
  values: ["Jakarta", "Surabaya"],
};

const flag = (over: Partial<CompiledFlag> = {}): CompiledFlag => ({
  key: "checkout.one-page",
  type: "boolean",
  variants: { on: true, off: false },
  defaultVariant: "off",
  rolloutVariant: "on",
  enabled: true,
  rolloutPercent: 10,
  version: 3,
  source: { kind: "plan", plan: "One-page checkout", phase: "Pilot" },
  rules: [
    { segment: internal, variant: "on" },
    { segment: outside, variant: "off" },
  ],
  ...over,
});

describe("evaluateFlag", () => {
  test("a killed flag serves its default to everyone", () => {
    expect(evaluateFlag(flag({ enabled: false }), { targetingKey: "rina" })).toMatchObject({
      ok: true,
      value: false,
      variant: "off",
      reason: "DISABLED",
    });
    expect(evaluateFlag(flag({ enabled: false }), {})).toMatchObject({ ok: true, reason: "DISABLED" });
  });

  test("segments in order, first match wins, with the segment in the metadata", () => {
    expect(evaluateFlag(flag(), { targetingKey: "rina", region: "Medan" })).toEqual({
      ok: true,
      key: "checkout.one-page",
      value: true,
      variant: "on",
      reason: "TARGETING_MATCH",
      metadata: {
        flagVersion: 3,
        rolloutPercent: 10,
        plan: "One-page checkout",
        phase: "Pilot",
        segment: "internal-team",
      },
    });
    expect(evaluateFlag(flag(), { targetingKey: "shopper-1", region: "Medan" })).toMatchObject({
      value: false,
      reason: "TARGETING_MATCH",
      metadata: { segment: "outside-pilot-regions" },
    });
  });

  test("people in no segment follow the rollout: split between 0 and 100, static at the ends", () => {
    const jakarta = (key: string) => ({ targetingKey: key, region: "Jakarta" });
    expect(evaluateFlag(flag(), jakarta("shopper-1"))).toMatchObject({ ok: true, reason: "SPLIT" });
    expect(evaluateFlag(flag({ rolloutPercent: 0 }), jakarta("shopper-1"))).toMatchObject({
      value: false,
      reason: "STATIC",
    });
    expect(evaluateFlag(flag({ rolloutPercent: 100 }), jakarta("shopper-1"))).toMatchObject({
      value: true,
      reason: "STATIC",
    });
  });

  test("a missing attribute matches no attribute rule", () => {
    expect(evaluateFlag(flag({ rolloutPercent: 100 }), { targetingKey: "shopper-1" })).toMatchObject({
      value: true,
      reason: "STATIC",
    });
  });

  test("without a targeting key: an error only where the answer depends on it", () => {
    expect(evaluateFlag(flag(), { region: "Jakarta" })).toMatchObject({
      ok: false,
      errorCode: "TARGETING_KEY_MISSING",
    });
    const noList = flag({ rules: [{ segment: outside, variant: "off" }] });
    expect(evaluateFlag(noList, { region: "Jakarta" })).toMatchObject({
      ok: false,
      errorCode: "TARGETING_KEY_MISSING",
      errorDetails: expect.stringContaining("10%"),
    });
    expect(evaluateFlag(noList, { region: "Medan" })).toMatchObject({ ok: true, reason: "TARGETING_MATCH" });
    expect(evaluateFlag(flag({ rules: [], rolloutPercent: 100 }), {})).toMatchObject({ ok: true, reason: "STATIC" });
  });

  test("a targeting key that is not a string is an invalid context", () => {
    expect(evaluateFlag(flag(), { targetingKey: 42 })).toMatchObject({
      ok: false,
      errorCode: "INVALID_CONTEXT",
      errorDetails: "targetingKey must be a string (got number)",
    });
  });

  test("string flags serve their variant values; metadata says where a hand-set percentage came from", () => {
    const color = flag({
      key: "banner.color",
      type: "string",
      variants: { blue: "#2563eb", green: "#16a34a" },
      defaultVariant: "blue",
      rolloutVariant: "green",
      rules: [],
      rolloutPercent: 100,
      source: { kind: "manual" },
    });
    expect(evaluateFlag(color, { targetingKey: "x" })).toEqual({
      ok: true,
      key: "banner.color",
      value: "#16a34a",
      variant: "green",
      reason: "STATIC",
      metadata: { flagVersion: 3, rolloutPercent: 100, rolloutSource: "manual" },
    });
  });

  test("property: the answer is one of the flag's variants, and killing the flag always serves the default", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.constantFrom("Jakarta", "Medan", undefined),
        fc.boolean(),
        (key, percent, region, enabled) => {
          const result = evaluateFlag(flag({ rolloutPercent: percent, enabled }), { targetingKey: key, region });
          if (!key) return;
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(["on", "off"]).toContain(result.variant);
          if (!enabled) expect(result).toMatchObject({ variant: "off", reason: "DISABLED" });
        },
      ),
    );
  });
});
