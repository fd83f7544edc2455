import { autoAdvanceAction } from "@/app/plans/actions";
import { ActionButton } from "@/components/plan/action-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { RelativeTime } from "@/components/ui/relative-time";
import { MilestoneBadge, PhaseStatusBadge } from "@/components/ui/status-badges";
import { autoAdvanceVerdict } from "@/lib/domain/auto-advance";
import { describeCriterion, describeRoles } from "@/lib/domain/gate-summary";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { formatPercent } from "@/lib/domain/milestones";
import type { PlanView } from "@/lib/queries/plan";

// The first thing on a plan page: the phase that matters now, its gate and what blocks it.
export function NowPanel({ view, now, canEdit = false }: { view: PlanView; now: Date; canEdit?: boolean }) {
  const phase = view.plan.phases[view.focusIndex];
  if (!phase) {
    return (
      <Card title="Now">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This plan has no phases yet. Phases are added when the plan is edited.
        </p>
      </Card>
    );
  }
  const finishedPhase = phase.status !== "active" && phase.status !== "pending";
  return (
    <Card title={phase.status === "active" ? "Active phase" : "Phase in focus"} id="now">
      <div className="grid gap-6 lg:grid-cols-3">
        <PhaseColumn view={view} phase={phase} now={now} canEdit={canEdit} finishedPhase={finishedPhase} />
        <GateColumn view={view} phase={phase} finishedPhase={finishedPhase} />
        <CriteriaColumn view={view} phase={phase} />
      </div>
    </Card>
  );
}

type FocusPhase = PlanView["plan"]["phases"][number];

/** The phase itself: audience, traffic, when it started and ends, the next milestone. */
function PhaseColumn({
  view,
  phase,
  now,
  canEdit,
  finishedPhase,
}: {
  view: PlanView;
  phase: FocusPhase;
  now: Date;
  canEdit: boolean;
  finishedPhase: boolean;
}) {
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <h3 className="text-lg font-semibold">{phase.name}</h3>
        <PhaseStatusBadge status={phase.status} />
      </div>
      <p className="text-sm text-slate-700 dark:text-slate-300">{phase.audience}</p>
      <div className="flex items-baseline gap-2">
        <span className="text-3xl font-semibold tabular-nums">{formatPercent(phase.trafficPercent)}</span>
        <span className="text-sm text-slate-600 dark:text-slate-400">of traffic in this phase</span>
      </div>
      <dl className="grid grid-cols-2 gap-2 text-sm">
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">Started</dt>
          <dd>{phase.actualStartAt ? <RelativeTime date={phase.actualStartAt} now={now} /> : "Not yet"}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">Planned end</dt>
          <dd>{phase.plannedEndAt ? <RelativeTime date={phase.plannedEndAt} now={now} /> : "Not set"}</dd>
        </div>
      </dl>
      {view.milestone ? (
        <div className="rounded-md bg-slate-50 p-2 text-sm dark:bg-slate-800/60">
          <div className="text-xs text-slate-600 dark:text-slate-400">Next milestone</div>
          <div>{view.milestone.label}</div>
          <div className="mt-1 flex items-center gap-2 text-xs">
            <MilestoneBadge status={view.milestone.status} reason={view.milestone.reason} />
            <span className="text-slate-600 dark:text-slate-400">{view.milestone.reason}</span>
          </div>
        </div>
      ) : null}
      {!finishedPhase && !TERMINAL.includes(view.plan.status) ? (
        <AutoAdvanceLine view={view} phase={phase} now={now} canEdit={canEdit} />
      ) : null}
    </div>
  );
}

/** The gate out of the phase: approvals, the go/no-go lists' progress, and what blocks it in words. */
function GateColumn({ view, phase, finishedPhase }: { view: PlanView; phase: FocusPhase; finishedPhase: boolean }) {
  const next = view.plan.phases[view.focusIndex + 1];
  const gate = phase.gate;
  const liveApprovals = gate?.approvals.filter((a) => !a.voidedAt) ?? [];
  const blockers = view.focusBlockers;
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold">Gate{next ? ` to ${next.name}` : ""}</h3>
      {gate ? (
        <div className="text-sm">
          <div className="flex justify-between">
            <span>Approvals ({describeRoles(gate.approverRoles)})</span>
            <span className="tabular-nums">
              {liveApprovals.length}/{gate.requiredApprovals}
            </span>
          </div>
          {liveApprovals.length > 0 ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">
              {liveApprovals.map((a) => a.user.name).join(", ")}
            </p>
          ) : null}
        </div>
      ) : null}
      {view.gateLists.map((l) => (
        <div key={l.id} className="space-y-1 text-sm">
          <div className="flex justify-between">
            <span>{l.title}</span>
            <span className="tabular-nums">
              {l.progress.done + l.progress.notApplicable}/{l.progress.total}
            </span>
          </div>
          <ProgressBar
            value={l.progress.ratio}
            label={`${l.title} progress`}
            tone={l.progress.blocked > 0 ? "amber" : "accent"}
          />
        </div>
      ))}
      {finishedPhase ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This phase is history; its gate no longer applies.</p>
      ) : blockers.length === 0 ? (
        <p className="text-sm text-emerald-700 dark:text-emerald-300">Nothing blocks this gate.</p>
      ) : (
        <div>
          <h4 className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">
            What blocks it
          </h4>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm" data-testid="gate-blockers">
            {blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The phase's success criteria, each with the gate's verdict and the reading behind it. */
function CriteriaColumn({ view, phase }: { view: PlanView; phase: FocusPhase }) {
  const metricById = new Map(view.metrics.map((m) => [m.id, m]));
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-semibold">Success criteria</h3>
      {phase.successCriteria.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">None set for this phase.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {phase.successCriteria.map((c) => {
            const m = metricById.get(c.metricId);
            if (!m) return null;
            const judged = view.gate?.criteria.find((g) => g.id === c.id);
            return (
              <li key={c.id}>
                <div>{describeCriterion(m, c)}</div>
                <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                  {judged ? (
                    <Badge tone={judged.met ? "green" : "amber"}>{judged.met ? "Met" : "Not met"}</Badge>
                  ) : null}
                  {c.kind === "canary_not_worse" ? (
                    // The judge's own sentence says why not; the panel below shows its evidence.
                    <span>
                      {judged
                        ? judged.met
                          ? "The canary judge passes it"
                          : judged.reason
                        : "Judged by the canary judge"}
                      {view.canary ? (
                        <>
                          {" "}
                          ·{" "}
                          <a href="#canary" className="underline">
                            canary against baseline
                          </a>
                        </>
                      ) : null}
                    </span>
                  ) : (
                    <span>
                      Now {m.recent === null ? "no data" : `${round(m.recent)}${m.unit === "%" ? "%" : ` ${m.unit}`}`}
                      {judged && !judged.met && judged.reason ? ` · ${judged.reason}` : ""}
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function round(v: number) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

/** Whether the phase advances by itself, what it waits for, and the switch for release managers. */
function AutoAdvanceLine({
  view,
  phase,
  now,
  canEdit,
}: {
  view: PlanView;
  phase: PlanView["plan"]["phases"][number];
  now: Date;
  canEdit: boolean;
}) {
  const verdict = autoAdvanceVerdict({
    planStatus: view.plan.status,
    phase,
    gate: view.gate?.verdict ?? null,
    breachedTriggers: view.plan.rollbackTriggers
      .filter((t) => t.enabled && t.state === "breached" && (!t.phaseId || t.phaseId === phase.id))
      .map((t) => t.description),
    now,
  });
  const fields = { planId: view.plan.id, version: view.plan.version, phaseId: phase.id };
  return (
    <div
      className="space-y-2 rounded-md border border-slate-200 p-2 text-sm dark:border-slate-700"
      data-testid="auto-advance"
      data-on={phase.autoAdvance ? "true" : "false"}
    >
      <div className="flex flex-wrap items-center gap-2">
        {phase.autoAdvance ? <Badge tone="accent">Advances by itself</Badge> : null}
        <span
          className={
            verdict.advance || verdict.waiting !== "trigger"
              ? "text-slate-700 dark:text-slate-300"
              : "font-medium text-amber-800 dark:text-amber-300"
          }
        >
          {verdict.advance
            ? "now: the gate holds, the next check records the go within seconds"
            : verdict.waiting === "off"
              ? `Advances ${verdict.message}`
              : verdict.message}
        </span>
      </div>
      {canEdit ? (
        <div className="flex">
          <ActionButton
            action={autoAdvanceAction}
            fields={{ ...fields, autoAdvance: phase.autoAdvance ? "false" : "true" }}
            label={phase.autoAdvance ? "Wait for a go decision instead" : "Let it advance by itself"}
            pendingText="Saving…"
          />
        </div>
      ) : null}
    </div>
  );
}
