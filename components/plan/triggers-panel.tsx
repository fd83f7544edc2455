import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TriggerState } from "@/db/schema/enums";
import { describeJudgeSettings, readJudgeSettings } from "@/lib/domain/judge-settings";
import type { PlanView } from "@/lib/queries/plan";

const stateBadge: Record<TriggerState, { tone: Tone; label: string }> = {
  breached: { tone: "red", label: "Breached" },
  stale: { tone: "amber", label: "No recent data" },
  ok: { tone: "green", label: "Holding" },
  no_data: { tone: "grey", label: "Waiting for data" },
  unknown: { tone: "grey", label: "Not yet checked" },
};

// Each rollback trigger with what its last evaluation found: judged after every batch of samples
// and by the timer, so silence shows here as "No recent data".
export function TriggersPanel({ view, now }: { view: PlanView; now: Date }) {
  const { plan } = view;
  // Verdicts are kept while the plan runs; before and after, the last one says nothing current.
  const live = plan.status === "in_progress" || plan.status === "paused";
  const metricById = new Map(plan.metrics.map((m) => [m.id, m]));
  // A canary judge trigger reads as its settings, not as the ratio stored alongside them.
  const judgeWords = (t: (typeof plan.rollbackTriggers)[number]) => {
    const m = t.mode === "canary_worse" && t.metricId ? metricById.get(t.metricId) : undefined;
    return m ? describeJudgeSettings(readJudgeSettings(t.judge, m.unit), m.direction) : null;
  };
  return (
    <Card title="Rollback triggers" id="triggers">
      {plan.rollbackTriggers.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No rollback triggers. Add one on the edit page so a breach rolls the release back by itself.
        </p>
      ) : (
        <ul className="space-y-3 text-sm">
          {plan.rollbackTriggers.map((t) => {
            const state = stateBadge[t.state];
            const judge = judgeWords(t);
            // The judge's sentence says where it stands in every state, not only when it fired.
            const reason =
              live &&
              t.enabled &&
              t.metricId &&
              t.stateReason &&
              (judge !== null || t.state === "breached" || t.state === "stale");
            return (
              <li key={t.id} data-testid="trigger-row" data-state={t.state}>
                <div className="flex items-start justify-between gap-2">
                  <span className={t.enabled ? "" : "text-slate-500 line-through dark:text-slate-400"}>
                    {t.description}
                  </span>
                  {t.metricId && t.enabled && live ? <Badge tone={state.tone}>{state.label}</Badge> : null}
                </div>
                {judge ? (
                  <div className="text-xs text-slate-600 dark:text-slate-400" data-testid="trigger-judge">
                    <span className="font-medium text-slate-700 dark:text-slate-300">Canary judge</span> · {judge}
                  </div>
                ) : null}
                <div className="text-xs text-slate-600 dark:text-slate-400">
                  {t.action === "automatic_rollback" ? "Rolls back automatically" : "Alerts only"}
                  {t.metricId ? "" : " · judged by people"}
                  {t.enabled ? "" : " · switched off"}
                  {t.lastFiredAt ? (
                    <>
                      {" "}
                      · fired <RelativeTime date={t.lastFiredAt} now={now} />
                    </>
                  ) : null}
                </div>
                {reason ? (
                  <div className="mt-0.5 text-xs text-slate-700 dark:text-slate-300">
                    {t.stateReason}
                    {t.stateSince ? (
                      <>
                        {" "}
                        · since <RelativeTime date={t.stateSince} now={now} />
                      </>
                    ) : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
