import { describe, expect, test } from "vitest";
import {
  type FlagValue,
  orderedVariants,
  segmentInWords,
  sourceInWords,
  variantsToText,
} from "@/components/flags/flag-words";
import type { FlagType } from "@/db/schema/enums";
import { readVariantValue } from "@/lib/validation/flags";

const segment = {
  id: "s",
  key: "k",
  name: "Internal team",
  userKeys: [] as string[],
  attribute: null,
  operator: null,
  values: [] as string[],
};

describe("flags in words", () => {
  test.each([
    [{ ...segment, kind: "user_list" as const, userKeys: ["rina", "eko", "sam", "adi"] }, "Internal team (4 people)"],
    [{ ...segment, kind: "user_list" as const, userKeys: ["rina"] }, "Internal team (1 person)"],
    [
      {
        ...segment,
        kind: "attribute_rule" as const,
        attribute: "region",
        operator: "not_in" as const,
        values: ["Jakarta", "Surabaya"],
      },
      "region not in Jakarta, Surabaya",
    ],
    [
      { ...segment, kind: "attribute_rule" as const, attribute: "plan", operator: "equals" as const, values: ["pro"] },
      "plan is pro",
    ],
    [
      {
        ...segment,
        kind: "attribute_rule" as const,
        attribute: "plan",
        operator: "not_equals" as const,
        values: ["free"],
      },
      "plan is not free",
    ],
  ])("segment %# reads “%s”", (s, words) => {
    expect(segmentInWords(s)).toBe(words);
  });

  test("where the rollout % comes from", () => {
    expect(sourceInWords({ kind: "manual" })).toBe("set by hand");
    expect(sourceInWords({ kind: "plan", planId: "p", planName: "Checkout pilot", phaseName: "Pilot 10%" })).toBe(
      "follows Checkout pilot — Pilot 10%",
    );
  });

  test.each<[FlagType, Record<string, FlagValue>]>([
    ["boolean", { on: true, off: false }],
    ["number", { low: 0.25, high: 1e6 }],
    ["string", { old: "classic", padded: "  spaced  ", quoted: '"as is"', empty: "", lines: "two\nlines" }],
    ["object", { compact: { layout: "compact", n: [1, 2] }, roomy: {} }],
  ])("%s variants written as text read back the same", (type, variants) => {
    const text = variantsToText({
      variants,
      defaultVariant: Object.keys(variants)[0]!,
      rolloutVariant: Object.keys(variants)[1]!,
    });
    const read = Object.fromEntries(
      text.split("\n").map((line) => {
        const at = line.indexOf("=");
        const value = readVariantValue(type, line.slice(at + 1).trim());
        if (!value.ok) throw new Error(value.message);
        return [line.slice(0, at).trim(), value.value];
      }),
    );
    expect(read).toEqual(variants);
  });

  test("default first, then the rollout variant, then the rest by name", () => {
    expect(
      orderedVariants({ variants: { b: 1, on: 2, a: 3, off: 4 }, defaultVariant: "off", rolloutVariant: "on" }).map(
        ([n]) => n,
      ),
    ).toEqual(["off", "on", "a", "b"]);
  });
});
