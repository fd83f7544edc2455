import * as s from "../schema";
import { DAY, HOUR, MIN, PlanBuilder, prng, wave } from "./builder";
import type { DemoContext } from "./demo";

// Search API v3: a backend migration rolled out over five phases and completed last week.
export async function seedSearchCompleted(ctx: DemoContext) {
  const { tx, now, users, projects } = ctx;
  const { rina, eko, adi } = users;
  const t0 = new Date(now.getTime() - 26 * DAY);
  const end = new Date(now.getTime() - 6 * DAY);
  const [plan] = await tx
    .insert(s.plans)
    .values({
      projectId: projects.search,
      name: "Search backend migration",
      releaseVersion: "3.0.0",
      summary: "Moves search from the client-side index to the Search API v3 backend, behind USE_BACKEND_API.",
      strategy: "flag_based",
      ownerId: rina.id,
      targetStartAt: t0,
      targetEndAt: new Date(end.getTime() + DAY),
      status: "completed",
      startedAt: t0,
      endedAt: end,
      version: 11,
      createdAt: new Date(t0.getTime() - 5 * DAY),
      updatedAt: end,
    })
    .returning({ id: s.plans.id });
  const b = new PlanBuilder(tx, projects.search, plan!.id);
  await b.audit(rina, "plan.created", "plan", plan!.id, new Date(t0.getTime() - 5 * DAY), {
    template: "backend-migration",
  });
  await b.metrics([
    {
      key: "error_rate",
      label: "Error rate",
      unit: "%",
      direction: "lower_is_better",
      target: 1,
      alert: 2,
      critical: 5,
    },
    {
      key: "response_time",
      label: "Response time p95",
      unit: "ms",
      direction: "lower_is_better",
      target: 500,
      alert: 800,
      critical: 1500,
    },
  ]);
  const stages: [string, string, number, number][] = [
    ["Staging", "Staging environment only", 0, 2],
    ["Internal", "Internal users (10)", 1, 5],
    ["Beta", "10% of users", 10, 5],
    ["Expanded", "50% of users", 50, 5],
    ["GA", "100% of users", 100, 3],
  ];
  let at = t0.getTime();
  const specs = stages.map(([name, audience, traffic, days]) => {
    const start = new Date(at);
    at += days * DAY;
    return {
      name,
      audience,
      traffic,
      status: "passed" as const,
      plannedStart: start,
      plannedEnd: new Date(at),
      actualStart: start,
      actualEnd: new Date(Math.min(at, end.getTime())),
      approvals: [{ user: adi, role: "approver" as const, at: new Date(at - HOUR), spent: true }],
      checklists: [
        {
          kind: "go_no_go" as const,
          title: `${name} go/no-go`,
          signoffRoles: ["approver" as const],
          items: [
            {
              key: "services-healthy",
              text: "All services healthy",
              assigneeRole: "engineer" as const,
              state: "done" as const,
              by: eko,
              at: new Date(at - 3 * HOUR),
            },
            {
              key: "no-critical-errors",
              text: "No critical errors",
              assigneeRole: "engineer" as const,
              state: "done" as const,
              by: eko,
              at: new Date(at - 2 * HOUR),
            },
          ],
          signedBy: [{ user: adi, role: "approver" as const, at: new Date(at - 90 * MIN) }],
        },
      ],
    };
  });
  await b.phases(specs);
  for (const [i, spec] of specs.entries()) {
    await b.decision({
      phase: spec.name,
      kind: "go",
      rationale:
        i === specs.length - 1
          ? "GA stable for 72 h; closing the rollout."
          : `${spec.name} met its criteria; advancing.`,
      by: rina,
      at: spec.actualEnd,
      planVersion: 2 + i * 2,
    });
  }
  await b.triggers([
    {
      metric: "error_rate",
      description: "Error rate > 5%",
      value: 5,
      durationMinutes: 5,
      action: "automatic_rollback",
    },
    {
      metric: "response_time",
      description: "Performance degradation > 50%",
      mode: "degradation_pct",
      value: 50,
      durationMinutes: 15,
      action: "automatic_rollback",
    },
    { metric: null, description: "Critical data loss", value: 0, durationMinutes: 0, action: "alert_only" },
  ]);
  const rand = prng(3000);
  await b.series("error_rate", "canary", t0, end, HOUR, wave(rand, 0.4, 0.1, 0.08));
  await b.series("error_rate", "baseline", t0, end, HOUR, wave(rand, 0.45, 0.1, 0.08));
  await b.series("response_time", "canary", t0, end, HOUR, wave(rand, 310, 40, 30));
  await b.series("response_time", "baseline", t0, end, HOUR, wave(rand, 420, 40, 30));
  // Kind, action, reversible, expected minutes, minutes it took (the backfill ran over), and when
  // it started: the schema in Staging, the code as Internal began, the backfill as Beta began,
  // the cleanup once GA had held for a day.
  const steps: [(typeof s.migrationSteps.$inferInsert)["kind"], string, boolean, number, number, number][] = [
    ["schema", "Add search_documents table and indexes", true, 20, 18, 2 * HOUR],
    ["code", "Deploy API v3 reading and writing both stores", true, 15, 22, 2 * DAY + 2 * HOUR],
    ["backfill", "Backfill search_documents from the legacy index", true, 240, 275, 7 * DAY + 3 * HOUR],
    ["cleanup", "Drop the legacy client index bucket", false, 10, 9, 18 * DAY + 10 * HOUR],
  ];
  const runs = steps.map(([, , , , took, offset]) => {
    const startedAt = new Date(t0.getTime() + offset);
    return { startedAt, completedAt: new Date(startedAt.getTime() + took * MIN) };
  });
  await tx.insert(s.migrationSteps).values(
    steps.map(([kind, action, reversible, minutes], position) => ({
      planId: plan!.id,
      position,
      kind,
      action,
      reversible,
      expectedDurationMinutes: minutes,
      risk: reversible ? ("low" as const) : ("high" as const),
      validation: kind === "backfill" ? "Row counts match; 1% sample compared field by field" : "Smoke tests green",
      status: "done" as const,
      startedAt: runs[position]!.startedAt,
      validatedAt: runs[position]!.completedAt,
      completedAt: runs[position]!.completedAt,
    })),
  );
  await tx.insert(s.risks).values([
    {
      planId: plan!.id,
      description: "Backfill overloads the primary database",
      likelihood: "medium",
      impact: "high",
      mitigation: "Throttle to 500 rows/s; run off-peak",
      ownerLabel: "Eko Prasetyo",
      ownerId: eko.id,
      status: "closed",
    },
  ]);
  return plan!.id;
}

// Mobile push v1.8: a canary rolled back automatically at 25% when the error rate spiked.
export async function seedMobileRolledBack(ctx: DemoContext) {
  const { tx, now, users, projects } = ctx;
  const { rina, eko, adi } = users;
  const t0 = new Date(now.getTime() - 9 * DAY);
  const detected = new Date(now.getTime() - 6 * DAY + 3 * HOUR);
  const [plan] = await tx
    .insert(s.plans)
    .values({
      projectId: projects.mobile,
      name: "Rich push notifications",
      releaseVersion: "1.8.0",
      summary: "Image and action buttons in push notifications, through the new notification service.",
      strategy: "canary",
      ownerId: rina.id,
      targetStartAt: t0,
      targetEndAt: new Date(now.getTime() + 2 * DAY),
      status: "rolled_back",
      startedAt: t0,
      endedAt: detected,
      version: 6,
      createdAt: new Date(t0.getTime() - 2 * DAY),
      updatedAt: detected,
    })
    .returning({ id: s.plans.id });
  const b = new PlanBuilder(tx, projects.mobile, plan!.id);
  await b.audit(rina, "plan.created", "plan", plan!.id, new Date(t0.getTime() - 2 * DAY), { template: "canary" });
  await b.metrics([
    {
      key: "error_rate",
      label: "Notification send errors",
      unit: "%",
      direction: "lower_is_better",
      target: 1,
      alert: 2,
      critical: 5,
    },
    {
      key: "p95_latency",
      label: "Send latency p95",
      unit: "ms",
      direction: "lower_is_better",
      target: 800,
      alert: 1200,
      critical: 2000,
    },
  ]);
  const p25Start = new Date(t0.getTime() + 2 * DAY);
  await b.phases([
    {
      name: "Canary 5%",
      audience: "5% of devices",
      traffic: 5,
      status: "passed",
      plannedStart: t0,
      plannedEnd: p25Start,
      actualStart: t0,
      actualEnd: p25Start,
      approvals: [{ user: adi, role: "approver", at: new Date(p25Start.getTime() - HOUR), spent: true }],
    },
    {
      name: "Canary 25%",
      audience: "25% of devices",
      traffic: 25,
      status: "rolled_back",
      plannedStart: p25Start,
      plannedEnd: new Date(p25Start.getTime() + 2 * DAY),
      actualStart: p25Start,
      actualEnd: new Date(detected.getTime() + 90 * 1000),
    },
    {
      name: "Canary 75%",
      audience: "75% of devices",
      traffic: 75,
      status: "pending",
      plannedStart: new Date(p25Start.getTime() + 2 * DAY),
      plannedEnd: new Date(p25Start.getTime() + 4 * DAY),
    },
    {
      name: "Full rollout",
      audience: "All devices",
      traffic: 100,
      status: "pending",
      plannedStart: new Date(p25Start.getTime() + 4 * DAY),
      plannedEnd: new Date(now.getTime() + 2 * DAY),
    },
  ]);
  await b.decision({
    phase: "Canary 5%",
    kind: "go",
    rationale: "5% stable for 48 h.",
    by: rina,
    at: p25Start,
    planVersion: 3,
  });
  await b.triggers([
    {
      metric: "error_rate",
      description: "Send errors > 5% for 5 min",
      value: 5,
      durationMinutes: 5,
      action: "automatic_rollback",
    },
    {
      metric: "p95_latency",
      description: "p95 > 2× baseline for 10 min",
      mode: "relative_to_baseline",
      value: 2,
      durationMinutes: 10,
      action: "automatic_rollback",
    },
  ]);
  const decisionId = await b.decision({
    phase: "Canary 25%",
    kind: "rollback",
    rationale: "Automatic: send errors > 5% for 5 min (7.8% over the window).",
    by: "system",
    at: new Date(detected.getTime() + 20 * 1000),
    planVersion: 5,
  });
  const [incident] = await tx
    .insert(s.incidents)
    .values({
      planId: plan!.id,
      phaseId: b.phaseId("Canary 25%"),
      triggerId: b.triggerIds[0] ?? null,
      decisionId,
      origin: "automatic",
      status: "resolved",
      title: "Send errors above 5% at 25% canary",
      summary: "The new notification service exhausted its APNs connection pool under 25% traffic.",
      detectedAt: detected,
      decidedAt: new Date(detected.getTime() + 20 * 1000),
      executedAt: new Date(detected.getTime() + 90 * 1000),
      verifiedAt: new Date(detected.getTime() + 5 * MIN),
      postmortem:
        "Root cause: APNs HTTP/2 connection pool capped at 4 per pod. Fix: pool of 32 with back-pressure; load test at 50% before the next attempt.",
    })
    .returning({ id: s.incidents.id });
  await b.audit("system", "incident.opened", "incident", incident!.id, detected, {
    origin: "automatic",
    trigger: "Send errors > 5% for 5 min",
  });
  await b.checklist(
    {
      kind: "post_rollback",
      title: "Post-rollback",
      signoffRoles: ["release_manager"],
      items: [
        {
          key: "traffic-zero",
          text: "Traffic back to the previous service",
          assigneeRole: "engineer",
          state: "done",
          by: eko,
          at: new Date(detected.getTime() + 3 * MIN),
        },
        {
          key: "users-notified",
          text: "Affected users and support notified",
          assigneeRole: "release_manager",
          state: "done",
          by: rina,
          at: new Date(detected.getTime() + 30 * MIN),
        },
        {
          key: "postmortem",
          text: "Post-mortem written",
          assigneeRole: "release_manager",
          state: "done",
          by: rina,
          at: new Date(detected.getTime() + DAY),
        },
      ],
      signedBy: [{ user: rina, role: "release_manager", at: new Date(detected.getTime() + DAY + HOUR) }],
    },
    b.phaseId("Canary 25%"),
  );
  const rand = prng(1800);
  const from = new Date(t0.getTime());
  const spike = (t: number) =>
    t >= detected.getTime() - 12 * MIN && t <= detected.getTime() + 2 * MIN ? 7 + rand() * 1.5 : 0;
  const until = new Date(detected.getTime() + 2 * HOUR);
  const err = wave(rand, 0.7, 0.2, 0.15);
  await b.series("error_rate", "canary", from, until, 5 * MIN, (t) => err(t) + spike(t));
  await b.series("error_rate", "baseline", from, until, 5 * MIN, wave(rand, 0.6, 0.2, 0.1));
  await b.series("p95_latency", "canary", from, until, 5 * MIN, (t) => wave(rand, 650, 80, 40)(t) + spike(t) * 120);
  await b.series("p95_latency", "baseline", from, until, 5 * MIN, wave(rand, 640, 80, 40));
  return plan!.id;
}

// Checkout v2.5: a blue-green switch scheduled for next week, not started.
export async function seedCheckoutScheduled(ctx: DemoContext) {
  const { tx, now, users, projects } = ctx;
  const start = new Date(now.getTime() + 6 * DAY);
  const [plan] = await tx
    .insert(s.plans)
    .values({
      projectId: projects.checkout,
      name: "Saved cards vault",
      releaseVersion: "2.5.0",
      summary: "Moves stored cards to the new tokenisation vault with a blue-green switch and instant rollback.",
      strategy: "blue_green",
      downtime: "maintenance_window",
      maintenanceWindowStart: new Date(start.getTime() + 2 * HOUR),
      maintenanceWindowEnd: new Date(start.getTime() + 3 * HOUR),
      ownerId: users.rina.id,
      targetStartAt: start,
      targetEndAt: new Date(start.getTime() + 2 * DAY),
      status: "scheduled",
      version: 2,
      createdAt: new Date(now.getTime() - DAY),
      updatedAt: new Date(now.getTime() - 20 * HOUR),
    })
    .returning({ id: s.plans.id });
  const b = new PlanBuilder(tx, projects.checkout, plan!.id);
  await b.audit(users.rina, "plan.created", "plan", plan!.id, new Date(now.getTime() - DAY), {
    template: "blue-green",
  });
  await b.metrics([
    {
      key: "error_rate",
      label: "Error rate",
      unit: "%",
      direction: "lower_is_better",
      target: 1,
      alert: 2,
      critical: 5,
    },
  ]);
  await b.phases([
    {
      name: "Green warm-up",
      audience: "Synthetic traffic only",
      traffic: 0,
      status: "pending",
      plannedStart: start,
      plannedEnd: new Date(start.getTime() + 2 * HOUR),
    },
    {
      name: "Switch",
      audience: "All shoppers on green",
      traffic: 100,
      status: "pending",
      plannedStart: new Date(start.getTime() + 2 * HOUR),
      plannedEnd: new Date(start.getTime() + 2 * DAY),
      requiredApprovals: 2,
    },
  ]);
  await b.triggers([
    {
      metric: "error_rate",
      description: "Error rate > 2% for 2 min: switch back to blue",
      value: 2,
      durationMinutes: 2,
      action: "automatic_rollback",
    },
  ]);
  return plan!.id;
}
