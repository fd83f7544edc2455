import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { type Health, healthLabel } from "@/lib/domain/health";
import { phaseStatusLabel, planStatusLabel } from "@/lib/domain/labels";
import { type MilestoneStatus, milestoneStatusLabel } from "@/lib/domain/milestones";
import { Badge, type Tone } from "./badge";

const healthTone: Record<Health, Tone> = { green: "green", amber: "amber", red: "red", unknown: "grey" };
const planTone: Record<PlanStatus, Tone> = {
  draft: "grey",
  scheduled: "grey",
  in_progress: "accent",
  paused: "amber",
  completed: "green",
  rolled_back: "red",
  cancelled: "grey",
};
const phaseTone: Record<PhaseStatus, Tone> = {
  pending: "grey",
  active: "accent",
  passed: "green",
  failed: "red",
  rolled_back: "red",
};
const milestoneTone: Record<MilestoneStatus, Tone> = { on_track: "green", at_risk: "amber", late: "red" };

export function HealthBadge({ health, title, live = true }: { health: Health; title?: string; live?: boolean }) {
  // Nothing of a rolled-back or cancelled release is exposed: its last readings are not its health.
  if (!live)
    return (
      <Badge tone="grey" title="No traffic reaches this release">
        Not live
      </Badge>
    );
  return (
    <Badge tone={healthTone[health]} {...(title ? { title } : {})}>
      {healthLabel[health]}
    </Badge>
  );
}

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  return <Badge tone={planTone[status]}>{planStatusLabel[status]}</Badge>;
}

export function PhaseStatusBadge({ status }: { status: PhaseStatus }) {
  return <Badge tone={phaseTone[status]}>{phaseStatusLabel[status]}</Badge>;
}

export function MilestoneBadge({ status, reason }: { status: MilestoneStatus; reason: string }) {
  return (
    <Badge tone={milestoneTone[status]} title={reason}>
      {milestoneStatusLabel[status]}
    </Badge>
  );
}
