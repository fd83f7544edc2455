import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { liveChangeOf, routeLiveChange } from "@/lib/domain/live-changes";
import { queryKeys } from "@/lib/live/query-keys";

describe("what an open plan page does with a change", () => {
  test("samples redraw the charts of their KPIs and refresh the summaries later", () => {
    const change = liveChangeOf({
      type: "samples.ingested",
      projectId: "p",
      planId: "x",
      metrics: ["error_rate", "latency_p95"],
    } as never);
    expect(change).toEqual({ type: "samples.ingested", metrics: ["error_rate", "latency_p95"] });
    expect(routeLiveChange(change)).toEqual({ kpis: ["error_rate", "latency_p95"], page: "soon" });
  });

  test("samples of KPIs it was not told redraw every chart", () => {
    const change = liveChangeOf({ type: "samples.ingested", truncated: true } as never);
    expect(change).toEqual({ type: "samples.ingested" });
    expect(routeLiveChange(change)).toEqual({ kpis: "all", page: "soon" });
  });

  test("any other change re-renders the page at once, and redraws no chart on its own", () => {
    for (const type of ["checklist_item.updated", "decision.recorded", "phase.advanced", "resync", "unknown"]) {
      expect(routeLiveChange(liveChangeOf({ type }))).toEqual({ kpis: [], page: "now" });
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
          expect(Object.keys(change).every((k) => k === "type" || k === "metrics")).toBe(true);
          expect(change.type).toBe(type);
          for (const key of change.metrics ?? []) expect(key).toMatch(/^[A-Za-z0-9_.:-]{1,200}$/);
          if (type !== "samples.ingested") expect(change.metrics).toBeUndefined();
        },
      ),
    );
  });

  test("a KPI's key sits under its plan's KPIs, which sit under the plan", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string(), (plan, key) => {
        const kpi = queryKeys.kpi(plan, key);
        expect(kpi.slice(0, 3)).toEqual([...queryKeys.kpis(plan)]);
        expect(kpi.slice(0, 2)).toEqual([...queryKeys.plan(plan)]);
      }),
    );
  });
});
