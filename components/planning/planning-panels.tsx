import type { PlanStatus } from "@/db/schema/enums";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { EscalationCard, type OpenIncident } from "./escalation-card";
import { MigrationCard, type PlanMigrationStep } from "./migration-card";
import type { Member } from "./risk-forms";
import { type RegisterRisk, RisksCard } from "./risks-card";
import type { LevelValues } from "./escalation-forms";

// The plan page's planning section: risk register, escalation matrix and migration plan. The
// migration plan shows only when the plan has steps or the viewer may add them.

export interface PlanningPlan {
  id: string;
  status: PlanStatus;
  risks: RegisterRisk[];
  escalationLevels: LevelValues[];
  migrationSteps: PlanMigrationStep[];
  incidents: (OpenIncident & { status: string })[];
}

export interface PlanningPerms {
  canEditRisks: boolean;
  canEditMigration: boolean;
  members: Member[];
}

export function PlanningPanels({ plan, perms, now }: { plan: PlanningPlan; perms: PlanningPerms; now: Date }) {
  const finished = TERMINAL.includes(plan.status);
  // The incident escalating now: the longest-open one that is not yet mitigated.
  const open =
    plan.incidents
      .filter((i) => i.status === "open")
      .sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime())[0] ?? null;
  const showMigration = plan.migrationSteps.length > 0 || (perms.canEditMigration && !finished);
  return (
    <div className="space-y-6" data-testid="planning-panels">
      <div className="grid gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <RisksCard
            planId={plan.id}
            risks={plan.risks}
            perms={{
              canEdit: perms.canEditRisks && !finished,
              canSetStatus: perms.canEditRisks,
              members: perms.members,
            }}
          />
        </div>
        <div className="lg:col-span-2">
          <EscalationCard
            planId={plan.id}
            levels={plan.escalationLevels}
            incident={open}
            now={now}
            canEdit={perms.canEditRisks && !finished}
          />
        </div>
      </div>
      {showMigration ? (
        <MigrationCard
          planId={plan.id}
          planStatus={plan.status}
          steps={plan.migrationSteps}
          canEdit={perms.canEditMigration}
          now={now}
        />
      ) : null}
    </div>
  );
}
