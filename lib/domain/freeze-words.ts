import { compileRule, RRule, type FreezeRule, type RecurringFreeze } from "./freeze-rule";
import { storedWallTime, wallTimeWords } from "./zoned-time";

// How a freeze reads in the list of freezes: "Every week on Friday at 16:00 for 2 days 16 hours
// (Europe/Berlin)". rrule words the day pattern; times, length and zone are ours, because rrule
// words hours as "at 16" and knows nothing of a window's length.

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "2 days 16 hours", "1 hour 30 minutes": a length on the wall clock. */
export function durationWords(minutes: number): string {
  const parts: [number, string][] = [
    [Math.floor(minutes / 1440), "day"],
    [Math.floor((minutes % 1440) / 60), "hour"],
    [minutes % 60, "minute"],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => plural(n, unit))
    .join(" ");
}

/** "a", "a and b", "a, b and c". */
export const andList = (items: readonly string[]) =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

const pad = (n: number) => String(n).padStart(2, "0");

/** The day pattern in rrule's words, with the days rrule would take from the start filled in. */
function patternWords(rule: ReturnType<typeof compileRule>): string {
  const { freq, interval, wkst, byweekday, bymonth, bymonthday } = rule.origOptions;
  const start = rule.options.dtstart;
  const weekly = freq === RRule.WEEKLY;
  const dayOfMonth = (freq === RRule.MONTHLY || freq === RRule.YEARLY) && !byweekday && !bymonthday;
  return new RRule({
    freq,
    interval: interval ?? 1,
    wkst,
    byweekday: byweekday ?? (weekly ? [(start.getUTCDay() + 6) % 7] : null),
    bymonth: bymonth ?? (freq === RRule.YEARLY && dayOfMonth ? [start.getUTCMonth() + 1] : null),
    bymonthday: bymonthday ?? (dayOfMonth ? [start.getUTCDate()] : null),
  }).toText();
}

/** rrule's words drop BYSETPOS and say "on the last" for -1; such rules are shown as written. */
function wordable(rule: ReturnType<typeof compileRule>): boolean {
  const { bysetpos, bymonthday } = rule.origOptions;
  const days = bymonthday === undefined || bymonthday === null ? [] : [bymonthday].flat();
  return !bysetpos && days.every((d) => d > 0) && rule.isFullyConvertibleToText();
}

function recurringWords(freeze: RecurringFreeze): string {
  const rule = compileRule(freeze.rrule, freeze.from);
  const length = `for ${durationWords(freeze.durationMinutes)}`;
  if (!wordable(rule)) return `Repeats ${freeze.rrule}, each time ${length} (${freeze.timeZone})`;
  const { byhour, byminute, count, until } = rule.options;
  const times = byhour.flatMap((h) => byminute.map((m) => h * 60 + m)).sort((a, b) => a - b);
  const at = andList(times.map((t) => `${pad(Math.floor(t / 60))}:${pad(t % 60)}`));
  const pattern = patternWords(rule);
  const ending = count ? `, ${plural(count, "time")}` : until ? `, until ${wallTimeWords(until)}` : "";
  return `${pattern[0]?.toUpperCase()}${pattern.slice(1)} at ${at} ${length}${ending} (${freeze.timeZone})`;
}

/** A freeze in words: when it holds, how long, and on which clocks. */
export function describeFreeze(freeze: FreezeRule): string {
  if (freeze.kind === "recurring") return recurringWords(freeze);
  const start = storedWallTime(freeze.startsAt);
  const end = storedWallTime(freeze.endsAt);
  return `Once, from ${wallTimeWords(start)} to ${wallTimeWords(end, start)} (${freeze.timeZone})`;
}
