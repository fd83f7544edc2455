import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatDuration } from "@/lib/domain/time";
import type { PlanView } from "@/lib/queries/plan";

const decisionTone = { go: "green", no_go: "amber", rollback: "red" } as const;
const decisionLabel = { go: "Go", no_go: "No-go", rollback: "Rollback" } as const;

export function DecisionsPanel({ view, now }: { view: PlanView; now: Date }) {
  const phaseName = new Map(view.plan.phases.map((p) => [p.id, p.name]));
  return (
    <Card title="Decisions" id="decisions">
      {view.plan.decisions.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No go/no-go decisions yet. The first one is recorded when the first phase’s gate is reviewed.</p>
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

export function IncidentsPanel({ view, now }: { view: PlanView; now: Date }) {
  const { plan } = view;
  if (plan.incidents.length === 0) return null;
  return (
    <Card title="Incidents" id="incidents">
      <ul className="space-y-4 text-sm">
        {plan.incidents.map((i) => {
          const steps = [
            { label: "Decide", from: i.detectedAt, to: i.decidedAt, target: plan.decideTargetSec },
            { label: "Execute", from: i.decidedAt, to: i.executedAt, target: plan.executeTargetSec },
            { label: "Verify", from: i.executedAt, to: i.verifiedAt, target: plan.verifyTargetSec },
            { label: "Total", from: i.detectedAt, to: i.verifiedAt, target: plan.totalTargetSec },
          ];
          return (
            <li key={i.id} data-testid="incident">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={i.status === "resolved" ? "grey" : "red"}>{i.status === "resolved" ? "Resolved" : "Open"}</Badge>
                <span className="font-medium">{i.title}</span>
              </div>
              <div className="text-xs text-slate-600 dark:text-slate-400">
                {i.origin === "automatic" ? "Automatic rollback" : "Manual rollback"} · detected <RelativeTime date={i.detectedAt} now={now} />
              </div>
              {i.summary ? <p className="mt-1">{i.summary}</p> : null}
              <table className="mt-2 text-xs">
                <caption className="sr-only">Rollback timing against targets</caption>
                <tbody>
                  {steps.map((s) => {
                    const ms = s.from && s.to ? s.to.getTime() - s.from.getTime() : null;
                    const within = ms !== null && ms <= s.target * 1000;
                    return (
                      <tr key={s.label}>
                        <th scope="row" className="pr-3 text-left font-normal text-slate-600 dark:text-slate-400">{s.label}</th>
                        <td className="pr-3 tabular-nums">{ms === null ? "—" : formatSeconds(ms)}</td>
                        <td className="pr-3 text-slate-600 dark:text-slate-400">target {formatDuration(s.target * 1000)}</td>
                        <td>{ms === null ? null : <Badge tone={within ? "green" : "red"}>{within ? "Within target" : "Over target"}</Badge>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {i.postmortem ? (
                <p className="mt-2 text-xs">
                  <span className="font-medium">Post-mortem: </span>
                  {i.postmortem}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

function formatSeconds(ms: number) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ""}`.trim();
}
