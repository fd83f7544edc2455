import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import type { Milestone } from "@/lib/domain/milestones";
import {
  attentionOf,
  freezeBands,
  isInWindow,
  layoutRoadmap,
  parseRoadmapFilter,
  positionOf,
  type RoadmapFilter,
  roadmapHref,
  type RoadmapPlan,
  roadmapWindow,
  spanOn,
} from "@/lib/domain/roadmap";

const DAY = 86_400_000;
// A Wednesday, 3 December 2025, 12:00 UTC.
const now = new Date(Date.UTC(2025, 11, 3, 12));
const at = (days: number) => new Date(now.getTime() + days * DAY);
const weeks: RoadmapFilter = { project: null, status: null, atRiskOnly: false, zoom: "weeks" };

const projects = {
  checkout: { id: "p1", slug: "checkout", name: "Checkout" },
  search: { id: "p2", slug: "search-api", name: "Search API" },
};

function plan(over: Partial<RoadmapPlan> & { id: string }): RoadmapPlan {
  return {
    name: over.id,
    releaseVersion: "1.0.0",
    status: "in_progress",
    project: projects.checkout,
    milestone: null,
    startedAt: null,
    endedAt: null,
    phases: [],
    markers: [],
    ...over,
  };
}

const phase = (id: string, from: number, to: number, status: PhaseStatus = "pending", actual?: [number, number?]) => ({
  id,
  name: id,
  status,
  trafficPercent: 10,
  plannedStartAt: at(from),
  plannedEndAt: at(to),
  actualStartAt: actual ? at(actual[0]) : null,
  actualEndAt: actual?.[1] !== undefined ? at(actual[1]) : null,
});

const milestone = (status: Milestone["status"], reason: string, dueAt: Date | null = null): Milestone => ({
  label: "Go/no-go: Beta → GA (100%)",
  dueAt,
  status,
  reason,
});

describe("roadmap filter", () => {
  test.each<[Record<string, string | string[]>, RoadmapFilter]>([
    [{}, weeks],
    [
      { zoom: "quarters", risk: "1", project: "checkout", status: "live" },
      { project: "checkout", status: "live", atRiskOnly: true, zoom: "quarters" },
    ],
    [{ zoom: "months", risk: "no", status: "nonsense" }, weeks],
    [
      { zoom: ["quarters", "weeks"], risk: "on" },
      { ...weeks, zoom: "quarters", atRiskOnly: true },
    ],
  ])("reads %j leniently", (params, expected) => {
    expect(parseRoadmapFilter(params)).toEqual(expected);
  });

  test("property: an address reads back as the filter it was made from", () => {
    fc.assert(
      fc.property(
        fc.record({
          project: fc.option(fc.constantFrom("checkout", "search-api", "a b&c"), { nil: null }),
          status: fc.option(fc.constantFrom("live" as const, "finished" as const, "paused" as const), { nil: null }),
          atRiskOnly: fc.boolean(),
          zoom: fc.constantFrom("weeks" as const, "quarters" as const),
        }),
        (filter) => {
          const href = roadmapHref(filter);
          const params = Object.fromEntries(new URL(href, "http://x").searchParams);
          expect(parseRoadmapFilter(params)).toEqual(filter);
        },
      ),
    );
  });
});

describe("roadmap window", () => {
  test("weeks: 4 weeks back to 8 ahead of the current week, a tick each Monday", () => {
    const w = roadmapWindow(now, "weeks");
    expect(w.from.toISOString()).toBe("2025-11-03T00:00:00.000Z");
    expect(w.to.toISOString()).toBe("2026-02-02T00:00:00.000Z");
    expect(w.ticks).toHaveLength(13);
    expect(w.ticks[0]!.label).toBe("3 Nov");
    expect(w.ticks.every((t) => new Date(t.at).getUTCDay() === 1)).toBe(true);
  });

  test("quarters: the quarter before to 3 after the current one, a tick each month", () => {
    const w = roadmapWindow(now, "quarters");
    expect(w.from.toISOString()).toBe("2025-07-01T00:00:00.000Z");
    expect(w.to.toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(w.ticks.map((t) => t.label).slice(0, 7)).toEqual([
      "Q3 2025",
      "Aug",
      "Sept",
      "Q4 2025",
      "Nov",
      "Dec",
      "Q1 2026",
    ]);
    expect(w.ticks).toHaveLength(15);
    expect(w.ticks.filter((t) => t.major)).toHaveLength(5);
  });

  test("property: today is inside either window, and positions stay within 0–100 in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom("weeks" as const, "quarters" as const),
        fc.integer({ min: -1000 * DAY, max: 1000 * DAY }),
        fc.integer({ min: -1000 * DAY, max: 1000 * DAY }),
        (t, zoom, a, b) => {
          const w = roadmapWindow(new Date(t), zoom);
          expect(w.from.getTime()).toBeLessThanOrEqual(t);
          expect(w.to.getTime()).toBeGreaterThan(t);
          const today = positionOf(w, t);
          expect(today).toBeGreaterThan(0);
          expect(today).toBeLessThan(100);
          const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
          const pa = positionOf(w, t + lo);
          const pb = positionOf(w, t + hi);
          expect(pa).toBeGreaterThanOrEqual(0);
          expect(pb).toBeLessThanOrEqual(100);
          expect(pa).toBeLessThanOrEqual(pb);
          const span = spanOn(w, new Date(t + lo), new Date(t + hi));
          if (span) {
            expect(span.left + span.width).toBeLessThanOrEqual(100 + 1e-9);
            expect(span.width).toBeGreaterThanOrEqual(0);
            expect(span.clippedStart).toBe(t + lo < w.from.getTime());
          } else {
            expect(t + hi < w.from.getTime() || t + lo > w.to.getTime()).toBe(true);
          }
        },
      ),
    );
  });
});

describe("attention", () => {
  test("a late milestone says why and how late", () => {
    const a = attentionOf({ milestone: milestone("late", "Due time has passed", at(-3)) }, now);
    expect(a).toEqual({
      status: "late",
      milestone: "Go/no-go: Beta → GA (100%)",
      dueAt: at(-3),
      reason: "Due time has passed (due 30 Nov, 3 days ago)",
    });
  });

  test("an at-risk milestone keeps its reason; on track and finished plans need none", () => {
    expect(attentionOf({ milestone: milestone("at_risk", "Rollout is paused") }, now)?.reason).toBe(
      "Rollout is paused",
    );
    expect(attentionOf({ milestone: milestone("on_track", "On schedule") }, now)).toBeNull();
    expect(attentionOf({ milestone: null }, now)).toBeNull();
  });
});

describe("layout", () => {
  const running = plan({
    id: "running",
    startedAt: at(-10),
    phases: [phase("Beta", -10, -2, "active", [-10]), phase("GA", -2, 5)],
    milestone: milestone("late", "Due time has passed", at(-2)),
    markers: [{ id: "m1", at: at(-9), kind: "go", label: "Go to Beta" }],
  });
  const old = plan({
    id: "old",
    status: "completed",
    startedAt: at(-200),
    endedAt: at(-150),
    phases: [phase("GA", -200, -150, "passed", [-200, -150])],
  });
  const upcoming = plan({
    id: "upcoming",
    status: "scheduled",
    project: projects.search,
    phases: [phase("Internal", 20, 30)],
    milestone: milestone("on_track", "On schedule", at(20)),
  });
  const undated = plan({ id: "undated", status: "draft" });

  test("groups the plans in the window by project and counts the others as outside", () => {
    const layout = layoutRoadmap([running, old, upcoming, undated], weeks, now);
    expect(layout.groups.map((g) => [g.project.name, g.rows.map((r) => r.plan.id)])).toEqual([
      ["Checkout", ["running"]],
      ["Search API", ["upcoming"]],
    ]);
    expect(layout.outside).toBe(2);
    expect(layout.matching).toBe(4);
    const row = layout.groups[0]!.rows[0]!;
    expect(row.attention?.status).toBe("late");
    expect(row.markers).toHaveLength(1);
    expect(row.bars[0]!.actual).not.toBeNull();
    // A running phase's actual bar runs to today.
    expect(row.bars[0]!.actual!.left + row.bars[0]!.actual!.width).toBeCloseTo(layout.today, 6);
    expect(row.bars[0]!.text).toContain("to now");
  });

  test("the quarters zoom takes in a plan the weeks zoom leaves out", () => {
    const later = plan({ id: "later", status: "scheduled", phases: [phase("GA", 80, 90)] });
    expect(layoutRoadmap([later], weeks, now).outside).toBe(1);
    expect(layoutRoadmap([later], { ...weeks, zoom: "quarters" }, now).outside).toBe(0);
  });

  test("filters by project, status and attention", () => {
    const all = [running, old, upcoming, undated];
    const ids = (f: RoadmapFilter) => layoutRoadmap(all, f, now).groups.flatMap((g) => g.rows.map((r) => r.plan.id));
    expect(ids({ ...weeks, project: "search-api" })).toEqual(["upcoming"]);
    expect(ids({ ...weeks, status: "live" })).toEqual(["running"]);
    expect(ids({ ...weeks, atRiskOnly: true })).toEqual(["running"]);
    expect(layoutRoadmap(all, { ...weeks, atRiskOnly: true }, now).matching).toBe(1);
  });

  test("property: every matching plan is either drawn or counted outside, exactly once", () => {
    const statuses: PlanStatus[] = ["draft", "scheduled", "in_progress", "paused", "completed", "rolled_back"];
    const offset = fc.integer({ min: -400, max: 400 });
    const anyPlan = fc
      .record({
        id: fc.uuid(),
        status: fc.constantFrom(...statuses),
        project: fc.constantFrom(projects.checkout, projects.search),
        spans: fc.array(fc.tuple(offset, fc.integer({ min: 0, max: 60 })), { maxLength: 4 }),
        risk: fc.constantFrom<Milestone["status"] | null>(null, "on_track", "at_risk", "late"),
      })
      .map(({ id, status, project, spans, risk }) =>
        plan({
          id,
          status,
          project,
          phases: spans.map(([from, len], i) => phase(`${id}-${i}`, from, from + len)),
          milestone: risk ? milestone(risk, "Rollout is paused", at(-1)) : null,
        }),
      );
    fc.assert(
      fc.property(
        fc.uniqueArray(anyPlan, { selector: (p) => p.id, maxLength: 20 }),
        fc.constantFrom("weeks" as const, "quarters" as const),
        fc.boolean(),
        (plans, zoom, atRiskOnly) => {
          const filter = { ...weeks, zoom, atRiskOnly };
          const layout = layoutRoadmap(plans, filter, now);
          const drawn = layout.groups.flatMap((g) => g.rows.map((r) => r.plan.id));
          expect(new Set(drawn).size).toBe(drawn.length);
          expect(drawn.length + layout.outside).toBe(layout.matching);
          for (const g of layout.groups) {
            for (const r of g.rows) {
              expect(r.plan.project.slug).toBe(g.project.slug);
              expect(isInWindow(r.plan, layout.window, now)).toBe(true);
              if (atRiskOnly) expect(r.attention).not.toBeNull();
              for (const b of r.bars) {
                for (const s of [b.planned, b.actual]) {
                  if (s) expect(s.left >= 0 && s.left + s.width <= 100 + 1e-9).toBe(true);
                }
              }
            }
          }
        },
      ),
    );
  });
});

describe("freeze bands", () => {
  test("keeps the freezes touching the window, clipped, earliest first", () => {
    const w = roadmapWindow(now, "weeks");
    const bands = freezeBands(
      [
        { name: "Year-end freeze", startsAt: at(20), endsAt: at(34), projectId: null },
        { name: "Black Friday", startsAt: at(-6), endsAt: at(-4), projectId: "p1" },
        { name: "Long ago", startsAt: at(-300), endsAt: at(-290), projectId: null },
        { name: "Spring", startsAt: at(50), endsAt: at(120), projectId: null },
      ],
      w,
    );
    expect(bands.map((b) => b.name)).toEqual(["Black Friday", "Year-end freeze", "Spring"]);
    expect(bands[2]!.clippedEnd).toBe(true);
    expect(bands[2]!.left + bands[2]!.width).toBe(100);
    expect(bands[1]!.text).toBe("Year-end freeze: 23 Dec 2025 to 6 Jan 2026");
  });
});
