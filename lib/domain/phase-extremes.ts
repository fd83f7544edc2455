// A phase's health is its KPIs' worst 15-minute canary mean since the phase began. Reading every
// minute of a weeks-long phase on each page view is what made plan pages slow, so the settled
// part of the range is kept (phase_kpi_extremes) and only the rest is read from the minutes.
// These are the rules for which part that is and when a kept value may be used. Pure.

export const BIN_MS = 15 * 60_000;
/** Bins younger than this may still change as late samples arrive: always read from the minutes. */
export const SETTLE_MS = 60 * 60_000;
/** A kept range is read again in full from the rollups at least this often. */
export const REFRESH_MS = 60 * 60_000;

/** The 15-minute bin boundary at or before `ms` (bins share the rollups' origin, 2000-01-01 UTC). */
const ORIGIN_MS = Date.UTC(2000, 0, 1);
export const binFloor = (ms: number) => ORIGIN_MS + Math.floor((ms - ORIGIN_MS) / BIN_MS) * BIN_MS;

/**
 * The end of the part of [start, end) that may be kept at `now`: the phase's end once that is
 * settled, else the last bin boundary an hour back. Null when nothing of the phase is settled.
 */
export function settledUntil(start: Date, end: Date, now: Date): Date | null {
  const settled = binFloor(now.getTime() - SETTLE_MS);
  const until = end.getTime() <= settled ? end.getTime() : settled;
  return until > start.getTime() ? new Date(until) : null;
}

export interface Extremes {
  hi: number | null;
  lo: number | null;
}

export interface KeptExtremes extends Extremes {
  fromAt: Date;
  through: Date;
  computedAt: Date;
}

/** Whether a kept row may stand for the start of [start, …) at `now`. */
export function keptUsable(
  kept: KeptExtremes | null | undefined,
  start: Date,
  until: Date | null,
  now: Date,
): kept is KeptExtremes {
  if (!kept || !until) return false;
  if (kept.fromAt.getTime() !== start.getTime()) return false;
  if (kept.through.getTime() > until.getTime() || kept.through.getTime() <= start.getTime()) return false;
  const age = now.getTime() - kept.computedAt.getTime();
  return age >= 0 && age < REFRESH_MS;
}

/** The extremes of two ranges side by side. */
export function combineExtremes(a: Extremes, b: Extremes): Extremes {
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number) =>
    x === null ? y : y === null ? x : f(x, y);
  return { hi: pick(a.hi, b.hi, Math.max), lo: pick(a.lo, b.lo, Math.min) };
}

/** The worst of the extremes for a KPI's direction. */
export const worstOf = (e: Extremes, direction: "lower_is_better" | "higher_is_better") =>
  direction === "lower_is_better" ? e.hi : e.lo;
