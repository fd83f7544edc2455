import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { PlanStatus } from "@/db/schema/enums";
import { pageOf, parsePage } from "@/lib/domain/paging";
import {
  filterPortfolio,
  matchesStatus,
  parsePortfolioFilter,
  PORTFOLIO_PAGE_SIZE,
  releasesOverTime,
  weekStart,
} from "@/lib/domain/portfolio";

const statuses: PlanStatus[] = ["draft", "scheduled", "in_progress", "paused", "completed", "rolled_back", "cancelled"];

describe("portfolio filter", () => {
  test("reads the query leniently", () => {
    expect(parsePortfolioFilter({ project: "checkout", status: "live" })).toEqual({
      project: "checkout",
      status: "live",
    });
    expect(parsePortfolioFilter({ project: "", status: "nonsense" })).toEqual({ project: null, status: null });
    expect(parsePortfolioFilter({ project: ["a", "b"], status: ["rolled_back"] })).toEqual({
      project: "a",
      status: "rolled_back",
    });
  });

  test("groups: live, upcoming and finished cover every status exactly once", () => {
    for (const s of statuses) {
      expect(["live", "upcoming", "finished"].filter((g) => matchesStatus(g as "live", s))).toHaveLength(1);
      expect(matchesStatus(s, s)).toBe(true);
      expect(matchesStatus(null, s)).toBe(true);
    }
  });

  test("property: filtering keeps exactly the rows of the project and status asked for", () => {
    const row = fc.record({
      status: fc.constantFrom(...statuses),
      project: fc.record({ slug: fc.constantFrom("checkout", "search", "mobile") }),
    });
    fc.assert(
      fc.property(
        fc.array(row),
        fc.option(fc.constantFrom("checkout", "search"), { nil: null }),
        fc.option(fc.constantFrom("live", "finished", "paused" as const), { nil: null }),
        (rows, project, status) => {
          const kept = filterPortfolio(rows, { project, status });
          expect(kept.length).toBe(
            rows.filter((r) => (!project || r.project.slug === project) && matchesStatus(status, r.status)).length,
          );
          for (const r of kept) if (project) expect(r.project.slug).toBe(project);
        },
      ),
    );
  });
});

describe("releases over time", () => {
  test("weeks start on Monday, UTC", () => {
    expect(new Date(weekStart(Date.parse("2026-11-22T10:00:00Z"))).toISOString()).toBe("2026-11-16T00:00:00.000Z");
    expect(new Date(weekStart(Date.parse("2026-11-16T00:00:00Z"))).toISOString()).toBe("2026-11-16T00:00:00.000Z");
  });

  test("counts starts and endings by outcome in their week; older ones fall outside", () => {
    const now = new Date("2026-11-22T10:00:00Z");
    const series = releasesOverTime(
      [
        { status: "completed", startedAt: new Date("2026-11-03T09:00:00Z"), endedAt: new Date("2026-11-18T09:00:00Z") },
        {
          status: "rolled_back",
          startedAt: new Date("2026-11-17T09:00:00Z"),
          endedAt: new Date("2026-11-19T09:00:00Z"),
        },
        { status: "in_progress", startedAt: new Date("2026-11-20T09:00:00Z"), endedAt: null },
        { status: "draft", startedAt: null, endedAt: null },
        { status: "completed", startedAt: new Date("2025-01-01T00:00:00Z"), endedAt: new Date("2025-02-01T00:00:00Z") },
      ],
      now,
      4,
    );
    expect(series.map((w) => new Date(w.week).toISOString().slice(0, 10))).toEqual([
      "2026-10-26",
      "2026-11-02",
      "2026-11-09",
      "2026-11-16",
    ]);
    expect(series.at(-1)).toMatchObject({ started: 2, completed: 1, rolledBack: 1 });
    expect(series[1]).toMatchObject({ started: 1, completed: 0, rolledBack: 0 });
  });
});

describe("portfolio pages", () => {
  test("reads ?page= leniently", () => {
    expect(parsePage({})).toBe(1);
    expect(parsePage({ page: "3" })).toBe(3);
    expect(parsePage({ page: ["2", "9"] })).toBe(2);
    for (const odd of ["0", "-1", "1.5", "abc", "", " ", "1e3", "99999999"]) expect(parsePage({ page: odd })).toBe(1);
  });

  test("an empty list is one empty page", () => {
    expect(pageOf([], 4, PORTFOLIO_PAGE_SIZE)).toEqual({ rows: [], page: 1, pages: 1, from: 0, to: 0, total: 0 });
  });

  test("pages cover every row once, in order, none larger than the size; a page past the end shows the last (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 50 }),
        (n, size, asked) => {
          const rows = Array.from({ length: n }, (_, i) => i);
          const first = pageOf(rows, 1, size);
          const seen: number[] = [];
          for (let p = 1; p <= first.pages; p++) {
            const page = pageOf(rows, p, size);
            expect(page.rows.length).toBeLessThanOrEqual(size);
            if (page.rows.length) expect([page.from, page.to]).toEqual([page.rows[0]! + 1, page.rows.at(-1)! + 1]);
            seen.push(...page.rows);
          }
          expect(seen).toEqual(rows);
          const clamped = pageOf(rows, asked, size);
          expect(clamped.page).toBe(Math.min(asked, first.pages));
          expect(clamped.total).toBe(n);
        },
      ),
    );
  });

  test("the default size keeps a page of the portfolio to twenty-five releases", () => {
    const page = pageOf(
      Array.from({ length: 995 }, (_, i) => i),
      40,
      PORTFOLIO_PAGE_SIZE,
    );
    expect(PORTFOLIO_PAGE_SIZE).toBe(25);
    expect(page).toMatchObject({ page: 40, pages: 40, from: 976, to: 995, total: 995 });
  });
});
