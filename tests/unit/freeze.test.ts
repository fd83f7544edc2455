import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  activeFreeze,
  CHAIN_HORIZON_MS,
  describeFreeze,
  durationWords,
  type FreezeOverride,
  type FreezeRule,
  freezesFor,
  freezeVerdict,
  nextFreeze,
  occurrencesBetween,
  type OneOffFreeze,
  type OverrideSigner,
  overrideProblems,
  parseFreezeRule,
  type RecurringFreeze,
  upcomingFreezeWarning,
} from "@/lib/domain/freeze";
import { formatWallTime, instantOfWallTime, parseWallTime, wallTimeOf } from "@/lib/domain/zoned-time";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const weekend = (over: Partial<RecurringFreeze> = {}): RecurringFreeze => ({
  name: "Weekend freeze",
  scope: "instance",
  projectId: null,
  timeZone: "Europe/Berlin",
  kind: "recurring",
  rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
  from: "2025-01-01T00:00",
  durationMinutes: 64 * 60,
  ...over,
});

const holidays = (over: Partial<OneOffFreeze> = {}): OneOffFreeze => ({
  name: "Holidays",
  scope: "instance",
  projectId: null,
  timeZone: "Europe/Berlin",
  kind: "one_off",
  startsAt: "2025-12-22T08:00",
  endsAt: "2026-01-02T08:00",
  ...over,
});

const at = (iso: string) => new Date(iso);
const wall = (text: string) => parseWallTime(text) ?? new Date(Number.NaN);
const local = (instant: Date, zone: string) => formatWallTime(wallTimeOf(instant, zone));
const spans = (windows: { startsAt: Date; endsAt: Date }[]) =>
  windows.map((w) => [
    w.startsAt.toISOString(),
    w.endsAt.toISOString(),
    (w.endsAt.getTime() - w.startsAt.getTime()) / HOUR,
  ]);

describe("wall times on a zone's clocks", () => {
  test.each([
    ["Europe/Berlin", "2025-01-15T12:00", "2025-01-15T11:00:00.000Z"],
    ["Europe/Berlin", "2025-07-15T12:00", "2025-07-15T10:00:00.000Z"],
    // The clocks skip 02:00–03:00: 02:30 is read with the winter offset, i.e. 03:30 summer time.
    ["Europe/Berlin", "2025-03-30T02:30", "2025-03-30T01:30:00.000Z"],
    // The clocks show 02:00–03:00 twice: the first pass, still in summer time.
    ["Europe/Berlin", "2025-10-26T02:30", "2025-10-26T00:30:00.000Z"],
    ["America/New_York", "2025-03-09T02:30", "2025-03-09T07:30:00.000Z"],
    ["America/New_York", "2025-11-02T01:30", "2025-11-02T05:30:00.000Z"],
    ["Asia/Kolkata", "2025-06-01T09:00", "2025-06-01T03:30:00.000Z"],
    // Lord Howe Island moves its clocks by half an hour.
    ["Australia/Lord_Howe", "2025-04-06T01:45", "2025-04-05T14:45:00.000Z"],
    ["Australia/Lord_Howe", "2025-10-05T02:15", "2025-10-04T15:45:00.000Z"],
  ])("%s %s is %s", (zone, text, expected) => {
    expect(instantOfWallTime(wall(text), zone).toISOString()).toBe(expected);
  });

  test("a typed date must exist as typed", () => {
    expect(parseWallTime("2025-02-30T10:00")).toBeNull();
    expect(parseWallTime("2025-12-24T24:00")).toBeNull();
    expect(parseWallTime("2025-12-24 16:00")).toBeNull();
    expect(parseWallTime("2025-12-24T16:00")?.toISOString()).toBe("2025-12-24T16:00:00.000Z");
  });

  test("property: reading an instant's wall time back gives a moment showing the same wall time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }),
        (zone, ms) => {
          const shown = wallTimeOf(new Date(ms), zone);
          const read = instantOfWallTime(shown, zone);
          expect(wallTimeOf(read, zone)).toEqual(shown);
          // Only a second pass of a repeated hour reads back earlier, and by the clocks' jump at most.
          expect(ms - read.getTime()).toBeGreaterThanOrEqual(0);
          expect(ms - read.getTime()).toBeLessThanOrEqual(HOUR);
        },
      ),
    );
  });
});

describe("windows of a repeating freeze across clock changes", () => {
  test("Europe/Berlin: Fridays 16:00 to Mondays 08:00 keep their wall times; the switch weekends are 63 and 65 hours", () => {
    const spring = occurrencesBetween(weekend(), at("2025-03-20T00:00Z"), at("2025-04-08T00:00Z"));
    expect(spans(spring)).toEqual([
      ["2025-03-21T15:00:00.000Z", "2025-03-24T07:00:00.000Z", 64],
      ["2025-03-28T15:00:00.000Z", "2025-03-31T06:00:00.000Z", 63],
      ["2025-04-04T14:00:00.000Z", "2025-04-07T06:00:00.000Z", 64],
    ]);
    const autumn = occurrencesBetween(weekend(), at("2025-10-20T00:00Z"), at("2025-11-01T00:00Z"));
    expect(spans(autumn)).toEqual([
      ["2025-10-17T14:00:00.000Z", "2025-10-20T06:00:00.000Z", 64],
      ["2025-10-24T14:00:00.000Z", "2025-10-27T07:00:00.000Z", 65],
      ["2025-10-31T15:00:00.000Z", "2025-11-03T07:00:00.000Z", 64],
    ]);
    for (const w of [...spring, ...autumn]) {
      expect(local(w.startsAt, "Europe/Berlin")).toMatch(/T16:00$/);
      expect(local(w.endsAt, "Europe/Berlin")).toMatch(/T08:00$/);
    }
  });

  test("America/New_York: March and November switches, Fridays 18:00 to Mondays 06:00", () => {
    const freeze = weekend({
      timeZone: "America/New_York",
      rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=18;BYMINUTE=0",
      durationMinutes: 60 * 60,
    });
    expect(spans(occurrencesBetween(freeze, at("2025-03-01T00:00Z"), at("2025-03-15T00:00Z")))).toEqual([
      ["2025-02-28T23:00:00.000Z", "2025-03-03T11:00:00.000Z", 60],
      ["2025-03-07T23:00:00.000Z", "2025-03-10T10:00:00.000Z", 59],
      ["2025-03-14T22:00:00.000Z", "2025-03-17T10:00:00.000Z", 60],
    ]);
    expect(spans(occurrencesBetween(freeze, at("2025-10-30T00:00Z"), at("2025-11-08T00:00Z")))).toEqual([
      ["2025-10-31T22:00:00.000Z", "2025-11-03T11:00:00.000Z", 61],
      ["2025-11-07T23:00:00.000Z", "2025-11-10T11:00:00.000Z", 60],
    ]);
  });

  test("a night window spanning the switch is an hour shorter in spring and longer in autumn", () => {
    const night = weekend({ name: "Night", rrule: "FREQ=DAILY;BYHOUR=0;BYMINUTE=0", durationMinutes: 6 * 60 });
    const [spring] = occurrencesBetween(night, at("2025-03-30T00:00Z"), at("2025-03-30T00:01Z"));
    const [autumn] = occurrencesBetween(night, at("2025-10-26T00:00Z"), at("2025-10-26T00:01Z"));
    expect(spans([spring!, autumn!])).toEqual([
      ["2025-03-29T23:00:00.000Z", "2025-03-30T04:00:00.000Z", 5],
      ["2025-10-25T22:00:00.000Z", "2025-10-26T05:00:00.000Z", 7],
    ]);
  });

  test("a window starting in the skipped hour starts after the jump and keeps its length", () => {
    const odd = weekend({ rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", durationMinutes: 30 });
    const [w] = occurrencesBetween(odd, at("2025-03-30T00:00Z"), at("2025-03-30T12:00Z"));
    expect(spans([w!])).toEqual([["2025-03-30T01:30:00.000Z", "2025-03-30T02:00:00.000Z", 0.5]]);
    expect(local(w!.startsAt, "Europe/Berlin")).toBe("2025-03-30T03:30");
  });

  test("Asia/Kolkata: a half-hour offset and no clock changes", () => {
    const freeze = weekend({ timeZone: "Asia/Kolkata", rrule: "FREQ=WEEKLY;BYDAY=SA;BYHOUR=10", durationMinutes: 90 });
    expect(spans(occurrencesBetween(freeze, at("2025-06-01T00:00Z"), at("2025-06-15T00:00Z")))).toEqual([
      ["2025-06-07T04:30:00.000Z", "2025-06-07T06:00:00.000Z", 1.5],
      ["2025-06-14T04:30:00.000Z", "2025-06-14T06:00:00.000Z", 1.5],
    ]);
  });

  test("Australia/Lord_Howe: half-hour clock changes lengthen or shorten a window by half an hour", () => {
    const freeze = weekend({
      timeZone: "Australia/Lord_Howe",
      rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=1",
      durationMinutes: 120,
    });
    const window = (iso: string) => occurrencesBetween(freeze, at(iso), new Date(at(iso).getTime() + 1))[0];
    expect(spans([window("2025-04-05T15:00Z")!, window("2025-10-04T15:00Z")!])).toEqual([
      ["2025-04-05T14:00:00.000Z", "2025-04-05T16:30:00.000Z", 2.5],
      ["2025-10-04T14:30:00.000Z", "2025-10-04T16:00:00.000Z", 1.5],
    ]);
  });

  test("the time of day comes from the start when the rule names none", () => {
    const freeze = weekend({ rrule: "FREQ=WEEKLY;BYDAY=MO", from: "2025-06-02T07:30", durationMinutes: 60 });
    const [w] = occurrencesBetween(freeze, at("2025-06-09T00:00Z"), at("2025-06-10T00:00Z"));
    expect(local(w!.startsAt, "Europe/Berlin")).toBe("2025-06-09T07:30");
  });

  test("nothing happens before the rule's start, or after its count runs out", () => {
    const counted = weekend({ rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;COUNT=2", from: "2025-12-01T00:00" });
    expect(occurrencesBetween(counted, at("2025-01-01T00:00Z"), at("2025-12-01T00:00Z"))).toEqual([]);
    expect(occurrencesBetween(counted, at("2025-12-01T00:00Z"), at("2026-02-01T00:00Z"))).toHaveLength(2);
  });
});

describe("one-off freezes", () => {
  test("a holiday range read on its zone's clocks", () => {
    expect(spans(occurrencesBetween(holidays(), at("2025-12-01T00:00Z"), at("2026-02-01T00:00Z")))).toEqual([
      ["2025-12-22T07:00:00.000Z", "2026-01-02T07:00:00.000Z", 264],
    ]);
    expect(occurrencesBetween(holidays(), at("2026-01-02T07:00Z"), at("2026-02-01T00:00Z"))).toEqual([]);
    expect(occurrencesBetween(holidays(), at("2025-11-01T00:00Z"), at("2025-12-22T07:00Z"))).toEqual([]);
  });

  test("a window that began before the range and is still running is included", () => {
    expect(occurrencesBetween(holidays(), at("2025-12-30T00:00Z"), at("2025-12-31T00:00Z"))).toHaveLength(1);
    const [w] = occurrencesBetween(weekend(), at("2025-12-07T12:00Z"), at("2025-12-07T13:00Z"));
    expect(w?.startsAt.toISOString()).toBe("2025-12-05T15:00:00.000Z");
  });
});

test("a stored freeze that no longer reads is a bug to report, not a freeze to skip", () => {
  const moment = at("2025-12-06T12:00Z");
  expect(() => activeFreeze([holidays({ startsAt: "24/12/2025" })], moment)).toThrow(/Unreadable/);
  expect(() => activeFreeze([weekend({ rrule: "FREQ=HOURLY" })], moment)).toThrow(/Unusable freeze rule/);
});

describe("which freeze holds a plan, and until when", () => {
  test("frozen from the first minute of a window up to, not including, its end", () => {
    expect(activeFreeze([weekend()], at("2025-12-05T14:59Z"))).toBeNull();
    expect(activeFreeze([weekend()], at("2025-12-05T15:00Z"))?.until.toISOString()).toBe("2025-12-08T07:00:00.000Z");
    expect(activeFreeze([weekend()], at("2025-12-08T06:59Z"))).not.toBeNull();
    expect(activeFreeze([weekend()], at("2025-12-08T07:00Z"))).toBeNull();
  });

  test("windows that touch or overlap, of any freeze, make one freeze: it lasts until the last one ends", () => {
    // The weekend before Christmas ends on Monday 08:00, exactly when the holidays begin.
    const active = activeFreeze([weekend(), holidays()], at("2025-12-20T12:00Z"));
    expect(active?.holding.map((w) => w.freeze.name)).toEqual(["Weekend freeze"]);
    expect(active?.until.toISOString()).toBe("2026-01-02T07:00:00.000Z");
    expect(active?.untilAtLeast).toBe(false);
    expect(active?.chain.map((w) => w.freeze.name)).toEqual(["Weekend freeze", "Holidays"]);
    const inside = activeFreeze([weekend(), holidays()], at("2025-12-27T12:00Z"));
    expect(inside?.holding.map((w) => w.freeze.name).sort()).toEqual(["Holidays", "Weekend freeze"]);
  });

  test("a freeze in another zone that carries on afterwards is followed, and its clocks tell the end", () => {
    const newYork = holidays({
      name: "US release hold",
      timeZone: "America/New_York",
      startsAt: "2025-12-08T01:00",
      endsAt: "2025-12-08T12:00",
    });
    const active = activeFreeze([weekend(), newYork], at("2025-12-06T12:00Z"));
    expect(active?.until.toISOString()).toBe("2025-12-08T17:00:00.000Z");
    const verdict = freezeVerdict({ command: "go", freezes: [weekend(), newYork], at: at("2025-12-06T12:00Z") });
    expect(verdict.allowed === false && verdict.message).toMatch(
      /^Change freezes “Weekend freeze” and “US release hold” are on until Mon 8 Dec, 12:00 \(America\/New_York\)/,
    );
  });

  test("windows running on back to back past the horizon give a lower bound", () => {
    const always = weekend({ name: "Standstill", rrule: "FREQ=DAILY;BYHOUR=0", durationMinutes: 24 * 60 });
    const active = activeFreeze([always], at("2025-06-01T12:00Z"));
    expect(active?.untilAtLeast).toBe(true);
    expect(active!.until.getTime()).toBeGreaterThanOrEqual(at("2025-06-01T12:00Z").getTime() + CHAIN_HORIZON_MS);
    expect(freezeVerdict({ command: "go", freezes: [always], at: at("2025-06-01T12:00Z") })).toMatchObject({
      allowed: false,
      message: expect.stringContaining("is on until at least"),
    });
  });

  test("the next window to start, for a warning on the gate", () => {
    const now = at("2025-12-05T12:00Z");
    const next = nextFreeze([weekend(), holidays()], now, 7 * DAY);
    expect(next?.startsAt.toISOString()).toBe("2025-12-05T15:00:00.000Z");
    expect(upcomingFreezeWarning(next!, now)).toBe(
      "Change freeze “Weekend freeze” starts Fri 5 Dec, 16:00 (Europe/Berlin), in 3 h",
    );
    expect(nextFreeze([weekend()], now, 2 * HOUR)).toBeNull();
    // While frozen, the next one is the window after the current one.
    expect(nextFreeze([weekend()], at("2025-12-06T12:00Z"), 7 * DAY)?.startsAt.toISOString()).toBe(
      "2025-12-12T15:00:00.000Z",
    );
  });

  test("a project is held by the instance's freezes and its own, not by other projects'", () => {
    const mine = holidays({ name: "Mine", scope: "project", projectId: "p1" });
    const theirs = holidays({ name: "Theirs", scope: "project", projectId: "p2" });
    expect(freezesFor([weekend(), mine, theirs], "p1").map((f) => f.name)).toEqual(["Weekend freeze", "Mine"]);
  });
});

const rm: OverrideSigner = {
  userId: "u-rm",
  reason: "Security fix for CVE-2025-1234",
  isAdmin: false,
  roles: ["release_manager"],
};
const admin: OverrideSigner = { userId: "u-admin", reason: "Agreed with the CISO", isAdmin: true, roles: [] };
const override = (over: Partial<FreezeOverride> = {}): FreezeOverride => ({ releaseManager: rm, admin, ...over });

describe("the freeze verdict", () => {
  const frozen = at("2025-12-06T12:00Z");
  const free = at("2025-12-10T12:00Z");

  test.each([
    ["go", free, true],
    ["auto_advance", free, true],
    ["no_go", free, true],
    ["rollback", free, true],
    ["go", frozen, false],
    ["auto_advance", frozen, false],
    ["no_go", frozen, true],
    ["rollback", frozen, true],
  ] as const)("%s at %s: allowed %s", (command, moment, allowed) => {
    expect(freezeVerdict({ command, freezes: [weekend()], at: moment }).allowed).toBe(allowed);
  });

  test("a refused go names the freeze and when it ends on its own clocks", () => {
    expect(freezeVerdict({ command: "go", freezes: [weekend()], at: frozen })).toMatchObject({
      allowed: false,
      message:
        "Change freeze “Weekend freeze” is on until Mon 8 Dec, 08:00 (Europe/Berlin); a go decision needs an emergency override by a release manager and an admin, each with a reason",
    });
    const newYear = freezeVerdict({ command: "go", freezes: [holidays()], at: at("2025-12-24T12:00Z") });
    expect(newYear.allowed === false && newYear.message).toMatch(/until Fri 2 Jan 2026, 08:00 \(Europe\/Berlin\)/);
  });

  test("a release manager and an admin, each with a reason, let a go through", () => {
    expect(freezeVerdict({ command: "go", freezes: [weekend()], at: frozen, override: override() })).toMatchObject({
      allowed: true,
      overridden: true,
      message: "Emergency override: Change freeze “Weekend freeze” is on until Mon 8 Dec, 08:00 (Europe/Berlin)",
    });
  });

  test("automatic advance waits even with an override: nobody is there to sign", () => {
    expect(
      freezeVerdict({ command: "auto_advance", freezes: [weekend()], at: frozen, override: override() }),
    ).toMatchObject({ allowed: false, message: expect.stringContaining("automatic advance waits") });
  });

  test.each([
    ["one person signing twice", { admin: { ...admin, userId: "u-rm" } }, "two different people"],
    ["a blank reason", { releaseManager: { ...rm, reason: "   " } }, "the release manager must give a reason"],
    ["an admin without a reason", { admin: { ...admin, reason: "" } }, "the admin must give a reason"],
    [
      "a signer who is not a release manager",
      { releaseManager: { ...rm, roles: ["engineer"] as const } },
      "hold that role",
    ],
    ["an admin who is not an administrator", { admin: { ...admin, isAdmin: false } }, "must be an administrator"],
  ])("an override is refused for %s", (_, over, problem) => {
    expect(overrideProblems(override(over))).toEqual([expect.stringContaining(problem)]);
    const verdict = freezeVerdict({ command: "go", freezes: [weekend()], at: frozen, override: override(over) });
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.message).toContain("override refused: ");
    expect(verdict.allowed === false && verdict.message).toContain(problem);
  });

  test("an admin who is also a release manager may sign as the release manager with another admin", () => {
    expect(
      overrideProblems(
        override({
          releaseManager: { ...admin, roles: ["release_manager"] },
          admin: { ...admin, userId: "u-admin-2" },
        }),
      ),
    ).toEqual([]);
  });
});

describe("reading a freeze definition", () => {
  const valid = {
    name: "Weekend freeze",
    scope: "instance",
    timeZone: "europe/berlin",
    kind: "recurring",
    rrule: " rrule:freq=weekly;byday=FR;byhour=16;byminute=0 ",
    from: "2025-01-01T00:00",
    durationMinutes: "3840",
  };

  test("accepts a form's values and stores them tidily", () => {
    expect(parseFreezeRule(valid)).toEqual({ ok: true, freeze: weekend() });
    expect(parseFreezeRule({ ...holidays(), projectId: "" })).toEqual({ ok: true, freeze: holidays() });
  });

  test.each([
    [{ timeZone: "Mars/Olympus" }, "timeZone", "Choose a time zone"],
    [{ timeZone: "+01:00" }, "timeZone", "Choose a time zone"],
    [{ name: "  " }, "name", "Enter a name"],
    [{ rrule: "hello" }, "rrule", "not a rule part"],
    [{ rrule: "FREQ=HOURLY" }, "rrule", "FREQ takes DAILY, WEEKLY, MONTHLY or YEARLY"],
    [{ rrule: "BYDAY=FR" }, "rrule", "Say how often it repeats"],
    [{ rrule: "FREQ=WEEKLY;BYHOUR=25" }, "rrule", "BYHOUR takes hours from 0 to 23"],
    [{ rrule: "FREQ=WEEKLY;BYDAY=XX" }, "rrule", "BYDAY takes days"],
    [{ rrule: "FREQ=WEEKLY;COUNT=3;UNTIL=20260101" }, "rrule", "COUNT or UNTIL, not both"],
    [{ rrule: "FREQ=WEEKLY;BYMONTHDAY=1" }, "rrule", "need FREQ=MONTHLY or FREQ=YEARLY"],
    [{ rrule: "FREQ=WEEKLY;BYDAY=-1FR" }, "rrule", "Numbered days"],
    [{ rrule: "DTSTART:20250101T000000Z;FREQ=WEEKLY" }, "rrule", "use the start and time zone fields"],
    [{ rrule: "FREQ=WEEKLY;FREQ=DAILY" }, "rrule", "each rule part once"],
    [{ rrule: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30" }, "rrule", "never starts a window"],
    [{ rrule: "FREQ=DAILY;INTERVAL=7;BYDAY=MO" }, "rrule", "never starts a window"],
    [{ rrule: "FREQ=WEEKLY;UNTIL=20240101" }, "rrule", "never starts a window"],
    [{ from: "2025-02-30T10:00" }, "from", "as a date and time"],
    [{ durationMinutes: 0 }, "durationMinutes", "at least a minute"],
    [{ durationMinutes: 31 * 24 * 60 + 1 }, "durationMinutes", "at most 31 days"],
    [{ durationMinutes: 1.5 }, "durationMinutes", "whole minutes"],
    [{ scope: "project" }, "projectId", "Choose the project"],
    [{ projectId: "8f7d4a38-3f63-4c55-9a3c-2a4e0f7d1b11" }, "projectId", "names no project"],
    [{ scope: "team" }, "scope", "whole instance or one project"],
    [{ kind: "sometimes" }, "kind", "one-off or a repeating freeze"],
  ])("%o is refused on %s", (patch, field, message) => {
    const result = parseFreezeRule({ ...valid, ...patch });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors[field]).toEqual(
      expect.arrayContaining([expect.stringContaining(message)]),
    );
  });

  test.each([
    [{ endsAt: "2025-12-22T08:00" }, "must end after it starts"],
    [{ endsAt: "2025-12-22T07:00" }, "must end after it starts"],
    [{ endsAt: "2026-12-31T08:00" }, "at most a year"],
  ])("a one-off freeze %o is refused on endsAt", (patch, message) => {
    const result = parseFreezeRule({ ...holidays(), ...patch });
    expect(result.ok === false && result.fieldErrors.endsAt).toEqual([expect.stringContaining(message)]);
  });

  test("every bad field is reported at once, each under its own name", () => {
    const result = parseFreezeRule({
      ...valid,
      name: "",
      timeZone: "Nowhere",
      rrule: "FREQ=SECONDLY",
      durationMinutes: -5,
    });
    expect(result.ok === false && Object.keys(result.fieldErrors).sort()).toEqual([
      "durationMinutes",
      "name",
      "rrule",
      "timeZone",
    ]);
    expect(result.ok === false && result.error).toMatch(/^Invalid freeze — name: Enter a name/);
  });
});

describe("a freeze in words", () => {
  test.each([
    [weekend(), "Every week on Friday at 16:00 for 2 days 16 hours (Europe/Berlin)"],
    [
      weekend({ rrule: "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", from: "2025-01-01T12:00", durationMinutes: 3 * 1440 }),
      "Every December on the 24th at 12:00 for 3 days (Europe/Berlin)",
    ],
    [
      weekend({
        timeZone: "Asia/Kolkata",
        rrule: "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=18;BYMINUTE=30",
        durationMinutes: 90,
      }),
      "Every weekday at 18:30 for 1 hour 30 minutes (Asia/Kolkata)",
    ],
    [
      weekend({ rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;BYHOUR=0;UNTIL=20260331", durationMinutes: 1440 }),
      "Every 2 weeks on Saturday, Sunday at 00:00 for 1 day, until Tue 31 Mar 2026, 00:00 (Europe/Berlin)",
    ],
    [
      weekend({ rrule: "FREQ=WEEKLY", from: "2025-01-03T16:00", durationMinutes: 61 }),
      "Every week on Friday at 16:00 for 1 hour 1 minute (Europe/Berlin)",
    ],
    [
      weekend({ rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=12", durationMinutes: 720 }),
      "Repeats FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=12, each time for 12 hours (Europe/Berlin)",
    ],
    [holidays(), "Once, from Mon 22 Dec 2025, 08:00 to Fri 2 Jan 2026, 08:00 (Europe/Berlin)"],
    [
      holidays({ endsAt: "2025-12-23T18:00" }),
      "Once, from Mon 22 Dec 2025, 08:00 to Tue 23 Dec, 18:00 (Europe/Berlin)",
    ],
  ] as [FreezeRule, string][])("%#: %s", (freeze, words) => {
    expect(describeFreeze(freeze)).toBe(words);
  });

  test.each([
    [1, "1 minute"],
    [60, "1 hour"],
    [90, "1 hour 30 minutes"],
    [1440, "1 day"],
    [3840, "2 days 16 hours"],
  ])("%i minutes read %s", (minutes, words) => {
    expect(durationWords(minutes)).toBe(words);
  });
});

const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"] as const;
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;

/**
 * Repeating freezes whose windows start between 04:00 and 20:45 and end by midnight, so that
 * neither end falls in an hour any of these zones skips or repeats.
 */
const arbitraryRecurring = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    days: fc.subarray([...DAYS], { minLength: 1 }),
    hour: fc.integer({ min: 4, max: 20 }),
    minute: fc.constantFrom(0, 15, 30, 45),
    interval: fc.integer({ min: 1, max: 3 }),
    daily: fc.boolean(),
    wholeDays: fc.integer({ min: 0, max: 2 }),
    extraHours: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ zone, days, hour, minute, interval, daily, wholeDays, extraHours }): RecurringFreeze =>
    weekend({
      name: `${zone} ${daily ? "daily" : "weekly"}/${interval} ${days.join(",")} ${hour}:${minute}`,
      timeZone: zone,
      rrule: `FREQ=${daily ? "DAILY" : "WEEKLY"};INTERVAL=${interval};BYDAY=${days.join(",")};BYHOUR=${hour};BYMINUTE=${minute}`,
      from: "2025-01-01T00:00",
      durationMinutes: (daily ? 0 : wholeDays * 1440) + extraHours * 60 + 15,
    }),
  );

const arbitraryOneOff = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    startMinute: fc.integer({ min: 0, max: 700 * 1440 }),
    lengthMinutes: fc.integer({ min: 1, max: 20 * 1440 }),
  })
  .map(({ zone, startMinute, lengthMinutes }): OneOffFreeze => {
    const start = Date.UTC(2025, 0, 1) + startMinute * 60_000;
    return holidays({
      name: `once ${zone} +${startMinute}`,
      timeZone: zone,
      startsAt: formatWallTime(new Date(start)),
      endsAt: formatWallTime(new Date(start + lengthMinutes * 60_000)),
    });
  });

const arbitraryFreezes = fc.array(fc.oneof(arbitraryRecurring, arbitraryRecurring, arbitraryOneOff), {
  minLength: 1,
  maxLength: 3,
});
const arbitraryMoment = fc
  .integer({ min: Date.UTC(2025, 0, 15), max: Date.UTC(2026, 11, 15) })
  .map((ms) => new Date(ms));

describe("properties", () => {
  test("property: a plan is frozen at a moment exactly when some window of some freeze contains it", () => {
    fc.assert(
      fc.property(arbitraryFreezes, arbitraryMoment, (freezes, moment) => {
        const around = freezes.flatMap((f) =>
          occurrencesBetween(f, new Date(moment.getTime() - 10 * DAY), new Date(moment.getTime() + 10 * DAY)),
        );
        const contains = around.some((w) => w.startsAt <= moment && moment < w.endsAt);
        expect(activeFreeze(freezes, moment) !== null).toBe(contains);
      }),
      { numRuns: 150 },
    );
  });

  test("property: once a freeze is over the plan is free, and it was held all the way there", () => {
    fc.assert(
      fc.property(
        arbitraryFreezes,
        arbitraryMoment,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (freezes, moment, share) => {
          const active = activeFreeze(freezes, moment);
          if (!active || active.untilAtLeast) return;
          expect(activeFreeze(freezes, active.until)).toBeNull();
          const between = new Date(moment.getTime() + Math.floor(share * (active.until.getTime() - moment.getTime())));
          if (between < active.until) expect(activeFreeze(freezes, between)).not.toBeNull();
        },
      ),
      { numRuns: 100 },
    );
  });

  test("property: every window starts at the rule's hour and minute on its zone's clocks and lasts its wall-clock length", () => {
    fc.assert(
      fc.property(arbitraryRecurring, arbitraryMoment, (freeze, moment) => {
        const [, hour, minute] = /BYHOUR=(\d+);BYMINUTE=(\d+)/.exec(freeze.rrule) ?? [];
        const windows = occurrencesBetween(freeze, moment, new Date(moment.getTime() + 28 * DAY));
        expect(windows.length).toBeGreaterThan(0);
        for (const w of windows) {
          const start = wallTimeOf(w.startsAt, freeze.timeZone);
          expect([start.getUTCHours(), start.getUTCMinutes()]).toEqual([Number(hour), Number(minute)]);
          const wallLength = wallTimeOf(w.endsAt, freeze.timeZone).getTime() - start.getTime();
          expect(wallLength).toBe(freeze.durationMinutes * 60_000);
        }
      }),
      { numRuns: 150 },
    );
  });

  test("property: a late query gives the same windows as following the rule from its start", () => {
    fc.assert(
      fc.property(arbitraryRecurring, arbitraryMoment, fc.integer({ min: 1, max: 20 }), (freeze, moment, days) => {
        const end = new Date(moment.getTime() + days * DAY);
        const late = occurrencesBetween(freeze, moment, end);
        const fromStart = occurrencesBetween(freeze, at("2024-12-01T00:00Z"), end).filter((w) => w.endsAt > moment);
        expect(spans(late)).toEqual(spans(fromStart));
        const starts = late.map((w) => w.startsAt.getTime());
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
      { numRuns: 100 },
    );
  });
});
