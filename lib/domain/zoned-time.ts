// People state freeze windows on the clocks of a place ("Fridays 16:00 in Berlin"). A wall time
// is held here as a "floating" Date whose UTC fields are the local fields — the form rrule
// returns its dates in. Only these functions turn a wall time into a real instant or back, and
// they ask Intl about the zone, so the answer never depends on the server's own time zone.

const DAY_MS = 86_400_000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The canonical spelling of an IANA time zone name ("europe/berlin" → "Europe/Berlin"), or null if unknown. */
export function canonicalTimeZone(name: string): string | null {
  // Intl also takes offsets and odd legacy names; a freeze names a place (or UTC).
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall time an instant shows on clocks in a zone. */
export function wallTimeOf(instant: Date, timeZone: string): Date {
  const field: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const { type, value } of partsFormatter(timeZone).formatToParts(instant)) field[type] = Number(value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = field;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, instant.getUTCMilliseconds()));
}

/** How far a zone's clocks are ahead of UTC at an instant, in milliseconds. */
export function utcOffsetMs(instant: Date, timeZone: string): number {
  return wallTimeOf(instant, timeZone).getTime() - instant.getTime();
}

/**
 * The instant a wall time names in a zone. As calendars do (RFC 5545), a time the clocks skip
 * is read with the offset from before the jump (02:30 on the spring-forward night is 03:30
 * summer time), and a time the clocks show twice means its first pass.
 */
export function instantOfWallTime(wall: Date, timeZone: string): Date {
  const local = wall.getTime();
  // A zone changes its offset at most once within a day either side.
  const before = utcOffsetMs(new Date(local - DAY_MS), timeZone);
  const after = utcOffsetMs(new Date(local + DAY_MS), timeZone);
  if (before === after) return new Date(local - before);
  const readings = [local - before, local - after].filter(
    (instant) => utcOffsetMs(new Date(instant), timeZone) === local - instant,
  );
  return new Date(readings.length ? Math.min(...readings) : local - before);
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** A local date and time as a form's date-time field gives it ("2025-12-24T16:00"), or null. */
export function parseWallTime(text: string): Date | null {
  const match = WALL_TIME.exec(text);
  if (!match) return null;
  const part = (i: number) => Number(match[i]);
  const wall = new Date(Date.UTC(part(1), part(2) - 1, part(3), part(4), part(5)));
  // Date.UTC rolls 30 February over into March; a typed date must exist as typed.
  return formatWallTime(wall) === text ? wall : null;
}

/** A wall time stored after it was checked; one that does not read is a bug, not a user's mistake. */
export function storedWallTime(text: string): Date {
  const wall = parseWallTime(text);
  if (!wall) throw new Error(`Unreadable stored wall time ${JSON.stringify(text)}`);
  return wall;
}

/** A wall time written the way parseWallTime reads it. */
export function formatWallTime(wall: Date): string {
  return wall.toISOString().slice(0, 16);
}

const wordsFormatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** A wall time in words, "Mon 8 Dec, 08:00"; the year is added when it differs from `sameYearAs`'s. */
export function wallTimeWords(wall: Date, sameYearAs?: Date): string {
  const field: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of wordsFormatter.formatToParts(wall)) field[type] = value;
  const year = sameYearAs && sameYearAs.getUTCFullYear() === wall.getUTCFullYear() ? "" : ` ${field.year}`;
  return `${field.weekday} ${field.day} ${field.month}${year}, ${field.hour}:${field.minute}`;
}
