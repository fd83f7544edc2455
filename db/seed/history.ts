import * as s from "../schema";
import { DAY, HOUR, MIN, PlanBuilder, prng } from "./builder";
import type { DemoContext } from "./demo";

// Twelve weeks of finished releases behind the demo's four plans, so the delivery metrics and the
// roadmap have a history to show: rollouts across the three projects that completed (some fast,
// some slow) and a few rolled back with their incidents timed against the plan's targets. Every
// one ended at least a week ago, so the demo's own plans stay first in their groups.

const RELEASES: { project: keyof DemoContext["projects"]; name: string }[] = [
  { project: "checkout", name: "Address autocomplete" },
  { project: "search", name: "Typo-tolerant queries" },
  { project: "mobile", name: "Offline wishlist" },
  { project: "checkout", name: "Apple Pay express" },
  { project: "search", name: "Synonym dictionary v2" },
  { project: "mobile", name: "Biometric sign-in" },
  { project: "checkout", name: "Gift card balance check" },
  { project: "search", name: "Faceted price filter" },
  { project: "mobile", name: "Order tracking widget" },
  { project: "checkout", name: "Split shipping" },
  { project: "search", name: "Index sharding" },
  { project: "mobile", name: "Dark mode" },
  { project: "checkout", name: "Promo code stacking" },
  { project: "search", name: "Query suggestions cache" },
  { project: "mobile", name: "In-app returns" },
  { project: "checkout", name: "3-D Secure 2 challenge flow" },
  { project: "search", name: "Relevance model 4" },
  { project: "mobile", name: "Push opt-in prompt" },
  { project: "checkout", name: "Guest checkout email capture" },
  { project: "search", name: "Autocomplete latency budget" },
  { project: "mobile", name: "Product video player" },
  { project: "checkout", name: "Tax calculation service" },
  { project: "search", name: "Zero-results fallback" },
  { project: "mobile", name: "Deep links to categories" },
];

const STAGES: [name: string, audience: string, traffic: number][] = [
  ["Canary", "5% of users", 5],
  ["Half", "50% of users", 50],
  ["Everyone", "100% of users", 100],
];

/** The finished releases; returns how many plans it added. */
export async function seedDeliveryHistory(ctx: DemoContext): Promise<number> {
  const { tx, now, users, projects } = ctx;
  const rand = prng(20_261_122);
  const last = RELEASES.length - 1;
  for (const [i, release] of RELEASES.entries()) {
    const rolledBack = i % 5 === 2;
    const endsAt = new Date(now.getTime() - (7 + Math.round((i * 68) / last)) * DAY - Math.round(rand() * 8) * HOUR);
    // Days at each stage: the canary and the half are where a rollout waits.
    const days = [1 + Math.round(rand() * 2), 1 + Math.round(rand() * 4), 1];
    // A rollback ends the plan at half traffic: the last stage never ran.
    const ran = rolledBack ? days.slice(0, 2) : days;
    const startedAt = new Date(endsAt.getTime() - ran.reduce((a, b) => a + b, 0) * DAY);
    const [plan] = await tx
      .insert(s.plans)
      .values({
        projectId: projects[release.project],
        name: release.name,
        releaseVersion: `${1 + (i % 3)}.${i}.0`,
        summary: `${release.name}, rolled out in three stages.`,
        strategy: "canary",
        ownerId: users.rina.id,
        targetStartAt: startedAt,
        targetEndAt: new Date(endsAt.getTime() + DAY),
        status: rolledBack ? "rolled_back" : "completed",
        startedAt,
        endedAt: endsAt,
        version: rolledBack ? 4 : 5,
        createdAt: new Date(startedAt.getTime() - 3 * DAY),
        updatedAt: endsAt,
      })
      .returning({ id: s.plans.id });
    const b = new PlanBuilder(tx, projects[release.project], plan!.id);
    await b.audit(users.rina, "plan.created", "plan", plan!.id, new Date(startedAt.getTime() - 3 * DAY), {
      template: "canary",
    });
    let at = startedAt.getTime();
    const reached = rolledBack ? 1 : STAGES.length - 1;
    await b.phases(
      STAGES.map(([name, audience, traffic], n) => {
        const start = at;
        // Plans are a little optimistic: the planned stage is shorter than the one that ran.
        const planned = Math.max(1, days[n]! - (n === 1 ? 1 : 0)) * DAY;
        at += days[n]! * DAY;
        const started = n <= reached;
        return {
          name,
          audience,
          traffic,
          status: !started
            ? ("pending" as const)
            : rolledBack && n === reached
              ? ("rolled_back" as const)
              : ("passed" as const),
          plannedStart: new Date(start),
          plannedEnd: new Date(start + planned),
          ...(started ? { actualStart: new Date(start), actualEnd: new Date(Math.min(at, endsAt.getTime())) } : {}),
        };
      }),
    );
    if (!rolledBack) continue;

    // The rollback: seconds to minutes per stage, some within the plan's targets, some not.
    const detected = new Date(endsAt.getTime() - (2 + Math.round(rand() * 6)) * MIN);
    const decided = new Date(endsAt.getTime());
    const executed = new Date(decided.getTime() + (1 + Math.round(rand() * 3)) * MIN);
    const verified = new Date(executed.getTime() + (2 + Math.round(rand() * 10)) * MIN);
    const decisionId = await b.decision({
      phase: "Half",
      kind: "rollback",
      rationale: "Error rate above the critical threshold at 50%",
      by: users.rina,
      at: decided,
      planVersion: 3,
    });
    const [incident] = await tx
      .insert(s.incidents)
      .values({
        planId: plan!.id,
        phaseId: b.phaseId("Half"),
        decisionId,
        origin: "manual",
        status: "resolved",
        title: `${release.name}: errors at 50%`,
        summary: "Rolled back at half traffic; fixed and planned again.",
        detectedAt: detected,
        decidedAt: decided,
        executedAt: executed,
        verifiedAt: verified,
      })
      .returning({ id: s.incidents.id });
    await b.audit(users.rina, "incident.opened", "incident", incident!.id, detected, { origin: "manual" });
  }
  return RELEASES.length;
}
