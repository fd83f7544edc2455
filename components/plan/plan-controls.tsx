import Link from "next/link";
import { approveAction, transitionAction } from "@/app/plans/actions";
import { Card } from "@/components/ui/card";
import { rolesIn, type UserActor, userCan } from "@/lib/auth/actor";
import { canApply, type PlanCommandType, TERMINAL } from "@/lib/domain/lifecycle";
import type { PlanView } from "@/lib/queries/plan";
import { ActionButton } from "./action-form";
import { DecisionForm } from "./decision-form";
import { FreezeOverrideForm } from "./freeze-override-form";

const lifecycle: {
  type: Exclude<PlanCommandType, "go" | "no_go" | "rollback">;
  label: string;
  variant: "primary" | "secondary" | "danger";
}[] = [
  { type: "start", label: "Start rollout", variant: "primary" },
  { type: "schedule", label: "Schedule", variant: "secondary" },
  { type: "unschedule", label: "Back to draft", variant: "secondary" },
  { type: "pause", label: "Pause", variant: "secondary" },
  { type: "resume", label: "Resume", variant: "primary" },
  { type: "cancel", label: "Cancel plan", variant: "danger" },
];

// What the signed-in person can do to this plan now. Hidden controls are a courtesy: the
// services refuse the same things on the server.
export function PlanControls({ view, user }: { view: PlanView; user: UserActor }) {
  const { plan, gate } = view;
  const machine = { status: plan.status, phases: plan.phases };
  const canTransition = userCan(user, "plan:transition", plan.projectId);
  const transitions = canTransition ? lifecycle.filter((l) => canApply(machine, l.type)) : [];
  const running = plan.status === "in_progress" || plan.status === "paused";
  const active = plan.phases.find((p) => p.status === "active");
  const next = active ? plan.phases[plan.phases.indexOf(active) + 1] : undefined;
  const approverRole = gate ? rolesIn(user, plan.projectId).some((r) => gate.approverRoles.includes(r)) : false;
  const canApprove =
    running &&
    gate !== null &&
    gate.gateId !== null &&
    userCan(user, "gate:approve", plan.projectId) &&
    approverRole &&
    !gate.approvals.some((a) => a.userId === user.userId);
  const canDecide = running && userCan(user, "decision:record", plan.projectId);
  const canEdit = userCan(user, "plan:edit", plan.projectId) && !TERMINAL.includes(plan.status);
  // During a freeze: who may sign which part of the emergency override (one person signs one part).
  const override = view.freezeOverride;
  const signed = [override?.releaseManager, override?.admin].some((s) => s?.userId === user.userId);
  const signAs =
    running && view.freeze && !signed
      ? [
          ...(rolesIn(user, plan.projectId).includes("release_manager") && !override?.releaseManager
            ? (["release_manager"] as const)
            : []),
          ...(user.isAdmin && !override?.admin ? (["admin"] as const) : []),
        ]
      : [];
  const showFreeze = running && view.freeze && (canDecide || signAs.length > 0);
  if (transitions.length === 0 && !canApprove && !canDecide && !canEdit && !showFreeze) return null;
  const fields = { planId: plan.id, version: plan.version };

  return (
    <Card title="Actions" id="actions">
      <div className="space-y-4">
        {transitions.length || canEdit ? (
          <div className="flex flex-wrap items-start gap-2">
            {transitions.map((t) => (
              <ActionButton
                key={t.type}
                action={transitionAction}
                fields={{ ...fields, action: t.type }}
                label={t.label}
                variant={t.variant}
              />
            ))}
            {canEdit ? (
              <Link
                href={`/plans/${plan.id}/edit`}
                className="inline-flex items-center rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                Edit plan and phases
              </Link>
            ) : null}
          </div>
        ) : null}
        {canApprove && active ? (
          <div className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
            <p className="mb-2 text-sm">
              The gate of <strong>{active.name}</strong> needs {gate!.requiredApprovals} approval
              {gate!.requiredApprovals === 1 ? "" : "s"}; {gate!.approvals.length} given.
            </p>
            <ActionButton
              action={approveAction}
              fields={fields}
              label={`Approve ${active.name} → ${next?.name ?? "completion"}`}
              variant="primary"
            />
          </div>
        ) : null}
        {showFreeze && view.freeze ? (
          <FreezeOverrideForm
            planId={plan.id}
            sentence={view.freeze.sentence}
            releaseManager={override?.releaseManager ?? null}
            admin={override?.admin ?? null}
            signAs={signAs}
          />
        ) : null}
        {canDecide && gate ? (
          <DecisionForm
            planId={plan.id}
            version={plan.version}
            gateHolds={gate.verdict.holds}
            overridable={gate.verdict.overridable}
            canOverride={userCan(user, "decision:override", plan.projectId)}
            nextPhase={next?.name ?? null}
          />
        ) : null}
      </div>
    </Card>
  );
}
