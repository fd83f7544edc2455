import { defaultJudgeSettings } from "../../lib/domain/judge";
import * as s from "../schema";
import { type Actor, DAY, HOUR, MIN, PlanBuilder, prng, wave } from "./builder";
import type { DemoContext } from "./demo";

// Checkout v2.4: a four-stage staged rollout in its Pilot phase (10%), KPIs streaming for five days.

/** The canary judge on the Pilot's error rate: the defaults for a rate pushed as counts. */
const ERROR_JUDGE = defaultJudgeSettings("sequential", "counts");
export async function seedCheckoutPilot(ctx: DemoContext) {
  const { tx, now, users, projects } = ctx;
  const { rina, eko, adi, sam } = users;
  const t0 = new Date(now.getTime() - 5 * DAY);
  const pilotStart = new Date(now.getTime() - 3 * DAY + 2 * HOUR);
  const [plan] = await tx
    .insert(s.plans)
    .values({
      projectId: projects.checkout,
      name: "One-page checkout",
      releaseVersion: "2.4.0",
      summary:
        "Replaces the three-step checkout with a single page and the new payment sheet. Staged behind the checkout.one-page flag: Internal → Pilot 10% → Expanded 25% → GA.",
      strategy: "flag_based",
      ownerId: rina.id,
      targetStartAt: t0,
      targetEndAt: new Date(now.getTime() + 16 * DAY),
      status: "in_progress",
      startedAt: t0,
      version: 4,
      createdAt: new Date(t0.getTime() - 4 * DAY),
      updatedAt: pilotStart,
    })
    .returning({ id: s.plans.id });
  const b = new PlanBuilder(tx, projects.checkout, plan!.id);
  await b.audit(rina, "plan.created", "plan", plan!.id, new Date(t0.getTime() - 4 * DAY), {
    template: "staged-rollout",
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
      key: "p95_latency",
      label: "Response time p95",
      unit: "ms",
      direction: "lower_is_better",
      target: 450,
      alert: 600,
      critical: 900,
    },
    {
      key: "availability",
      label: "Availability",
      unit: "%",
      direction: "higher_is_better",
      target: 99.9,
      alert: 99.5,
      critical: 99,
    },
    {
      key: "conversion",
      label: "Checkout conversion",
      unit: "%",
      direction: "higher_is_better",
      target: 3.2,
      alert: 2.8,
      critical: 2.4,
    },
  ]);

  const done = (by: Actor, at: Date, evidenceUrl?: string) => ({
    state: "done" as const,
    by,
    at,
    ...(evidenceUrl ? { evidenceUrl } : {}),
  });
  await b.checklist(
    {
      kind: "pre_deployment",
      title: "Pre-deployment",
      signoffRoles: ["approver"],
      items: [
        {
          key: "tests-passing",
          text: "All tests passing",
          assigneeRole: "engineer",
          ...done(eko, new Date(t0.getTime() - 6 * HOUR), "https://ci.example.com/checkout/runs/8812"),
        },
        {
          key: "flag-wired",
          text: "checkout.one-page flag wired with the old flow as default",
          assigneeRole: "engineer",
          ...done(eko, new Date(t0.getTime() - 5 * HOUR)),
        },
        {
          key: "monitoring-ready",
          text: "Monitoring and alerts ready before deploy",
          assigneeRole: "engineer",
          ...done(sam, new Date(t0.getTime() - 4 * HOUR), "https://grafana.example.com/d/checkout"),
        },
        {
          key: "rollback-tested",
          text: "Rollback plan tested (flag off in under 1 minute)",
          assigneeRole: "engineer",
          ...done(sam, new Date(t0.getTime() - 3 * HOUR)),
        },
        {
          key: "support-briefed",
          text: "Support team briefed on the new flow",
          assigneeRole: "release_manager",
          ...done(rina, new Date(t0.getTime() - 2 * HOUR)),
        },
      ],
      signedBy: [{ user: adi, role: "approver", at: new Date(t0.getTime() - HOUR) }],
    },
    null,
  );

  const internalEnd = new Date(pilotStart.getTime() - 30 * MIN);
  await b.phases([
    {
      name: "Internal",
      audience: "Checkout team and support leads (1–3 people)",
      traffic: 1,
      goal: "Catch obvious issues",
      status: "passed",
      plannedStart: t0,
      plannedEnd: new Date(t0.getTime() + 2 * DAY),
      actualStart: t0,
      actualEnd: pilotStart,
      minDurationMinutes: 24 * 60,
      approvals: [{ user: adi, role: "approver", at: internalEnd, spent: true }],
      checklists: [
        {
          kind: "go_no_go",
          title: "Internal go/no-go",
          signoffRoles: ["approver"],
          items: [
            {
              key: "critical-paths",
              text: "All critical paths tested",
              assigneeRole: "engineer",
              ...done(eko, new Date(t0.getTime() + 20 * HOUR)),
            },
            {
              key: "no-p0",
              text: "No P0 bugs open",
              assigneeRole: "engineer",
              ...done(eko, new Date(t0.getTime() + 30 * HOUR)),
            },
            {
              key: "monitoring-confirmed",
              text: "Monitoring confirmed working",
              assigneeRole: "engineer",
              ...done(sam, new Date(t0.getTime() + 26 * HOUR)),
            },
            {
              key: "rollback-tested",
              text: "Rollback tested",
              assigneeRole: "engineer",
              ...done(sam, new Date(t0.getTime() + 27 * HOUR)),
            },
            {
              key: "stakeholder-approved",
              text: "Client stakeholder approved",
              required: false,
              assigneeRole: "release_manager",
              state: "not_applicable",
              reason: "Internal product, no client stakeholder",
              by: rina,
              at: new Date(t0.getTime() + 28 * HOUR),
            },
          ],
          signedBy: [{ user: adi, role: "approver", at: new Date(internalEnd.getTime() - 10 * MIN) }],
        },
      ],
    },
    {
      name: "Pilot",
      audience: "10% of signed-in shoppers in Jakarta and Surabaya",
      traffic: 10,
      goal: "Validate with real usage",
      status: "active",
      plannedStart: new Date(t0.getTime() + 2 * DAY),
      plannedEnd: new Date(now.getTime() + 4 * DAY),
      actualStart: pilotStart,
      minDurationMinutes: 3 * 24 * 60,
      requiredApprovals: 2,
      approvals: [{ user: adi, role: "approver", at: new Date(now.getTime() - 2 * HOUR) }],
      criteria: [
        { metric: "error_rate", comparison: "lt", value: 1, sustainedMinutes: 3 * 24 * 60 },
        // The canary judge on errors of requests since the Pilot started: passes once sure the canary is not worse.
        {
          metric: "error_rate",
          kind: "canary_not_worse",
          comparison: "lt",
          value: 1 + ERROR_JUDGE.tolerance,
          sustainedMinutes: 0,
          judge: ERROR_JUDGE,
        },
        { metric: "p95_latency", comparison: "lt", value: 600, sustainedMinutes: 60 },
        { metric: "availability", comparison: "gte", value: 99.9, sustainedMinutes: 24 * 60 },
      ],
      checklists: [
        {
          kind: "go_no_go",
          title: "Pilot go/no-go",
          signoffRoles: ["approver", "release_manager"],
          items: [
            {
              key: "error-rate-under-1",
              text: "Error rate < 1% for the whole pilot",
              assigneeRole: "engineer",
              ...done(eko, new Date(now.getTime() - 5 * HOUR)),
            },
            {
              key: "no-critical-bugs",
              text: "No critical bugs reported",
              assigneeRole: "engineer",
              ...done(eko, new Date(now.getTime() - 4 * HOUR)),
            },
            { key: "nps-above-7", text: "Positive user feedback (NPS > 7)", assigneeRole: "release_manager" },
            {
              key: "performance-sla",
              text: "Performance within SLA",
              assigneeRole: "engineer",
              state: "blocked",
              reason: "p95 above 600 ms since this morning; investigating the payment-sheet bundle",
              by: sam,
              at: new Date(now.getTime() - 90 * MIN),
            },
            {
              key: "support-load",
              text: "Support load manageable (< 5 tickets a day)",
              assigneeRole: "release_manager",
            },
          ],
        },
        {
          kind: "post_deployment",
          window: "immediate",
          title: "Pilot validation: immediate",
          items: [
            {
              key: "health-checks",
              text: "Health checks responding",
              assigneeRole: "engineer",
              ...done(eko, new Date(pilotStart.getTime() + 10 * MIN)),
            },
            {
              key: "smoke-test",
              text: "Smoke test of the key flows (card, e-wallet, bank transfer)",
              assigneeRole: "engineer",
              ...done(eko, new Date(pilotStart.getTime() + 25 * MIN), "https://ci.example.com/checkout/smoke/412"),
            },
          ],
        },
        {
          kind: "post_deployment",
          window: "short_term",
          title: "Pilot validation: short-term",
          items: [
            {
              key: "error-rate-normal",
              text: "Error rate normal against baseline",
              assigneeRole: "engineer",
              ...done(sam, new Date(pilotStart.getTime() + 2 * HOUR)),
            },
            {
              key: "no-ticket-rise",
              text: "No rise in support tickets",
              assigneeRole: "release_manager",
              ...done(rina, new Date(pilotStart.getTime() + 3 * HOUR)),
            },
          ],
        },
        {
          kind: "post_deployment",
          window: "long_term",
          title: "Pilot validation: long-term",
          items: [
            {
              key: "conversion-steady",
              text: "Conversion steady or better than baseline",
              assigneeRole: "release_manager",
              ...done(rina, new Date(pilotStart.getTime() + 20 * HOUR)),
            },
            { key: "no-memory-growth", text: "No memory growth on checkout pods", assigneeRole: "engineer" },
          ],
        },
      ],
    },
    {
      name: "Expanded",
      audience: "25% of shoppers",
      traffic: 25,
      goal: "Scale validation",
      status: "pending",
      plannedStart: new Date(now.getTime() + 4 * DAY),
      plannedEnd: new Date(now.getTime() + 11 * DAY),
      minDurationMinutes: 7 * 24 * 60,
      requiredApprovals: 2,
    },
    {
      name: "GA",
      audience: "All shoppers",
      traffic: 100,
      goal: "Full production",
      status: "pending",
      plannedStart: new Date(now.getTime() + 11 * DAY),
      plannedEnd: new Date(now.getTime() + 16 * DAY),
      requiredApprovals: 2,
    },
  ]);

  await b.decision({
    phase: "Internal",
    kind: "go",
    rationale: "All critical paths pass, no P0 open; Adi approved. Advancing to Pilot at 10%.",
    by: rina,
    at: pilotStart,
    planVersion: 3,
  });
  await b.triggers([
    {
      metric: "error_rate",
      description: "Error rate > 5% for 5 min",
      value: 5,
      durationMinutes: 5,
      action: "automatic_rollback",
    },
    {
      metric: "error_rate",
      description: "Error rate worse on the canary than the baseline (canary judge)",
      mode: "canary_worse",
      comparison: "gt",
      value: 1 + ERROR_JUDGE.smallestRegression,
      durationMinutes: 0,
      action: "automatic_rollback",
      judge: ERROR_JUDGE,
    },
    {
      metric: "p95_latency",
      description: "p95 > 2× baseline for 10 min",
      mode: "relative_to_baseline",
      value: 2,
      durationMinutes: 10,
      action: "automatic_rollback",
    },
    {
      metric: "availability",
      description: "Availability < 99% for 5 min",
      comparison: "lt",
      value: 99,
      durationMinutes: 5,
      action: "alert_only",
    },
    {
      metric: "conversion",
      description: "Conversion degradation > 50% against baseline",
      mode: "degradation_pct",
      value: 50,
      durationMinutes: 30,
      action: "alert_only",
    },
  ]);

  // Five days of KPIs every 5 minutes; p95 creeps past its alert threshold in the last hours.
  const rand = prng(2404);
  const step = 5 * MIN;
  const creep = (t: number) => Math.max(0, (t - (now.getTime() - 6 * HOUR)) / HOUR) * 50;
  // Error rate: values until the Pilot, then errors of requests per 5 minutes from both cohorts
  // (about 2,000 requests a minute, 10% on the canary), as a pipeline pushes them for the judge.
  await b.series("error_rate", "canary", t0, new Date(pilotStart.getTime() - 1), step, wave(rand, 0.55, 0.15, 0.12));
  await b.series("error_rate", "baseline", t0, new Date(pilotStart.getTime() - 1), step, wave(rand, 0.5, 0.12, 0.08));
  const errorShare = wave(rand, 0.5, 0.1, 0);
  const traffic = wave(rand, 10_000, 3_000, 500);
  const counts = (share: number) => (t: number) => {
    const denominator = Math.round(traffic(t) * share);
    const expected = (denominator * errorShare(t)) / 100;
    return {
      numerator: Math.max(0, Math.round(expected + Math.sqrt(expected) * (rand() + rand() + rand() - 1.5) * 2)),
      denominator,
    };
  };
  await b.countSeries("error_rate", "canary", pilotStart, now, step, true, counts(0.1));
  await b.countSeries("error_rate", "baseline", pilotStart, now, step, true, counts(0.9));
  // p95 stays below the "2× baseline" rollback at any hour the demo is loaded: the canary is at
  // most 380 + 15 + 300 + 15 = 710 ms, the baseline at least 400 - 15 - 10 = 375 ms (1.89×).
  const p95Canary = wave(rand, 380, 15, 15);
  await b.series("p95_latency", "canary", t0, now, step, (t) => p95Canary(t) + creep(t));
  await b.series("p95_latency", "baseline", t0, now, step, wave(rand, 400, 15, 10));
  const avail = wave(rand, 99.95, 0.02, 0.02);
  await b.series("availability", "canary", t0, now, step, (t) => Math.min(100, avail(t)));
  await b.series("availability", "baseline", t0, now, step, (t) => Math.min(100, avail(t) + 0.01));
  await b.series("conversion", "canary", t0, now, 30 * MIN, wave(rand, 3.5, 0.4, 0.15));
  await b.series("conversion", "baseline", t0, now, 30 * MIN, wave(rand, 3.3, 0.4, 0.15));

  const [flag] = await tx
    .insert(s.flags)
    .values({
      projectId: projects.checkout,
      key: "checkout.one-page",
      description: "Serves the one-page checkout to the rollout share",
      type: "boolean",
      variants: { on: true, off: false },
      defaultVariant: "off",
      rolloutVariant: "on",
      planId: plan!.id,
    })
    .returning({ id: s.flags.id });
  await b.audit(rina, "flag.created", "flag", flag!.id, new Date(t0.getTime() - 3 * DAY), { key: "checkout.one-page" });
  const [internal] = await tx
    .insert(s.segments)
    .values({
      projectId: projects.checkout,
      key: "internal-team",
      name: "Internal team",
      kind: "user_list",
      userKeys: ["rina", "eko", "sam", "adi"],
    })
    .returning({ id: s.segments.id });
  const [region] = await tx
    .insert(s.segments)
    .values({
      projectId: projects.checkout,
      key: "outside-pilot-regions",
      name: "Outside pilot regions",
      kind: "attribute_rule",
      attribute: "region",
      operator: "not_in",
      values: ["Jakarta", "Surabaya"],
    })
    .returning({ id: s.segments.id });
  await tx.insert(s.flagSegmentRules).values([
    { flagId: flag!.id, segmentId: internal!.id, position: 0, variant: "on" },
    { flagId: flag!.id, segmentId: region!.id, position: 1, variant: "off" },
  ]);

  await tx.insert(s.risks).values([
    {
      planId: plan!.id,
      description: "Payment sheet slows first paint on low-end Android",
      likelihood: "medium",
      impact: "high",
      mitigation: "Lazy-load wallet SDKs; watch p95 and conversion per device",
      ownerLabel: "Sam Santoso",
      ownerId: sam.id,
    },
    {
      planId: plan!.id,
      description: "Double charge on retry after timeout",
      likelihood: "low",
      impact: "high",
      mitigation: "Idempotency keys on every payment call; reconciliation job hourly",
      ownerLabel: "Eko Prasetyo",
      ownerId: eko.id,
      status: "mitigated",
    },
    {
      planId: plan!.id,
      description: "Support unfamiliar with the new flow",
      likelihood: "medium",
      impact: "low",
      mitigation: "Briefing and macro replies before Pilot",
      ownerLabel: "Rina Wijaya",
      ownerId: rina.id,
      status: "mitigated",
    },
  ]);
  await tx.insert(s.commsEntries).values([
    {
      planId: plan!.id,
      position: 0,
      event: "Phase advanced",
      timing: "At each go decision",
      channel: "#checkout-releases",
      audience: "Engineering and support",
      template: "{plan} is now in {phase} ({traffic}% of shoppers). Next check: {eta}.",
    },
    {
      planId: plan!.id,
      position: 1,
      event: "Rollback",
      timing: "Immediately",
      channel: "#incidents",
      audience: "On-call, support leads",
      template: "{plan} rolled back from {phase}: {reason}. Traffic is back on the old checkout.",
    },
    {
      planId: plan!.id,
      position: 2,
      event: "GA announcement",
      timing: "GA + 1 day",
      channel: "Email",
      audience: "All staff",
      template: "The one-page checkout ({plan}) is live for everyone.",
    },
  ]);
  await tx.insert(s.escalationLevels).values([
    { planId: plan!.id, level: 1, who: "Automated rollback", afterMinutes: 0 },
    { planId: plan!.id, level: 2, who: "On-call engineer", afterMinutes: 15, contact: "PagerDuty: checkout-primary" },
    { planId: plan!.id, level: 3, who: "Engineering manager", afterMinutes: 30 },
    { planId: plan!.id, level: 4, who: "CTO", afterMinutes: 60 },
  ]);
  return plan!.id;
}
