import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type DigestSlot,
  describeSlot,
  dueDigest,
  isoWeekKey,
  latestDueAt,
  nextDueAt,
  periodOf,
} from "@/lib/domain/digest-schedule";
import { wallTimeOf } from "@/lib/domain/zoned-time";

const berlinMonday9: DigestSlot = { weekday: 1, hour: 9, timeZone: "Europe/Berlin" };
const local = (instant: Date, zone = "Europe/Berlin") => wallTimeOf(instant, zone).toISOString().slice(0, 16);

describe("isoWeekKey", () => {
  test.each([
    ["2026-01-01", "2026-W01"], // a Thursday
    ["2025-12-29", "2026-W01"], // Monday of the week holding 1 Jan 2026
    ["2027-01-01", "2026-W53"], // a Friday: 2026 has 53 weeks
    ["2021-01-03", "2020-W53"],
    ["2026-12-07", "2026-W50"],
  ])("%s is in %s", (day, key) => {
    expect(isoWeekKey(new Date(`${day}T12:00:00Z`))).toBe(key);
  });
});

describe("a Monday 09:00 Berlin schedule across daylight-saving changes", () => {
  test("spring forward (29 Mar 2026): 09:00 local before and after", () => {
    const before = nextDueAt(berlinMonday9, new Date("2026-03-20T00:00:00Z"));
    expect(before.toISOString()).toBe("2026-03-23T08:00:00.000Z"); // CET, UTC+1
    const after = nextDueAt(berlinMonday9, before);
    expect(after.toISOString()).toBe("2026-03-30T07:00:00.000Z"); // CEST, UTC+2
    expect(local(before)).toBe("2026-03-23T09:00");
    expect(local(after)).toBe("2026-03-30T09:00");
  });

  test("fall back (25 Oct 2026): 09:00 local before and after", () => {
    const before = nextDueAt(berlinMonday9, new Date("2026-10-15T00:00:00Z"));
    expect(before.toISOString()).toBe("2026-10-19T07:00:00.000Z");
    const after = nextDueAt(berlinMonday9, before);
    expect(after.toISOString()).toBe("2026-10-26T08:00:00.000Z");
    expect(local(after)).toBe("2026-10-26T09:00");
  });

  test("a Sunday 02:00 slot on the spring-forward night reads as 03:00 summer time", () => {
    const slot: DigestSlot = { weekday: 7, hour: 2, timeZone: "Europe/Berlin" };
    const due = nextDueAt(slot, new Date("2026-03-28T12:00:00Z"));
    expect(due.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(periodOf(slot, due)).toBe("2026-W13");
  });
});

describe("latestDueAt and dueDigest", () => {
  test("the slot itself is due at its instant, not a millisecond before", () => {
    const at = new Date("2026-12-07T08:00:00Z"); // Monday 09:00 Berlin
    expect(latestDueAt(berlinMonday9, at).toISOString()).toBe(at.toISOString());
    expect(latestDueAt(berlinMonday9, new Date(at.getTime() - 1)).toISOString()).toBe("2026-11-30T08:00:00.000Z");
  });

  test("due once per ISO week: sent for the period, nothing more until the next slot", () => {
    const at = new Date("2026-12-07T08:30:00Z");
    const due = dueDigest(berlinMonday9, "2026-W49", at);
    expect(due).toEqual({ period: "2026-W50", dueAt: new Date("2026-12-07T08:00:00Z") });
    expect(dueDigest(berlinMonday9, "2026-W50", at)).toBeNull();
    expect(dueDigest(berlinMonday9, "2026-W50", new Date("2026-12-13T22:00:00Z"))).toBeNull();
    expect(dueDigest(berlinMonday9, "2026-W50", new Date("2026-12-14T08:00:00Z"))?.period).toBe("2026-W51");
  });

  test("after weeks without a run only the latest missed week is due", () => {
    const due = dueDigest(berlinMonday9, "2026-W40", new Date("2026-12-09T10:00:00Z"));
    expect(due?.period).toBe("2026-W50");
  });

  test("a zone east of UTC whose Monday morning is Sunday in UTC keys the local week", () => {
    const slot: DigestSlot = { weekday: 1, hour: 8, timeZone: "Pacific/Auckland" };
    const due = latestDueAt(slot, new Date("2026-12-07T00:00:00Z"));
    expect(due.toISOString()).toBe("2026-12-06T19:00:00.000Z"); // Sunday in UTC
    expect(periodOf(slot, due)).toBe("2026-W50");
  });

  test("describeSlot", () => {
    expect(describeSlot(berlinMonday9)).toBe("Mondays at 09:00 (Europe/Berlin)");
  });
});

const zones = ["Europe/Berlin", "America/New_York", "UTC", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"];
const slots = fc.record({
  weekday: fc.constantFrom(1, 2, 3, 4, 5, 6, 7 as const),
  hour: fc.integer({ min: 0, max: 23 }),
  timeZone: fc.constantFrom(...zones),
}) as fc.Arbitrary<DigestSlot>;
const instants = fc.date({
  min: new Date("2020-01-01T00:00:00Z"),
  max: new Date("2035-01-01T00:00:00Z"),
  noInvalidDate: true,
});

describe("properties", () => {
  test("latest ≤ now < next, a week or so apart, and the periods are consecutive distinct weeks", () => {
    fc.assert(
      fc.property(slots, instants, (slot, now) => {
        const latest = latestDueAt(slot, now);
        const next = nextDueAt(slot, now);
        expect(latest.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(next.getTime()).toBeGreaterThan(now.getTime());
        const gap = next.getTime() - latest.getTime();
        expect(gap).toBeGreaterThanOrEqual(7 * 86_400_000 - 2 * 3_600_000);
        expect(gap).toBeLessThanOrEqual(7 * 86_400_000 + 2 * 3_600_000);
        expect(periodOf(slot, latest)).not.toBe(periodOf(slot, next));
        // Sent for the latest period: nothing is due until the next slot.
        expect(dueDigest(slot, periodOf(slot, latest), now)).toBeNull();
        expect(dueDigest(slot, periodOf(slot, latest), next)?.period).toBe(periodOf(slot, next));
      }),
      { numRuns: 400 },
    );
  });

  test("the due instant shows the slot's weekday and hour on the zone's clocks (unless the hour is skipped)", () => {
    fc.assert(
      fc.property(slots, instants, (slot, now) => {
        const wall = wallTimeOf(nextDueAt(slot, now), slot.timeZone);
        expect(((wall.getUTCDay() + 6) % 7) + 1).toBe(slot.weekday);
        expect([slot.hour, slot.hour + 1]).toContain(wall.getUTCHours());
      }),
      { numRuns: 400 },
    );
  });
});
