import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { RiskLevel } from "@/db/schema/enums";
import {
  byExposure,
  escalationAt,
  escalationProblems,
  RISK_LEVELS,
  RISK_STATUSES,
  type RiskStatus,
  riskGrid,
  riskScore,
  severityOf,
  severityTone,
} from "@/lib/domain/risk";

const levels = fc.constantFrom(...RISK_LEVELS);
const statuses = fc.constantFrom(...RISK_STATUSES);

describe("risk score and severity", () => {
  test.each([
    ["low", "low", 1, "low"],
    ["low", "medium", 2, "low"],
    ["medium", "low", 2, "low"],
    ["low", "high", 3, "medium"],
    ["medium", "medium", 4, "medium"],
    ["high", "medium", 6, "high"],
    ["medium", "high", 6, "high"],
    ["high", "high", 9, "critical"],
  ] as [RiskLevel, RiskLevel, number, string][])(
    "%s likelihood × %s impact = %i (%s)",
    (likelihood, impact, score, severity) => {
      expect(riskScore(likelihood, impact)).toBe(score);
      expect(severityOf(score)).toBe(severity);
    },
  );

  test("property: the score is symmetric and never falls when either factor rises", () => {
    fc.assert(
      fc.property(levels, levels, levels, (a, b, c) => {
        expect(riskScore(a, b)).toBe(riskScore(b, a));
        if (RISK_LEVELS.indexOf(c) >= RISK_LEVELS.indexOf(a))
          expect(riskScore(c, b)).toBeGreaterThanOrEqual(riskScore(a, b));
      }),
    );
  });

  test("critical and high are red, medium amber, low green", () => {
    expect([severityTone.critical, severityTone.high, severityTone.medium, severityTone.low]).toEqual([
      "red",
      "red",
      "amber",
      "green",
    ]);
  });
});

describe("riskGrid", () => {
  const risk = (id: string, likelihood: RiskLevel, impact: RiskLevel, status: RiskStatus = "open") => ({
    id,
    likelihood,
    impact,
    status,
  });

  test("rows run from high likelihood down, columns from low impact up; closed risks are not counted", () => {
    const grid = riskGrid([
      risk("a", "medium", "high"),
      risk("b", "medium", "high", "mitigated"),
      risk("c", "low", "low", "closed"),
      risk("d", "high", "low", "accepted"),
    ]);
    expect(grid.rows.map((r) => r.likelihood)).toEqual(["high", "medium", "low"]);
    expect(grid.rows[0]!.cells.map((c) => c.impact)).toEqual(["low", "medium", "high"]);
    expect(grid.rows.map((r) => r.cells.map((c) => c.riskIds.length))).toEqual([
      [1, 0, 0],
      [0, 0, 2],
      [0, 0, 0],
    ]);
    expect(grid.rows[1]!.cells[2]).toMatchObject({ score: 6, severity: "high", riskIds: ["a", "b"] });
    expect(grid).toMatchObject({ counted: 3, closed: 1 });
  });

  test("property: every risk that is not closed lands in exactly its one cell", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ likelihood: levels, impact: levels, status: statuses }), { maxLength: 30 }),
        (list) => {
          const risks = list.map((r, i) => ({ ...r, id: `r${i}` }));
          const grid = riskGrid(risks);
          const cells = grid.rows.flatMap((r) => r.cells);
          expect(cells).toHaveLength(9);
          for (const r of risks) {
            const holding = cells.filter((c) => c.riskIds.includes(r.id));
            expect(holding).toHaveLength(r.status === "closed" ? 0 : 1);
            if (holding[0])
              expect(holding[0]).toMatchObject({
                likelihood: r.likelihood,
                impact: r.impact,
                score: riskScore(r.likelihood, r.impact),
              });
          }
          expect(cells.reduce((n, c) => n + c.riskIds.length, 0)).toBe(grid.counted);
        },
      ),
    );
  });

  test("the register lists what still counts first, highest score first", () => {
    const sorted = byExposure([
      risk("low", "low", "low"),
      risk("closed", "high", "high", "closed"),
      risk("top", "high", "high"),
      risk("mid", "medium", "medium", "accepted"),
    ]);
    expect(sorted.map((r) => r.id)).toEqual(["top", "mid", "low", "closed"]);
  });
});

describe("escalation", () => {
  const matrix = [
    { level: 1, who: "Automated rollback", afterMinutes: 0 },
    { level: 2, who: "On-call engineer", afterMinutes: 15 },
    { level: 3, who: "Engineering manager", afterMinutes: 30 },
    { level: 4, who: "CTO", afterMinutes: 60 },
  ];

  test.each([
    [0, 1, 2, 15],
    [14, 1, 2, 1],
    [15, 2, 3, 15],
    [45, 3, 4, 15],
    [60, 4, null, null],
    [600, 4, null, null],
  ] as [number, number, number | null, number | null][])(
    "after %i min: level %i applies, next %s in %s min",
    (minutes, current, next, inMinutes) => {
      const state = escalationAt(matrix, minutes);
      expect(state.current?.level).toBe(current);
      expect(state.next ? [state.next.level.level, state.next.inMinutes] : [null, null]).toEqual([next, inMinutes]);
    },
  );

  test("before the first level's time nothing applies yet", () => {
    expect(escalationAt([{ level: 1, who: "On-call", afterMinutes: 10 }], 3)).toMatchObject({
      current: null,
      next: { inMinutes: 7 },
    });
    expect(escalationAt([], 3)).toEqual({ current: null, next: null });
  });

  test("the matrix is checked in words: unique levels, strictly later times", () => {
    expect(escalationProblems(matrix)).toBeNull();
    expect(escalationProblems([...matrix, { level: 5, who: "CEO", afterMinutes: 60 }])).toEqual({
      field: "afterMinutes",
      message:
        "Level 5 (CEO) after 60 min is not later than level 4 (CTO) after 60 min: a higher level is reached later",
    });
    expect(escalationProblems([...matrix, { level: 2, who: "Team lead", afterMinutes: 20 }])).toMatchObject({
      field: "level",
      message: "Level 2 is already On-call engineer: choose another level number",
    });
  });

  test("property: with a valid matrix the level that applies never falls as time passes", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 6 }),
        fc.nat({ max: 600 }),
        fc.nat({ max: 600 }),
        (times, a, b) => {
          const sorted = [...times].sort((x, y) => x - y);
          const levels = sorted.map((afterMinutes, i) => ({ level: i + 1, who: `L${i + 1}`, afterMinutes }));
          expect(escalationProblems(levels)).toBeNull();
          const [early, late] = a <= b ? [a, b] : [b, a];
          expect(escalationAt(levels, late).current?.level ?? 0).toBeGreaterThanOrEqual(
            escalationAt(levels, early).current?.level ?? 0,
          );
        },
      ),
    );
  });
});
