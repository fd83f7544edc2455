import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { PlanKind, PlanStatus } from "@/db/schema/enums";
import {
  changeFailureRate,
  DEFAULT_PERIOD_WEEKS,
  type DeliveryIncident,
  deliveryMetrics,
  deliveryPeriod,
  type DeliveryPlan,
  DORA_DIFFERENCES,
  leadTime,
  METRIC_DEFINITIONS,
  percentile,
  reachedFullTrafficAt,
  releasesPerWeek,
  rollbackTargets,
  timeToRestore,
} from "@/lib/domain/delivery-metrics";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// Sunday 22 November 2026: the period's last week starts on Monday 16 November.
const now = new Date("2026-11-22T10:00:00Z");
const period = deliveryPeriod(now);
const iso = (t: number) => new Date(t).toISOString();
const d = (text: string) => new Date(text);

function plan(over: Partial<DeliveryPlan> = {}): DeliveryPlan {
  return {
    id: "plan",
    projectId: "checkout",
    kind: "rollout",
    status: "completed",
    startedAt: d("2026-11-16T09:00:00Z"),
    reached100At: d("2026-11-17T09:00:00Z"),
    endedAt: d("2026-11-18T09:00:00Z"),
    ...over,
  };
}

const defaultTargets = { decideTargetSec: 300, executeTargetSec: 120, verifyTargetSec: 180, totalTargetSec: 600 };

/** An incident detected at `detected`, with its later instants given in seconds after detection. */
function incident(
  detected: string,
  decided: number | null,
  executed: number | null,
  verified: number | null,
  over: Partial<DeliveryIncident> = {},
): DeliveryIncident {
  const detectedAt = d(detected);
  const after = (s: number | null) => (s === null ? null : new Date(detectedAt.getTime() + s * 1000));
  return {
    id: "incident",
    planId: "plan",
    projectId: "checkout",
    detectedAt,
    decidedAt: after(decided),
    executedAt: after(executed),
    verifiedAt: after(verified),
    targets: defaultTargets,
    ...over,
  };
}

describe("deliveryPeriod", () => {
  test("twelve Monday-to-Monday UTC weeks by default, the last holding now", () => {
    expect(period.weeks).toHaveLength(DEFAULT_PERIOD_WEEKS);
    expect(iso(period.weeks[0]!)).toBe("2026-08-31T00:00:00.000Z");
    expect(iso(period.weeks.at(-1)!)).toBe("2026-11-16T00:00:00.000Z");
    expect(period.from.toISOString()).toBe("2026-08-31T00:00:00.000Z");
    expect(period.to.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(period.now).toBe(now);
  });

  test.each([
    [1, 1],
    [4, 4],
    [3.7, 3],
    [0, 1],
    [-5, 1],
    [Number.NaN, 1],
    [500, 104],
  ])("%d weeks asked → %d weeks", (asked, weeks) => {
    expect(deliveryPeriod(now, asked).weeks).toHaveLength(weeks);
  });

  test("daylight saving time changes move no week: every week is 7 × 24 h and starts at midnight UTC", () => {
    // Europe leaves summer time on 25 October 2026, the United States on 1 November.
    const weeks = deliveryPeriod(now, 10).weeks;
    for (const [i, week] of weeks.entries()) {
      expect(new Date(week).getUTCDay()).toBe(1);
      expect(iso(week)).toMatch(/T00:00:00\.000Z$/);
      if (i > 0) expect(week - weeks[i - 1]!).toBe(WEEK);
    }
  });
});

describe("percentile (linear between the nearest ranks)", () => {
  test.each([
    ["one value is every percentile", [5], 5, 5],
    ["two values: midway, and nine tenths of the way", [10, 20], 15, 19],
    ["three values", [30, 10, 20], 20, 28],
    ["four values: the median is between the middle two", [1, 2, 3, 4], 2.5, 3.7],
    ["ten values", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, 9.1],
    ["ties", [7, 7, 7], 7, 7],
    ["ties below one slow value", [1, 1, 1, 10], 1, 7.3],
  ])("%s", (_name, values, median, p90) => {
    expect(percentile(values, 0.5)).toBeCloseTo(median, 9);
    expect(percentile(values, 0.9)).toBeCloseTo(p90, 9);
  });

  test("no values: no percentile; the ends are the smallest and largest values", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 1)).toBe(3);
  });

  test.each([-0.1, 1.5, Number.NaN])("a share of %d is a bug", (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError);
  });

  test("property: between the smallest and largest value, the median never above the p90, order irrelevant", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 * DAY }), { minLength: 1, maxLength: 40 }), (values) => {
        const median = percentile(values, 0.5)!;
        const p90 = percentile(values, 0.9)!;
        expect(median).toBeLessThanOrEqual(p90);
        expect(median).toBeGreaterThanOrEqual(Math.min(...values));
        expect(p90).toBeLessThanOrEqual(Math.max(...values));
        expect(percentile([...values].reverse(), 0.9)).toBe(p90);
      }),
    );
  });
});

describe("reachedFullTrafficAt", () => {
  const at = (h: number) => new Date(Date.parse("2026-11-16T00:00:00Z") + h * HOUR);

  test.each([
    [
      "the start of the phase at 100%",
      [
        { trafficPercent: 5, actualStartAt: at(0) },
        { trafficPercent: 25, actualStartAt: at(10) },
        { trafficPercent: 100, actualStartAt: at(30) },
      ],
      at(30),
    ],
    [
      "the first of several phases at 100%",
      [
        { trafficPercent: 100, actualStartAt: at(30) },
        { trafficPercent: 100, actualStartAt: at(50) },
      ],
      at(30),
    ],
    [
      "never, while the phase at 100% has not started",
      [
        { trafficPercent: 50, actualStartAt: at(0) },
        { trafficPercent: 100, actualStartAt: null },
      ],
      null,
    ],
    ["never, for a plan that stops below 100%", [{ trafficPercent: 50, actualStartAt: at(0) }], null],
    ["never, for a plan without phases", [], null],
  ])("%s", (_name, phases, expected) => {
    expect(reachedFullTrafficAt(phases)).toEqual(expected);
  });
});

describe("releases, lead time and change failure rate from plan histories", () => {
  test("an empty history: zero every week, no lead time, no failure rate (never NaN)", () => {
    const metrics = deliveryMetrics({ plans: [], incidents: [] }, period);
    expect(metrics.releases).toEqual({
      total: 0,
      perWeek: 0,
      weeks: period.weeks.map((week) => ({ week, completed: 0 })),
    });
    expect(metrics.leadTime).toMatchObject({ count: 0, medianMs: null, p90Ms: null, unmeasured: 0 });
    expect(metrics.leadTime.weeks.every((w) => w.count === 0 && w.medianMs === null)).toBe(true);
    expect(metrics.changeFailureRate).toMatchObject({ rolledBack: 0, finished: 0, rate: null });
    expect(metrics.changeFailureRate.weeks.every((w) => w.rate === null)).toBe(true);
    expect(metrics.timeToRestore).toMatchObject({ count: 0, medianMs: null, p90Ms: null, open: 0 });
    expect(metrics.rollbackTargets.incidents).toBe(0);
    expect(metrics.rollbackTargets.stages.map((s) => s.ratio)).toEqual([null, null, null, null]);
  });

  test("a release counts in the week it completed, even when it started and reached 100% before the period", () => {
    const early = plan({
      startedAt: d("2026-08-20T09:00:00Z"),
      reached100At: d("2026-08-28T09:00:00Z"),
      endedAt: d("2026-09-01T09:00:00Z"),
    });
    const releases = releasesPerWeek([early], period);
    expect(releases.total).toBe(1);
    expect(releases.weeks.find((w) => w.completed === 1)?.week).toBe(Date.parse("2026-08-31T00:00:00Z"));
    const lead = leadTime([early], period);
    expect(lead).toMatchObject({ count: 1, medianMs: 8 * DAY, p90Ms: 8 * DAY });
    expect(lead.weeks[0]).toEqual({ week: period.weeks[0], count: 1, medianMs: 8 * DAY, p90Ms: 8 * DAY });
  });

  test("a release that ended before the period or after its last week, or has no end recorded, is outside it", () => {
    const plans = [
      plan({ endedAt: d("2026-08-30T23:59:59.999Z") }),
      plan({ endedAt: d("2026-11-23T00:00:00Z") }),
      plan({ endedAt: null }),
    ];
    expect(releasesPerWeek(plans, period).total).toBe(0);
    expect(leadTime(plans, period).count).toBe(0);
    expect(changeFailureRate(plans, period).finished).toBe(0);
  });

  test("the week turns at Monday 00:00 UTC: Sunday 23:59 and Monday 00:00 are in different weeks", () => {
    const plans = [plan({ endedAt: d("2026-11-15T23:59:59.999Z") }), plan({ endedAt: d("2026-11-16T00:00:00Z") })];
    expect(releasesPerWeek(plans, period).weeks.slice(-2)).toEqual([
      { week: Date.parse("2026-11-09T00:00:00Z"), completed: 1 },
      { week: Date.parse("2026-11-16T00:00:00Z"), completed: 1 },
    ]);
  });

  test("a plan rolled back after reaching 100% is a failed change: no release, no lead time", () => {
    const failed = plan({ status: "rolled_back", reached100At: d("2026-11-17T09:00:00Z") });
    expect(releasesPerWeek([failed], period).total).toBe(0);
    expect(leadTime([failed], period)).toMatchObject({ count: 0, unmeasured: 0 });
    expect(changeFailureRate([failed], period)).toMatchObject({ rolledBack: 1, finished: 1, rate: 1 });
  });

  test.each<[string, PlanStatus, PlanKind]>([
    ["a cancelled plan", "cancelled", "rollout"],
    ["a plan still rolling out at 100%", "in_progress", "rollout"],
    ["a paused plan", "paused", "rollout"],
    ["a completed rollback runbook", "completed", "rollback_runbook"],
    ["a rolled-back rollback runbook", "rolled_back", "rollback_runbook"],
  ])("%s counts nowhere", (_name, status, kind) => {
    const plans = [plan({ status, kind })];
    expect(releasesPerWeek(plans, period).total).toBe(0);
    expect(leadTime(plans, period)).toMatchObject({ count: 0, unmeasured: 0 });
    expect(changeFailureRate(plans, period).finished).toBe(0);
  });

  test("a completed release without a phase at 100% or without a start counts, but has no lead time", () => {
    const plans = [plan({ reached100At: null }), plan({ startedAt: null }), plan()];
    expect(releasesPerWeek(plans, period).total).toBe(3);
    expect(leadTime(plans, period)).toMatchObject({ count: 1, unmeasured: 2, medianMs: DAY });
  });

  test("100% reached before the recorded start (a clock out of step) is a lead time of zero, not negative", () => {
    const odd = plan({ startedAt: d("2026-11-17T10:00:00Z"), reached100At: d("2026-11-17T09:00:00Z") });
    expect(leadTime([odd], period).medianMs).toBe(0);
  });

  test("lead time: median and p90 of the completed releases, and per week for the chart", () => {
    const hours = [2, 4, 6, 8, 30];
    const plans = hours.map((h, i) =>
      plan({
        id: `p${i}`,
        startedAt: d("2026-11-02T00:00:00Z"),
        reached100At: new Date(Date.parse("2026-11-02T00:00:00Z") + h * HOUR),
        // The first two end in the week of 2 November, the rest in the week of 9 November.
        endedAt: d(i < 2 ? "2026-11-06T00:00:00Z" : "2026-11-12T00:00:00Z"),
      }),
    );
    const lead = leadTime(plans, period);
    expect(lead).toMatchObject({ count: 5, medianMs: 6 * HOUR, unmeasured: 0 });
    // p90: rank 0.9 × 4 = 3.6, so 8 h + 0.6 × (30 h − 8 h).
    expect(lead.p90Ms).toBeCloseTo(21.2 * HOUR, 3);
    const byWeek = Object.fromEntries(lead.weeks.filter((w) => w.count > 0).map((w) => [iso(w.week), w]));
    expect(byWeek["2026-11-02T00:00:00.000Z"]).toMatchObject({ count: 2, medianMs: 3 * HOUR });
    expect(byWeek["2026-11-02T00:00:00.000Z"]?.p90Ms).toBeCloseTo(3.8 * HOUR, 3);
    expect(byWeek["2026-11-09T00:00:00.000Z"]).toMatchObject({ count: 3, medianMs: 8 * HOUR });
  });

  test("change failure rate: 2 rolled back of 9 finished, with each week's own ratio", () => {
    const plans = [
      ...Array.from({ length: 7 }, (_, i) => plan({ id: `ok${i}` })),
      plan({ id: "bad1", status: "rolled_back", reached100At: null }),
      plan({ id: "bad2", status: "rolled_back", endedAt: d("2026-11-10T12:00:00Z") }),
      plan({ id: "gone", status: "cancelled" }),
    ];
    const cfr = changeFailureRate(plans, period);
    expect(cfr).toMatchObject({ rolledBack: 2, finished: 9 });
    expect(cfr.rate).toBeCloseTo(2 / 9, 12);
    expect(cfr.weeks.at(-1)).toMatchObject({ rolledBack: 1, finished: 8, rate: 1 / 8 });
    expect(cfr.weeks.at(-2)).toMatchObject({ rolledBack: 1, finished: 1, rate: 1 });
    expect(cfr.weeks.at(-3)).toMatchObject({ rolledBack: 0, finished: 0, rate: null });
    expect(releasesPerWeek(plans, period)).toMatchObject({ total: 7, perWeek: 7 / 12 });
  });
});

describe("time to restore and rollback targets from incidents", () => {
  test("detected → verified; incidents still open are left out of the figures and counted apart", () => {
    const incidents = [
      incident("2026-11-16T10:00:00Z", 60, 60, 600),
      incident("2026-11-17T10:00:00Z", 60, 60, 1200),
      incident("2026-11-18T10:00:00Z", 0, 0, 3600),
      incident("2026-11-19T10:00:00Z", 60, 60, null),
      incident("2026-11-20T10:00:00Z", null, null, null),
    ];
    const ttr = timeToRestore(incidents, period);
    expect(ttr).toMatchObject({ count: 3, open: 2, medianMs: 1_200_000 });
    // p90 of 10, 20 and 60 min: rank 0.9 × 2 = 1.8, so 20 min + 0.8 × 40 min = 52 min.
    expect(ttr.p90Ms).toBeCloseTo(3_120_000, 3);
    expect(ttr.weeks.at(-1)).toMatchObject({ count: 3, medianMs: 1_200_000 });
  });

  test("an incident belongs to the week it was detected, whenever it was verified", () => {
    const before = incident("2026-08-30T23:00:00Z", 60, 60, 7200);
    const late = incident("2026-11-01T10:00:00Z", 60, 60, 10 * 86_400);
    const ttr = timeToRestore([before, late], period);
    expect(ttr).toMatchObject({ count: 1, open: 0, medianMs: 10 * DAY });
    expect(ttr.weeks.find((w) => w.count === 1)?.week).toBe(Date.parse("2026-10-26T00:00:00Z"));
  });

  test("each stage met, missed, or without an outcome yet; exactly at the target is met", () => {
    const incidents = [
      incident("2026-11-16T10:00:00Z", 300, 420, 600), // every stage exactly at its target
      incident("2026-11-17T10:00:00Z", 400, 450, 620), // slow decision: decide and total missed
      incident("2026-11-18T10:00:00Z", 60, 60, null), // verifying for days: verify and total already missed
      incident("2026-11-22T09:59:00Z", 10, 10, null), // verifying for 50 s: no outcome for verify or total
      incident("2026-11-22T09:58:00Z", null, null, null, {
        targets: { ...defaultTargets, decideTargetSec: 60 },
      }), // undecided after 2 min, past its own 1-min target
    ];
    const record = rollbackTargets(incidents, period);
    expect(record.incidents).toBe(5);
    expect(record.stages).toEqual([
      { stage: "decide", measured: 5, met: 3, pending: 0, ratio: 3 / 5 },
      { stage: "execute", measured: 4, met: 4, pending: 1, ratio: 1 },
      { stage: "verify", measured: 3, met: 2, pending: 2, ratio: 2 / 3 },
      { stage: "total", measured: 3, met: 1, pending: 2, ratio: 1 / 3 },
    ]);
  });
});

describe("per project and for the portfolio", () => {
  test("a project's metrics hold only its plans and incidents", () => {
    const history = {
      plans: [plan({ id: "a" }), plan({ id: "b", projectId: "search", status: "rolled_back" })],
      incidents: [incident("2026-11-18T10:00:00Z", 60, 60, 300, { projectId: "search", planId: "b" })],
    };
    const checkout = deliveryMetrics(history, period, "checkout");
    const search = deliveryMetrics(history, period, "search");
    const all = deliveryMetrics(history, period);
    expect([checkout.releases.total, search.releases.total, all.releases.total]).toEqual([1, 0, 1]);
    expect([checkout.changeFailureRate.rate, search.changeFailureRate.rate, all.changeFailureRate.rate]).toEqual([
      0, 1, 0.5,
    ]);
    expect([checkout.timeToRestore.count, search.timeToRestore.count, all.timeToRestore.count]).toEqual([0, 1, 1]);
    expect(deliveryMetrics(history, period, "mobile").releases.total).toBe(0);
  });
});

describe("definitions beside the charts", () => {
  test("every metric has a one-line definition and says how it differs from DORA", () => {
    const keys = ["releases", "leadTime", "changeFailureRate", "timeToRestore", "rollbackTargets"];
    for (const texts of [METRIC_DEFINITIONS, DORA_DIFFERENCES]) {
      expect(Object.keys(texts).sort()).toEqual([...keys].sort());
      for (const text of Object.values(texts)) {
        expect(text).not.toMatch(/\n/);
        expect(text).toMatch(/^[A-Z].*\.$/);
      }
    }
  });
});

describe("properties over arbitrary histories", () => {
  const span = { min: period.from.getTime() - 8 * WEEK, max: period.to.getTime() + WEEK };
  const instant = fc.integer(span).map((t) => new Date(t));
  const anyPlan = fc.record({
    id: fc.uuid(),
    projectId: fc.constantFrom("checkout", "search", "mobile"),
    kind: fc.constantFrom<PlanKind>("rollout", "rollout", "rollback_runbook"),
    status: fc.constantFrom<PlanStatus>(
      "draft",
      "scheduled",
      "in_progress",
      "paused",
      "completed",
      "rolled_back",
      "cancelled",
    ),
    startedAt: fc.option(instant, { nil: null }),
    reached100At: fc.option(instant, { nil: null }),
    endedAt: fc.option(instant, { nil: null }),
  });
  const later = (from: Date | null) =>
    from
      ? fc.option(
          fc.integer({ min: 0, max: 2 * DAY }).map((ms) => new Date(from.getTime() + ms)),
          { nil: null },
        )
      : fc.constant(null);
  const anyIncident = fc
    .record({ projectId: fc.constantFrom("checkout", "search"), detectedAt: instant })
    .chain((base) =>
      later(base.detectedAt).chain((decidedAt) =>
        later(decidedAt).chain((executedAt) =>
          later(executedAt).map((verifiedAt): DeliveryIncident => ({
            ...base,
            id: "incident",
            planId: "plan",
            decidedAt,
            executedAt,
            verifiedAt,
            targets: defaultTargets,
          })),
        ),
      ),
    );
  const inPeriod = (t: Date | null) => t !== null && t >= period.from && t < period.to;

  test("weekly counts add up to the releases completed in the period; the failure rate is a share or null", () => {
    fc.assert(
      fc.property(fc.array(anyPlan, { maxLength: 30 }), (plans) => {
        const metrics = deliveryMetrics({ plans, incidents: [] }, period);
        const completed = plans.filter((p) => p.kind === "rollout" && p.status === "completed" && inPeriod(p.endedAt));
        expect(metrics.releases.total).toBe(completed.length);
        expect(metrics.releases.weeks.reduce((sum, w) => sum + w.completed, 0)).toBe(completed.length);
        expect(metrics.leadTime.count + metrics.leadTime.unmeasured).toBe(completed.length);
        expect(metrics.leadTime.weeks.reduce((sum, w) => sum + w.count, 0)).toBe(metrics.leadTime.count);
        if (metrics.leadTime.count > 0) expect(metrics.leadTime.medianMs!).toBeLessThanOrEqual(metrics.leadTime.p90Ms!);
        const { rate, finished, rolledBack } = metrics.changeFailureRate;
        const failed = plans.filter((p) => p.kind === "rollout" && p.status === "rolled_back" && inPeriod(p.endedAt));
        expect(rolledBack).toBe(failed.length);
        expect(finished).toBe(completed.length + failed.length);
        if (finished === 0) expect(rate).toBeNull();
        else {
          expect(rate).toBeGreaterThanOrEqual(0);
          expect(rate).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  test("the projects' releases and failures add up to the portfolio's", () => {
    fc.assert(
      fc.property(fc.array(anyPlan, { maxLength: 30 }), (plans) => {
        const history = { plans, incidents: [] };
        const all = deliveryMetrics(history, period);
        const parts = ["checkout", "search", "mobile"].map((p) => deliveryMetrics(history, period, p));
        expect(parts.reduce((sum, m) => sum + m.releases.total, 0)).toBe(all.releases.total);
        expect(parts.reduce((sum, m) => sum + m.changeFailureRate.rolledBack, 0)).toBe(
          all.changeFailureRate.rolledBack,
        );
      }),
    );
  });

  test("every incident detected in the period is restored or open; each stage met, missed or pending", () => {
    fc.assert(
      fc.property(fc.array(anyIncident, { maxLength: 20 }), (incidents) => {
        const detected = incidents.filter((i) => inPeriod(i.detectedAt)).length;
        const ttr = timeToRestore(incidents, period);
        expect(ttr.count + ttr.open).toBe(detected);
        if (ttr.count > 0) expect(ttr.medianMs!).toBeLessThanOrEqual(ttr.p90Ms!);
        const record = rollbackTargets(incidents, period);
        expect(record.incidents).toBe(detected);
        for (const stage of record.stages) {
          expect(stage.measured + stage.pending).toBe(detected);
          expect(stage.met).toBeLessThanOrEqual(stage.measured);
          if (stage.ratio !== null) expect(stage.ratio).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
