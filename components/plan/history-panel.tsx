import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatSpan } from "@/lib/domain/incident-timing";
import type { PlanView } from "@/lib/queries/plan";
import { IncidentCard } from "./incident-card";

const decisionTone = { go: "green", no_go: "amber", rollback: "red" } as const;
const decisionLabel = { go: "Go", no_go: "No-go", rollback: "Rollback" } as const;

export function DecisionsPanel({ view, now }: { view: PlanView; now: Date }) {
  const phaseName = new Map(view.plan.phases.map((p) => [p.id, p.name]));
  return (
    <Card title="Decisions" id="decisions">
      {view.plan.decisions.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No go/no-go decisions yet. The first one is recorded when the first phase’s gate is reviewed.
        </p>
      ) : (
        <ol className="space-y-3 text-sm">
          {view.plan.decisions.map((d) => (
            <li key={d.id} className="flex gap-3">
              <Badge tone={decisionTone[d.kind]}>{decisionLabel[d.kind]}</Badge>
              <div>
                <div>{d.rationale}</div>
                <div className="text-xs text-slate-600 dark:text-slate-400">
                  {phaseName.get(d.phaseId)} · {d.actorKind === "system" ? "system" : (d.decider?.name ?? "unknown")} ·{" "}
                  <RelativeTime date={d.decidedAt} now={now} />
                  {d.overrideReason ? ` · override: ${d.overrideReason}` : ""}
                </div>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

export function IncidentsPanel({ view, now, canEdit = false }: { view: PlanView; now: Date; canEdit?: boolean }) {
  const { plan } = view;
  const targets = {
    decideTargetSec: plan.decideTargetSec,
    executeTargetSec: plan.executeTargetSec,
    verifyTargetSec: plan.verifyTargetSec,
    totalTargetSec: plan.totalTargetSec,
  };
  const triggers = new Map(plan.rollbackTriggers.map((t) => [t.id, t.description]));
  const metricOfTrigger = new Map(
    plan.rollbackTriggers.map((t) => [t.id, plan.metrics.find((m) => m.id === t.metricId)]),
  );
  const decisions = new Map(plan.decisions.map((d) => [d.id, d]));
  const originOf = (i: PlanView["plan"]["incidents"][number]) => {
    if (i.origin === "automatic") {
      const trigger = i.triggerId ? triggers.get(i.triggerId) : undefined;
      return `Automatic rollback · ${trigger ? `trigger: ${trigger}` : "its trigger has since been removed"}`;
    }
    const decision = i.decisionId ? decisions.get(i.decisionId) : undefined;
    const who = decision
      ? decision.actorKind === "system"
        ? "the system"
        : (decision.decider?.name ?? "a person no longer here")
      : "a person";
    return `Manual rollback · decided by ${who}`;
  };
  return (
    <Card title="Incidents" id="incidents">
      {plan.incidents.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No incidents. Rolling back — by a decision, or by a trigger set to roll back automatically — opens one here,
          timed against this plan’s targets: decide within {formatSpan(targets.decideTargetSec * 1000)}, execute within{" "}
          {formatSpan(targets.executeTargetSec * 1000)}, verify within {formatSpan(targets.verifyTargetSec * 1000)},{" "}
          {formatSpan(targets.totalTargetSec * 1000)} in total.
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {plan.incidents.map((i) => (
            <li key={i.id} className="py-4 first:pt-0 last:pb-0">
              <IncidentCard
                incident={i}
                targets={targets}
                origin={originOf(i)}
                judgedMetric={i.triggerId ? metricOfTrigger.get(i.triggerId) : undefined}
                activity={view.incidentEdits[i.id]}
                now={now}
                canEdit={canEdit}
              />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
