import { instantOfWallTime, wallTimeOf } from "./zoned-time";

// When a weekly digest is due. A schedule names a weekday and an hour on the clocks of a place
// ("Mondays 09:00 in Berlin"), so it follows that place's daylight-saving changes. Each send is
// keyed by the ISO week of its local date: one digest per schedule per week, whichever instance
// sends it and however late it starts.

const DAY_MS = 86_400_000;

/** ISO weekday: 1 is Monday, 7 is Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface DigestSlot {
  weekday: IsoWeekday;
  /** 0–23, on the zone's clocks. */
  hour: number;
  timeZone: string;
}

export const WEEKDAY_NAMES: Record<IsoWeekday, string> = {
  1: "Monday",
  2: "Tuesday",
  3: "Wednesday",
  4: "Thursday",
  5: "Friday",
  6: "Saturday",
  7: "Sunday",
};

/** The ISO weekday of a wall time (held as a floating Date, UTC fields = local fields). */
const isoWeekdayOf = (wall: Date): IsoWeekday => (((wall.getUTCDay() + 6) % 7) + 1) as IsoWeekday;

/** "2026-W49": the ISO week a wall date falls in (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeekKey(wall: Date): string {
  const day = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  // The Thursday of the same ISO week decides the year.
  const thursday = new Date(day + (4 - isoWeekdayOf(wall)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The slot's wall time in the week holding `wall`. */
function slotWallInWeekOf(slot: DigestSlot, wall: Date): Date {
  const midnight = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  return new Date(midnight + (slot.weekday - isoWeekdayOf(wall)) * DAY_MS + slot.hour * 3_600_000);
}

/** The most recent instant the slot named at or before `now`. */
export function latestDueAt(slot: DigestSlot, now: Date): Date {
  const wall = slotWallInWeekOf(slot, wallTimeOf(now, slot.timeZone));
  const due = instantOfWallTime(wall, slot.timeZone);
  if (due.getTime() <= now.getTime()) return due;
  return instantOfWallTime(new Date(wall.getTime() - 7 * DAY_MS), slot.timeZone);
}

/** The first instant the slot names after `now`. */
export function nextDueAt(slot: DigestSlot, now: Date): Date {
  const wall = slotWallInWeekOf(slot, wallTimeOf(now, slot.timeZone));
  const due = instantOfWallTime(wall, slot.timeZone);
  if (due.getTime() > now.getTime()) return due;
  return instantOfWallTime(new Date(wall.getTime() + 7 * DAY_MS), slot.timeZone);
}

/** The period a send at `dueAt` belongs to: the ISO week of its local date. */
export function periodOf(slot: DigestSlot, dueAt: Date): string {
  return isoWeekKey(wallTimeOf(dueAt, slot.timeZone));
}

/**
 * What is due now for a schedule last sent for `lastSentFor`: the latest slot's period, if it has
 * not been sent. Only the latest missed slot counts: an instance back after weeks sends one digest,
 * not a backlog.
 */
export function dueDigest(
  slot: DigestSlot,
  lastSentFor: string | null,
  now: Date,
): { period: string; dueAt: Date } | null {
  const dueAt = latestDueAt(slot, now);
  const period = periodOf(slot, dueAt);
  return period === lastSentFor ? null : { period, dueAt };
}

const hh = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** "Mondays at 09:00 (Europe/Berlin)". */
export function describeSlot(slot: DigestSlot): string {
  return `${WEEKDAY_NAMES[slot.weekday]}s at ${hh(slot.hour)} (${slot.timeZone})`;
}
