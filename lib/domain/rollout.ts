import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { TERMINAL } from "./lifecycle";

export interface RolloutPhase {
  name: string;
  status: PhaseStatus;
  trafficPercent: number;
}

/**
 * The share of traffic on the new release right now. Before the start nothing is exposed;
 * while running or paused it is the active phase's share (or the last passed phase's, between
 * phases); after a rollback it is zero; a completed plan stays at its last phase's share.
 */
export function currentTraffic(planStatus: PlanStatus, phases: readonly RolloutPhase[]): number {
  switch (planStatus) {
    case "draft":
    case "scheduled":
    case "rolled_back":
    case "cancelled":
      return 0;
    case "completed":
      return lastWhere(phases, (p) => p.status === "passed")?.trafficPercent ?? 0;
    case "in_progress":
    case "paused": {
      const active = phases.find((p) => p.status === "active");
      if (active) return active.trafficPercent;
      return lastWhere(phases, (p) => p.status === "passed")?.trafficPercent ?? 0;
    }
  }
}

/** The phase a person should look at first: the active one, else the one that ended the plan, else the first. */
export function focusPhaseIndex(planStatus: PlanStatus, phases: readonly RolloutPhase[]): number {
  if (phases.length === 0) return -1;
  const active = phases.findIndex((p) => p.status === "active");
  if (active >= 0) return active;
  if (planStatus === "rolled_back") {
    const rolled = phases.findIndex((p) => p.status === "rolled_back" || p.status === "failed");
    if (rolled >= 0) return rolled;
  }
  if (planStatus === "completed") return phases.length - 1;
  const lastPassed = phases.map((p) => p.status).lastIndexOf("passed");
  return lastPassed >= 0 ? Math.min(lastPassed + 1, phases.length - 1) : 0;
}

function lastWhere<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return items[i];
  return undefined;
}

/** Whether any traffic can still reach the release: not after a rollback or cancellation. */
export function isLive(planStatus: PlanStatus): boolean {
  return planStatus !== "rolled_back" && planStatus !== "cancelled";
}

const HOUR_MS = 3600_000;

/**
 * The span a plan's KPI charts cover: from the start of the rollout (or a day back when it has
 * not started) to now, or to two hours after it ended.
 */
export function chartRange(
  plan: { status: PlanStatus; startedAt: Date | null; endedAt: Date | null; firstPhaseStartedAt: Date | null },
  now: Date,
): { from: Date; to: Date } {
  const from = plan.startedAt ?? plan.firstPhaseStartedAt ?? new Date(now.getTime() - 24 * HOUR_MS);
  const finished = TERMINAL.includes(plan.status);
  const to = finished && plan.endedAt ? new Date(Math.min(now.getTime(), plan.endedAt.getTime() + 2 * HOUR_MS)) : now;
  return { from, to };
}
