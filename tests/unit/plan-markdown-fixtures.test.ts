import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parsePlanMarkdown, planContent, planDocumentSchema, planToMarkdown } from "@/lib/domain/plan-markdown";

// The real rollout documents next to the project (../shared/fixtures/plans): each must yield its
// phases with their traffic, its checklists with their item counts and its KPI thresholds.

const dir = path.join(process.cwd(), "..", "shared", "fixtures", "plans");
const present = fs.existsSync(dir);
if (!present) console.warn(`plan-markdown fixtures: ${dir} is absent, so the suite over the real documents is skipped`);

const read = (name: string) => parsePlanMarkdown(fs.readFileSync(path.join(dir, name), "utf8"));
const kpis = (plan: ReturnType<typeof read>) =>
  plan.metrics.map((m) => [m.label, m.unit, m.direction, m.target, m.alert, m.critical]);

describe.skipIf(!present)("real rollout documents", () => {
  test("staged-rollout-template.md: four stages from the diagram and the stage sections", () => {
    const plan = read("staged-rollout-template.md");
    expect(plan).toMatchObject({ name: "Staged Rollout Plan", version: "1.0", strategy: "flag_based" });
    expect(plan.phases.map((p) => [p.name, p.trafficPercent, p.durationText, p.plannedDays])).toEqual([
      ["Internal Testing", 0, "1-2 days", 2],
      ["Pilot", 10, "1-2 weeks", 14],
      ["Expanded Rollout", 25, "1-2 weeks", 14],
      ["General Availability (GA)", 100, "Ongoing", null],
    ]);
    expect(plan.phases[0]!.goal).toBe("Catch obvious issues");
    expect(plan.checklists.map((c) => [c.title, c.kind, c.phase, c.items.length])).toEqual([
      ["Success Criteria", "go_no_go", 0, 5],
      ["Go/No-Go Checklist", "go_no_go", 0, 5],
      ["Success Criteria", "go_no_go", 1, 5],
      ["Go/No-Go Checklist", "go_no_go", 1, 5],
      ["Success Criteria", "go_no_go", 2, 5],
      ["Go/No-Go Checklist", "go_no_go", 2, 6],
      ["Success Criteria", "go_no_go", 3, 4],
      ["Post-GA Monitoring (First 48 hours)", "post_deployment", 3, 3],
    ]);
    expect(kpis(plan)).toEqual([
      ["Error rate", "%", "lower_is_better", 1, 2, null],
      ["Response time p95", "s", "lower_is_better", 2, 3, null],
      ["User complaints", "", "lower_is_better", 2, 5, null],
      ["Support tickets", "", "lower_is_better", 5, 10, null],
      ["CPU usage", "%", "lower_is_better", 60, 80, null],
      ["Memory usage", "%", "lower_is_better", 70, 85, null],
    ]);
    // Stage 3's stricter alert thresholds are kept as a note, not dropped.
    expect(plan.notes.find((n) => n.section.includes("Expanded Rollout › Metrics to Track"))?.text).toMatch(
      /alert 1\.5%/,
    );
    expect(plan.triggers.map((t) => [t.metric, t.mode, t.value, t.durationMinutes, t.action])).toEqual([
      ["error_rate", "absolute", 5, 0, "automatic_rollback"],
      [null, "absolute", 0, 0, "alert_only"],
      [null, "absolute", 0, 0, "alert_only"],
      [null, "degradation_pct", 50, 0, "alert_only"],
      ["error_rate", "absolute", 2, 60, "alert_only"],
      [null, "absolute", 0, 0, "alert_only"],
      [null, "absolute", 0, 0, "alert_only"],
      [null, "degradation_pct", 20, 0, "alert_only"],
    ]);
    expect(plan.risks).toHaveLength(4);
    expect(plan.comms.map((c) => c.audience)).toEqual([
      "Internal",
      "Internal",
      "Internal",
      "Internal",
      "Client",
      "Client",
      "Client",
      "Client",
      "User",
      "User",
      "User",
    ]);
    expect(plan.roles.map((r) => r.role)).toEqual(["Business hours", "After hours", "Escalation"]);
    expect(plan.notes.map((n) => n.section)).toEqual(
      expect.arrayContaining([
        "Stage 1: Internal Testing › Activities",
        "Timeline Template",
        "Rollback Plan › Rollback Procedure",
      ]),
    );
  });

  test("deployment-rollout-template.md: the template inside a markdown code block", () => {
    const plan = read("deployment-rollout-template.md");
    expect(plan).toMatchObject({ name: "Deployment & Rollout Plan", strategy: "rolling" });
    expect(plan.phases.map((p) => [p.name, p.audience, p.trafficPercent])).toEqual([
      ["Phase 1", "Internal team only", 0],
      ["Phase 2", "[X]% of users", 0],
      ["Phase 3", "100% of users", 100],
    ]);
    expect(plan.checklists.map((c) => [c.title, c.kind, c.window, c.items.length])).toEqual([
      ["Pre-Deployment Checklist", "pre_deployment", null, 9],
      ["Post-Deployment Validation", "post_deployment", "immediate", 7],
    ]);
    // The template's thresholds are blanks ("> [X]%"): the KPIs come without values, to fill in.
    expect(kpis(plan)).toEqual([
      ["Error rate (5xx)", "", "lower_is_better", null, null, null],
      ["Response time (p95)", "", "lower_is_better", null, null, null],
      ["CPU usage", "", "lower_is_better", null, null, null],
      ["Memory usage", "", "lower_is_better", null, null, null],
      ["Database connections", "", "lower_is_better", null, null, null],
    ]);
    expect(plan.notes.map((n) => n.section)).toEqual(
      expect.arrayContaining([
        "Deployment & Rollout Plan › Database Migration Plan",
        "Deployment & Rollout Plan › Rollback Plan",
        "Rules",
      ]),
    );
  });

  test("backend-migration-rollout.md: five phases in bold-label sections", () => {
    const plan = read("backend-migration-rollout.md");
    expect(plan).toMatchObject({
      name: "Production Rollout Plan",
      summary: "Phased rollout strategy for XCodeReviewer backend migration.",
      strategy: "flag_based",
    });
    expect(plan.phases.map((p) => [p.name, p.trafficPercent, p.durationText, p.goal])).toEqual([
      ["Staging Deployment", 0, "Week 1", "Deploy to staging and verify all systems"],
      ["Internal Testing", 0, "Week 2", "Test with internal team"],
      ["Beta Rollout", 10, "Week 3", "Enable for 10% of users"],
      ["Gradual Expansion", 50, "Week 4", "Increase to 50% of users"],
      ["Full Rollout", 100, "Week 5", "Enable for 100% of users"],
    ]);
    expect(plan.checklists.map((c) => [c.title, c.kind, c.phase, c.items.length])).toEqual([
      ["Infrastructure", "pre_deployment", null, 8],
      ["Security", "pre_deployment", null, 6],
      ["Testing", "pre_deployment", null, 4],
      ["Week 1", "post_deployment", null, 4],
      ["Week 2-4", "post_deployment", null, 4],
      ["Task 30 Completion Checklist", "pre_deployment", null, 6],
      ["Success Criteria", "go_no_go", 0, 4],
      ["Success Criteria", "go_no_go", 1, 3],
      ["Success Criteria", "go_no_go", 3, 3],
      ["Success Criteria", "go_no_go", 4, 3],
    ]);
    expect(kpis(plan)).toEqual([
      ["Error rate", "%", "lower_is_better", 1, null, null],
      ["Response time", "ms", "lower_is_better", 500, null, null],
      ["User satisfaction", "%", "higher_is_better", 80, null, null],
      ["Availability", "%", "higher_is_better", 99.9, null, null],
      ["Database Connections", "%", "lower_is_better", 80, null, null],
      ["Redis Memory", "%", "lower_is_better", 80, null, null],
      ["Celery Queue", "", "lower_is_better", 100, null, null],
    ]);
    expect(plan.triggers.filter((t) => t.metric).map((t) => [t.description, t.metric, t.value, t.action])).toEqual([
      ["Error rate > 5%", "error_rate", 5, "automatic_rollback"],
      ["High error rate (> 5%)", "error_rate", 5, "alert_only"],
      // "Response time" is the common KPI p95_latency, whatever the document called it.
      ["Slow response times (> 1s)", "p95_latency", 1000, "alert_only"],
    ]);
    expect(plan.comms).toHaveLength(9);
  });

  test.each(["staged-rollout-template.md", "deployment-rollout-template.md", "backend-migration-rollout.md"])(
    "%s: valid preview, and its export reads back the same",
    (name) => {
      const plan = read(name);
      expect(planDocumentSchema.safeParse(plan).error?.issues ?? []).toEqual([]);
      expect(planContent(parsePlanMarkdown(planToMarkdown(plan)))).toEqual(planContent(plan));
    },
  );
});
