import type { ItemState, ValidationWindow } from "@/db/schema/enums";

// Post-deployment validation runs in windows measured from the phase start: immediate 0–30 min,
// short-term 30 min–4 h, long-term 4–24 h. An item is due while its window is open and overdue
// once the window has closed with the item still unsettled.

const MIN = 60_000;
export const WINDOW_BOUNDS: Record<ValidationWindow, { opensAfterMs: number; dueAfterMs: number }> = {
  immediate: { opensAfterMs: 0, dueAfterMs: 30 * MIN },
  short_term: { opensAfterMs: 30 * MIN, dueAfterMs: 4 * 60 * MIN },
  long_term: { opensAfterMs: 4 * 60 * MIN, dueAfterMs: 24 * 60 * MIN },
};

export type DueStatus = "settled" | "not_started" | "upcoming" | "due" | "overdue";

export interface WindowTiming {
  opensAt: Date;
  dueAt: Date;
}

export function windowTiming(window: ValidationWindow, phaseStartedAt: Date): WindowTiming {
  const b = WINDOW_BOUNDS[window];
  return {
    opensAt: new Date(phaseStartedAt.getTime() + b.opensAfterMs),
    dueAt: new Date(phaseStartedAt.getTime() + b.dueAfterMs),
  };
}

/** Where an item of a validation window stands at `now`. */
export function dueStatus(
  window: ValidationWindow,
  phaseStartedAt: Date | null,
  state: ItemState,
  now: Date,
): DueStatus {
  if (state === "done" || state === "not_applicable") return "settled";
  if (!phaseStartedAt) return "not_started";
  const { opensAt, dueAt } = windowTiming(window, phaseStartedAt);
  if (now < opensAt) return "upcoming";
  if (now <= dueAt) return "due";
  return "overdue";
}
