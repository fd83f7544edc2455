import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { normaliseNotes, notesFingerprint } from "@/lib/domain/incident-notes";
import { postmortemSchema } from "@/lib/validation/incidents";

describe("incident notes", () => {
  test.each([
    ["line breaks from a browser", "a\r\nb\rc", "a\nb\nc"],
    ["trailing spaces on lines and at the end", "## Cause  \n- [ ] fix\t\n\n\n", "## Cause\n- [ ] fix"],
    ["markup is kept as typed", "<script>alert(1)</script>", "<script>alert(1)</script>"],
    ["leading indentation is kept", "  - nested", "  - nested"],
  ])("%s", (_name, typed, stored) => {
    expect(normaliseNotes(typed)).toBe(stored);
  });

  test("a fingerprint is 14 hex digits and ignores how line breaks were sent", () => {
    expect(notesFingerprint("")).toMatch(/^[0-9a-f]{14}$/);
    expect(notesFingerprint("a\r\nb")).toBe(notesFingerprint("a\nb"));
    expect(notesFingerprint("Timeline by Ana")).not.toBe(notesFingerprint("Timeline by Ana."));
  });

  test("property: normalising twice changes nothing, and keeps the fingerprint", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", " ", "\t", "\n", "\r", "#", "é") }), (text) => {
        const once = normaliseNotes(text);
        expect(normaliseNotes(once)).toBe(once);
        expect(notesFingerprint(once)).toBe(notesFingerprint(text));
      }),
    );
  });

  test("property: different stored texts almost never share a fingerprint", () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const stored = normaliseNotes(text);
        const fp = notesFingerprint(stored);
        const earlier = seen.get(fp);
        if (earlier !== undefined) expect(earlier).toBe(stored);
        seen.set(fp, stored);
      }),
      { numRuns: 2000 },
    );
  });

  test("the post-mortem form stores what the person typed, normalised", () => {
    const parsed = postmortemSchema.parse({
      incidentId: "00000000-0000-4000-8000-000000000000",
      postmortem: "Why\r\n",
      baseFingerprint: notesFingerprint(""),
    });
    expect(parsed.postmortem).toBe("Why");
  });
});
