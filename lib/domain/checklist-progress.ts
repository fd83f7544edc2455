import type { ItemState } from "@/db/schema/enums";

export interface ItemLike {
  required: boolean;
  state: ItemState;
}

export interface ChecklistProgress {
  total: number;
  done: number;
  notApplicable: number;
  blocked: number;
  open: number;
  requiredTotal: number;
  /** Required items neither done nor n/a: these block a gate. */
  requiredOutstanding: number;
  /** Share of items settled (done or n/a), 0..1. */
  ratio: number;
  complete: boolean;
}

// A required item counts as settled when it is done or n/a (with its reason); blocked is not settled.
export function checklistProgress(items: readonly ItemLike[]): ChecklistProgress {
  let done = 0;
  let notApplicable = 0;
  let blocked = 0;
  let requiredTotal = 0;
  let requiredOutstanding = 0;
  for (const item of items) {
    if (item.state === "done") done++;
    else if (item.state === "not_applicable") notApplicable++;
    else if (item.state === "blocked") blocked++;
    if (item.required) {
      requiredTotal++;
      if (item.state !== "done" && item.state !== "not_applicable") requiredOutstanding++;
    }
  }
  const total = items.length;
  const settled = done + notApplicable;
  return {
    total,
    done,
    notApplicable,
    blocked,
    open: total - settled - blocked,
    requiredTotal,
    requiredOutstanding,
    ratio: total === 0 ? 1 : settled / total,
    complete: requiredOutstanding === 0,
  };
}
