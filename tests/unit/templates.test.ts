import { describe, expect, test } from "vitest";
import { applyCommand, invariantViolations, type MachineState } from "@/lib/domain/lifecycle";
import { buildTemplate, TEMPLATE_KEYS } from "@/lib/domain/templates";

describe.each(TEMPLATE_KEYS)("template %s", (key) => {
  const draft = buildTemplate(key);

  test("phases never lower traffic and end at 100%", () => {
    const traffic = draft.phases.map((p) => p.trafficPercent);
    expect(traffic.length).toBeGreaterThan(0);
    expect([...traffic].sort((a, b) => a - b)).toEqual(traffic);
    expect(traffic.at(-1)).toBe(100);
  });

  test("criteria and triggers name metrics the plan defines", () => {
    const keys = new Set(draft.metrics.map((m) => m.key));
    for (const p of draft.phases)
      for (const c of p.criteria) expect(keys.has(c.metric), `${p.name}: ${c.metric}`).toBe(true);
    for (const t of draft.triggers) if (t.metric) expect(keys.has(t.metric), t.description).toBe(true);
  });

  test("checklist item keys are unique within each list and valid for the API", () => {
    const lists = [...draft.checklists, ...draft.phases.flatMap((p) => p.checklists)];
    for (const list of lists) {
      const keys = list.items.map((i) => i.key);
      expect(new Set(keys).size, list.title).toBe(keys.length);
      for (const k of keys) expect(k).toMatch(/^[a-z0-9][a-z0-9._-]{0,79}$/);
    }
  });

  test("thresholds are ordered in the metric's bad direction", () => {
    for (const m of draft.metrics) {
      if (m.direction === "lower_is_better") expect(m.target <= m.alert && m.alert <= m.critical, m.key).toBe(true);
      else expect(m.target >= m.alert && m.alert >= m.critical, m.key).toBe(true);
    }
  });

  test("go decisions walk it from start to completion", () => {
    let state: MachineState = {
      status: "draft",
      phases: draft.phases.map((p) => ({ status: "pending", trafficPercent: p.trafficPercent })),
    };
    for (const type of ["start", ...draft.phases.map(() => "go" as const)] as const) {
      const result = applyCommand(state, { type });
      expect(result.ok).toBe(true);
      if (result.ok) state = result.state;
      expect(invariantViolations(state)).toEqual([]);
    }
    expect(state.status).toBe("completed");
  });
});

test("the backend migration template orders its steps schema → code → backfill → cleanup", () => {
  const steps = buildTemplate("backend_migration").migrationSteps;
  expect(steps.map((s) => s.kind)).toEqual(["schema", "code", "backfill", "cleanup"]);
  expect(steps.at(-1)!.reversible).toBe(false);
});
