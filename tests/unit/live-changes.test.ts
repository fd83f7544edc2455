import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { liveChangeOf, routeLiveChange } from "@/lib/domain/live-changes";
import { queryKeys } from "@/lib/live/query-keys";

describe("what an open plan page does with a change", () => {
  const none = { kpis: [], checklists: [], overview: null, timeline: null, page: false };

  test("samples redraw the charts of their KPIs, and re-read the overview and timeline later", () => {
    const change = liveChangeOf({
      type: "samples.ingested",
      projectId: "p",
      planId: "x",
      metrics: ["error_rate", "latency_p95"],
    } as never);
    expect(change).toEqual({ type: "samples.ingested", metrics: ["error_rate", "latency_p95"] });
    expect(routeLiveChange(change)).toEqual({
      ...none,
      kpis: ["error_rate", "latency_p95"],
      overview: "soon",
      timeline: "soon",
    });
  });

  test("samples of KPIs it was not told redraw every chart", () => {
    const change = liveChangeOf({ type: "samples.ingested", truncated: true } as never);
    expect(change).toEqual({ type: "samples.ingested" });
    expect(routeLiveChange(change)).toEqual({ ...none, kpis: "all", overview: "soon", timeline: "soon" });
  });

  test("a tick, a sign-off or an edit re-reads its checklist and the gate at once, and nothing else", () => {
    const checklistId = "5b0c1f8e-7a4d-4e2b-9c3a-1d2e3f4a5b6c";
    for (const type of [
      "checklist_item.updated",
      "checklist_item.added",
      "checklist_item.edited",
      "checklist_item.moved",
      "checklist.signed",
    ]) {
      const change = liveChangeOf({ type, projectId: "p", planId: "x", checklistId } as never);
      expect(change).toEqual({ type, checklistId });
      expect(routeLiveChange(change)).toEqual({ ...none, checklists: [checklistId], overview: "now" });
      // A checklist it was not told (or not a checklist id): every list.
      expect(routeLiveChange(liveChangeOf({ type, checklistId: "../x" } as never))).toEqual({
        ...none,
        checklists: "all",
        overview: "now",
      });
    }
  });

  test("any other change re-renders the page at once, which brings every part with it", () => {
    // An approval moves the plan's version, which the page's decision and phase controls carry.
    for (const type of ["decision.go", "plan.start", "gate.approved", "incident.opened", "resync", "unknown"]) {
      expect(routeLiveChange(liveChangeOf({ type }))).toEqual({ ...none, page: true });
    }
  });

  test("the stream carries only the type and KPI keys, whatever else the event held", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (type, metrics, extra) => {
          const change = liveChangeOf({ ...extra, type, metrics });
          expect(Object.keys(change).every((k) => k === "type" || k === "metrics" || k === "checklistId")).toBe(true);
          expect(change.type).toBe(type);
          for (const key of change.metrics ?? []) expect(key).toMatch(/^[A-Za-z0-9_.:-]{1,200}$/);
          if (type !== "samples.ingested") expect(change.metrics).toBeUndefined();
        },
      ),
    );
  });

  test("a KPI's key sits under its plan's KPIs, a checklist's under its plan's checklists, all under the plan", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string(), (plan, key) => {
        const kpi = queryKeys.kpi(plan, key);
        expect(kpi.slice(0, 3)).toEqual([...queryKeys.kpis(plan)]);
        expect(kpi.slice(0, 2)).toEqual([...queryKeys.plan(plan)]);
        const list = queryKeys.checklist(plan, key);
        expect(list.slice(0, 3)).toEqual([...queryKeys.checklists(plan)]);
        for (const part of [queryKeys.overview(plan), queryKeys.timeline(plan)])
          expect(part.slice(0, 2)).toEqual([...queryKeys.plan(plan)]);
      }),
    );
  });

  test("the parts of one plan have keys of their own", () => {
    const plan = "p";
    const keys = [
      queryKeys.kpis(plan),
      queryKeys.checklists(plan),
      queryKeys.overview(plan),
      queryKeys.timeline(plan),
    ].map((k) => JSON.stringify(k));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
