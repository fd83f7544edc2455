import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ItemState } from "@/db/schema/enums";
import { checklistProgress } from "@/lib/domain/checklist-progress";

const item = (state: ItemState, required = true) => ({ state, required });

describe("checklistProgress", () => {
  test("an empty list is complete", () => {
    expect(checklistProgress([])).toMatchObject({ total: 0, complete: true, ratio: 1 });
  });

  test.each([
    [[item("done"), item("not_applicable")], { complete: true, requiredOutstanding: 0, ratio: 1 }],
    [[item("done"), item("open")], { complete: false, requiredOutstanding: 1, open: 1 }],
    [[item("done"), item("blocked")], { complete: false, requiredOutstanding: 1, blocked: 1, open: 0 }],
    [[item("done"), item("open", false)], { complete: true, requiredOutstanding: 0, ratio: 0.5 }],
  ])("%o", (items, expected) => {
    expect(checklistProgress(items)).toMatchObject(expected);
  });

  test("property: counts add up and completeness means no required item is unsettled", () => {
    const states: ItemState[] = ["open", "done", "not_applicable", "blocked"];
    fc.assert(
      fc.property(fc.array(fc.record({ state: fc.constantFrom(...states), required: fc.boolean() })), (items) => {
        const p = checklistProgress(items);
        expect(p.done + p.notApplicable + p.blocked + p.open).toBe(p.total);
        expect(p.ratio).toBeGreaterThanOrEqual(0);
        expect(p.ratio).toBeLessThanOrEqual(1);
        const unsettledRequired = items.some((i) => i.required && (i.state === "open" || i.state === "blocked"));
        expect(p.complete).toBe(!unsettledRequired);
      }),
    );
  });
});
