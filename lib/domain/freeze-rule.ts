import * as rrulePackage from "rrule";
import { z } from "zod";
import { canonicalTimeZone, parseWallTime } from "./zoned-time";

// A change freeze is a stretch of time in which releases hold still: for the whole instance or
// one project, either once (a holiday from 24 Dec 00:00 to 2 Jan 08:00) or repeating by an
// RFC 5545 rule ("FREQ=WEEKLY;BYDAY=FR;BYHOUR=16" for 64 hours: Fridays 16:00 to Mondays 08:00).
// Every time in a freeze is a wall time on the clocks of its time zone, so a weekly window starts
// at 16:00 local both sides of a daylight-saving change.

// rrule's CommonJS main (what Node and tsx load) has no exports Node can name, and its ES build
// (what bundlers load) has no default export: take whichever this runtime loaded. Copying the
// namespace first keeps bundlers from warning about a default export that is not there.
const loaded: typeof rrulePackage & { default?: typeof rrulePackage } = { ...rrulePackage };
export const { RRule } = loaded.default ?? rrulePackage;
type RRule = rrulePackage.RRule;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A repeating window lasts at most this long; a longer one is a standstill, not a freeze. */
export const MAX_WINDOW_MINUTES = 31 * 24 * 60;
/** A one-off freeze lasts at most a year. */
export const MAX_ONE_OFF_DAYS = 366;

interface FreezeBase {
  name: string;
  /** Instance-wide freezes hold every project; a project's freeze holds that project only. */
  scope: "instance" | "project";
  projectId: string | null;
  /** IANA zone whose clocks the freeze's times are read on, e.g. "Europe/Berlin". */
  timeZone: string;
}

/** A freeze from one local date-time to another ("2025-12-24T00:00" to "2026-01-02T08:00"). */
export interface OneOffFreeze extends FreezeBase {
  kind: "one_off";
  startsAt: string;
  endsAt: string;
}

/**
 * A freeze that repeats. `rrule` says when each window starts (an RFC 5545 RRULE, without
 * DTSTART); `from` is the local date-time the rule counts from, which also gives the time of day
 * when the rule names no BYHOUR or BYMINUTE. Each window lasts `durationMinutes` on the wall
 * clock: 16:00 Friday plus 64 hours ends at 08:00 Monday even when the clocks change over the
 * weekend (the window then really lasts 63 or 65 hours), because that is what the person meant.
 */
export interface RecurringFreeze extends FreezeBase {
  kind: "recurring";
  rrule: string;
  from: string;
  durationMinutes: number;
}

export type FreezeRule = OneOffFreeze | RecurringFreeze;

const FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
const DAY = "(MO|TU|WE|TH|FR|SA|SU)";
const list = (item: string) => new RegExp(`^${item}(,${item})*$`);
const between = (value: string, min: number, max: number) => Number(value) >= min && Number(value) <= max;
const listWithin =
  (min: number, max: number, nonZero = false) =>
  (value: string) =>
    list("[+-]?\\d{1,3}").test(value) &&
    value.split(",").every((n) => between(n, min, max) && (!nonZero || Number(n) !== 0));

/** What each rule part may hold, and the words a person gets when it holds something else. */
const RULE_PARTS = new Map<string, { valid: (value: string) => boolean; expect: string }>(
  Object.entries({
    FREQ: { valid: (v) => FREQUENCIES.includes(v), expect: "DAILY, WEEKLY, MONTHLY or YEARLY" },
    INTERVAL: { valid: (v) => /^\d{1,2}$/.test(v) && between(v, 1, 99), expect: "a whole number from 1 to 99" },
    COUNT: { valid: (v) => /^\d{1,4}$/.test(v) && between(v, 1, 1000), expect: "a whole number from 1 to 1000" },
    UNTIL: { valid: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v), expect: "a date such as 20261231 or 20261231T235900" },
    WKST: { valid: (v) => new RegExp(`^${DAY}$`).test(v), expect: "a day such as MO" },
    BYDAY: { valid: (v) => list(`([+-]?\\d{1,2})?${DAY}`).test(v), expect: "days such as MO,FR or -1FR" },
    BYMONTH: { valid: listWithin(1, 12), expect: "months from 1 to 12" },
    BYMONTHDAY: { valid: listWithin(-31, 31, true), expect: "days of the month from 1 to 31 (or -1 for the last)" },
    BYSETPOS: { valid: listWithin(-366, 366, true), expect: "positions such as 1 or -1" },
    BYHOUR: { valid: listWithin(0, 23), expect: "hours from 0 to 23" },
    BYMINUTE: { valid: listWithin(0, 59), expect: "minutes from 0 to 59" },
  }),
);

/** The rule as stored: upper case, without the "RRULE:" label or spaces. */
export function normaliseRule(text: string): string {
  return text
    .replace(/\s+/g, "")
    .replace(/^RRULE:/i, "")
    .toUpperCase();
}

function splitRule(rule: string): Map<string, string> {
  return new Map(rule.split(";").map((part) => [part.split("=")[0] ?? "", part.slice(part.indexOf("=") + 1)]));
}

/**
 * Why a rule cannot be a freeze's rule, in words, or [] when it can. Freezes repeat daily at
 * most and use the rule parts listed above; day-of-month and position parts only make sense
 * (and can only be checked cheaply) for monthly and yearly rules.
 */
export function ruleProblems(text: string): string[] {
  const rule = normaliseRule(text);
  if (!rule) return ["Enter a repeat rule such as FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0"];
  const parts = rule.split(";");
  const problems: string[] = [];
  for (const part of parts) {
    const [name = "", value] = part.split("=");
    const allowed = RULE_PARTS.get(name);
    const misplaced = /^(DTSTART|TZID)/.exec(part)?.[0];
    if (misplaced) problems.push(`${misplaced} is not part of the rule: use the start and time zone fields`);
    else if (!allowed || value === undefined) problems.push(`“${part}” is not a rule part a freeze can use`);
    else if (!allowed.valid(value)) problems.push(`${name} takes ${allowed.expect}`);
  }
  const names = parts.map((part) => part.split("=")[0]);
  if (new Set(names).size !== names.length) problems.push("Give each rule part once");
  const byName = splitRule(rule);
  const freq = byName.get("FREQ");
  if (!freq) problems.push("Say how often it repeats: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY");
  if (byName.has("COUNT") && byName.has("UNTIL")) problems.push("Give COUNT or UNTIL, not both");
  if (freq === "DAILY" || freq === "WEEKLY") {
    if (byName.has("BYMONTHDAY") || byName.has("BYSETPOS"))
      problems.push("BYMONTHDAY and BYSETPOS need FREQ=MONTHLY or FREQ=YEARLY");
    if (/\d/.test(byName.get("BYDAY") ?? ""))
      problems.push("Numbered days such as -1FR need FREQ=MONTHLY or FREQ=YEARLY");
  }
  if (byName.has("BYSETPOS") && ![...byName.keys()].some((n) => n.startsWith("BY") && n !== "BYSETPOS"))
    problems.push("BYSETPOS picks from the days another BY part lists");
  return problems;
}

/** Rules that rrule walks day by day, and the days one of their periods lasts. */
const DAYS_PER_PERIOD: Partial<Record<number, number>> = { [RRule.DAILY]: 1, [RRule.WEEKLY]: 7 };

/**
 * The rrule evaluator for a freeze's rule, counting from its `from` wall time; UNTIL is read on
 * the same clocks. Throws when the rule is unusable.
 *
 * rrule walks from the rule's start every time it is asked, day by day for daily and weekly
 * rules. When only windows from `notBefore` (a wall time) on are wanted, such a rule without a
 * COUNT is restarted whole periods later, which yields the same windows from there on.
 */
export function compileRule(rule: string, from: string, notBefore?: Date): RRule {
  const dtstart = parseWallTime(from);
  const problems = ruleProblems(rule);
  if (!dtstart || problems.length) throw new Error(`Unusable freeze rule ${rule} from ${from}: ${problems.join("; ")}`);
  const options = RRule.parseString(normaliseRule(rule));
  const periodDays = options.count ? 0 : (options.interval ?? 1) * (DAYS_PER_PERIOD[options.freq ?? -1] ?? 0);
  const periods =
    periodDays && notBefore ? Math.floor((notBefore.getTime() - dtstart.getTime()) / (periodDays * DAY_MS)) - 1 : 0;
  const start = new Date(dtstart.getTime() + Math.max(0, periods) * periodDays * DAY_MS);
  // Floating dates (no TZID): rrule's own zone handling follows the server's clock zone; the
  // freeze's zone is applied afterwards, one window at a time.
  return new RRule({ ...options, dtstart: start, tzid: null });
}

/**
 * Whether a rule ever starts a window. A daily rule stepping whole weeks only ever meets the
 * weekday it starts on; that case is answered without asking rrule, which would otherwise walk
 * day by day to the year 9999 before giving up. Monthly and yearly rules that never occur
 * (30 February) cost rrule a few hundred milliseconds to rule out.
 */
export function ruleEverOccurs(rule: string, from: string): boolean {
  const compiled = compileRule(rule, from);
  const { freq, interval, byweekday, dtstart } = compiled.options;
  const startWeekday = (dtstart.getUTCDay() + 6) % 7; // rrule counts Monday as 0
  if (freq === RRule.DAILY && interval % 7 === 0 && byweekday && !byweekday.includes(startWeekday)) return false;
  return compiled.after(dtstart, true) !== null;
}

const text = (max: number, what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}` })
    .max(max, { error: `Use at most ${max} characters` });

const wallTime = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .refine((value) => parseWallTime(value) !== null, {
      error: `Enter ${what} as a date and time, e.g. 2025-12-24T16:00`,
    })
    .refine((value) => parseWallTime(value) === null || between(value.slice(0, 4), 1970, 2999), {
      error: "Choose a year from 1970 to 2999",
    });

const freezeBase = {
  name: text(120, "a name for the freeze"),
  scope: z.enum(["instance", "project"], { error: "Choose the whole instance or one project" }),
  projectId: z
    .union([z.uuid({ error: "Choose a project" }), z.literal(""), z.null()])
    .optional()
    .transform((v) => v || null),
  timeZone: z
    .string({ error: "Choose a time zone" })
    .trim()
    .transform((name, ctx) => {
      const zone = canonicalTimeZone(name);
      if (!zone) ctx.addIssue({ code: "custom", message: "Choose a time zone such as Europe/Berlin" });
      return zone ?? name;
    }),
};

const oneOffSchema = z.object({
  ...freezeBase,
  kind: z.literal("one_off"),
  startsAt: wallTime("when the freeze starts"),
  endsAt: wallTime("when the freeze ends"),
});

const recurringSchema = z.object({
  ...freezeBase,
  kind: z.literal("recurring"),
  rrule: z
    .string({ error: "Enter a repeat rule" })
    .superRefine((value, ctx) => {
      for (const message of ruleProblems(value)) ctx.addIssue({ code: "custom", message });
    })
    .transform(normaliseRule),
  from: wallTime("when the rule starts counting"),
  durationMinutes: z.coerce
    .number({ error: "Enter how long each window lasts, in minutes" })
    .int({ error: "Enter whole minutes" })
    .min(1, { error: "A window lasts at least a minute" })
    .max(MAX_WINDOW_MINUTES, { error: "A window lasts at most 31 days" }),
});

/** Whether the fields the rule is compiled from passed their own checks (zod reports those itself). */
const rulePartsValid = (freeze: RecurringFreeze) =>
  parseWallTime(freeze.from) !== null && !ruleProblems(freeze.rrule).length;

/**
 * Checks that need several fields at once, each reported on the field a person would fix. They
 * run even when another field is wrong, so a form shows every problem in one go.
 */
function crossCheck(freeze: FreezeRule, ctx: z.RefinementCtx) {
  if (freeze.scope === "project" && !freeze.projectId)
    ctx.addIssue({ code: "custom", path: ["projectId"], message: "Choose the project this freeze holds" });
  if (freeze.scope === "instance" && freeze.projectId)
    ctx.addIssue({ code: "custom", path: ["projectId"], message: "An instance-wide freeze names no project" });
  if (freeze.kind === "one_off") {
    const span = Date.parse(freeze.endsAt + "Z") - Date.parse(freeze.startsAt + "Z");
    if (span <= 0) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The freeze must end after it starts" });
    else if (span > MAX_ONE_OFF_DAYS * 1440 * MINUTE_MS)
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "A one-off freeze lasts at most a year" });
  } else if (rulePartsValid(freeze) && !ruleEverOccurs(freeze.rrule, freeze.from)) {
    ctx.addIssue({ code: "custom", path: ["rrule"], message: "This rule never starts a window after its start date" });
  }
}

/** A freeze as a person defines it in a form or over the API; every bad field is reported by its path. */
export const freezeRuleSchema = z
  .discriminatedUnion("kind", [oneOffSchema, recurringSchema], {
    error: "Choose a one-off or a repeating freeze",
  })
  .superRefine(crossCheck);

export type FreezeRuleParse =
  { ok: true; freeze: FreezeRule } | { ok: false; error: string; fieldErrors: Record<string, string[]> };

/** Reads a freeze definition, or says in words what is wrong with each field. */
export function parseFreezeRule(input: unknown): FreezeRuleParse {
  const result = freezeRuleSchema.safeParse(input);
  if (result.success) return { ok: true, freeze: result.data };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) (fieldErrors[issue.path.join(".") || "_"] ??= []).push(issue.message);
  const error = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join("; ")}`)
    .join(", ");
  return { ok: false, error: `Invalid freeze — ${error}`, fieldErrors };
}
