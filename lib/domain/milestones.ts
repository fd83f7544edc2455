import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import type { Health } from "./health";

export type MilestoneStatus = "on_track" | "at_risk" | "late";

export interface MilestonePhase {
  name: string;
  status: PhaseStatus;
  trafficPercent: number;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
}

export interface MilestoneInput {
  planStatus: PlanStatus;
  targetStartAt: Date | null;
  phases: readonly MilestonePhase[]; // in order
  health: Health;
  /** Required gate items of the active phase still outstanding. */
  gateOutstanding: number;
  now: Date;
}

export interface Milestone {
  label: string;
  dueAt: Date | null;
  status: MilestoneStatus;
  reason: string;
}

export const AT_RISK_HORIZON_MS = 24 * 60 * 60 * 1000;

/**
 * The next thing a plan must reach, and whether it will.
 *
 * Rule: a milestone is late once its due time has passed. It is at risk when the plan is paused,
 * when the KPIs are amber or red, or when it is due within 24 hours while required gate items
 * are still outstanding. Otherwise it is on track. Finished plans have no milestone.
 */
export function nextMilestone(input: MilestoneInput): Milestone | null {
  const { planStatus, phases } = input;
  if (planStatus === "completed" || planStatus === "rolled_back" || planStatus === "cancelled") return null;

  let label: string;
  let dueAt: Date | null;
  if (planStatus === "draft" || planStatus === "scheduled") {
    const first = phases[0];
    label = first ? `Start ${first.name}` : "Add phases";
    dueAt = input.targetStartAt ?? first?.plannedStartAt ?? null;
  } else {
    const activeIndex = phases.findIndex((p) => p.status === "active");
    const active = phases[activeIndex];
    if (!active) {
      label = "Choose the next phase";
      dueAt = null;
    } else {
      const next = phases[activeIndex + 1];
      label = next
        ? `Go/no-go: ${active.name} → ${next.name} (${formatPercent(next.trafficPercent)})`
        : `Complete rollout after ${active.name}`;
      dueAt = active.plannedEndAt ?? next?.plannedStartAt ?? null;
    }
  }

  const { status, reason } = milestoneStatus(input, dueAt);
  return { label, dueAt, status, reason };
}

function milestoneStatus(input: MilestoneInput, dueAt: Date | null): { status: MilestoneStatus; reason: string } {
  const { now, planStatus, health, gateOutstanding } = input;
  if (dueAt && dueAt.getTime() < now.getTime()) return { status: "late", reason: "Due time has passed" };
  if (planStatus === "paused") return { status: "at_risk", reason: "Rollout is paused" };
  if (health === "red") return { status: "at_risk", reason: "A KPI is beyond its critical threshold" };
  if (health === "amber") return { status: "at_risk", reason: "A KPI is beyond its alert threshold" };
  if (dueAt && dueAt.getTime() - now.getTime() <= AT_RISK_HORIZON_MS && gateOutstanding > 0) {
    return {
      status: "at_risk",
      reason: `Due within 24 h with ${gateOutstanding} required item${gateOutstanding === 1 ? "" : "s"} open`,
    };
  }
  return { status: "on_track", reason: dueAt ? "On schedule" : "No date set" };
}

export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

export const milestoneStatusLabel: Record<MilestoneStatus, string> = {
  on_track: "On track",
  at_risk: "At risk",
  late: "Late",
};
