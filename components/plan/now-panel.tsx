"use client";

import { autoAdvanceAction } from "@/app/plans/actions";
import { StaleNotice } from "@/components/live/stale-notice";
import { useLiveReading } from "@/components/live/use-live-reading";
import { ActionButton } from "@/components/plan/action-form";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { RelativeTime } from "@/components/ui/relative-time";
import { HealthBadge, MilestoneBadge, PhaseStatusBadge } from "@/components/ui/status-badges";
import { formatPercent } from "@/lib/domain/milestones";
import { queryKeys } from "@/lib/live/query-keys";
import type { OverviewReading } from "@/lib/queries/plan-readings";

/** The overview as the page last read it: from the server's render, re-read as the plan changes. */
function useOverview(planId: string, initial: OverviewReading) {
  return useLiveReading(queryKeys.overview(planId), `/plans/${planId}/overview`, "The plan's overview", initial);
}

/** The plan's health in its header, kept current with the overview. */
export function OverviewHealth({ planId, initial, live }: { planId: string; initial: OverviewReading; live: boolean }) {
  return <HealthBadge health={useOverview(planId, initial).data.health} live={live} />;
}

/** "3 to go" beside the checklists' entry in the section navigation, kept current with the gate. */
export function OutstandingNote({ planId, initial }: { planId: string; initial: OverviewReading }) {
  const { outstanding } = useOverview(planId, initial).data;
  return outstanding > 0 ? <>{outstanding} to go</> : null;
}

/**
 * The first thing on a plan page: the phase that matters now, its gate and what blocks it. It
 * re-reads itself when the live stream says a checklist was ticked, an approval given or samples
 * arrived, without re-rendering the rest of the page.
 */
export function NowPanel({
  planId,
  initial,
  canEdit = false,
  hasCanary = false,
}: {
  planId: string;
  initial: OverviewReading;
  canEdit?: boolean;
  /** The page shows the canary against its baseline (#canary), for the canary criterion to link to. */
  hasCanary?: boolean;
}) {
  const { data: view, isError } = useOverview(planId, initial);
  const { phase } = view;
  if (!phase) {
    return (
      <Card title="Now">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This plan has no phases yet. Phases are added when the plan is edited.
        </p>
      </Card>
    );
  }
  return (
    <Card title={phase.status === "active" ? "Active phase" : "Phase in focus"} id="now">
      {isError ? <StaleNotice what="The overview" /> : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <PhaseColumn planId={planId} view={view} phase={phase} canEdit={canEdit} />
        <GateColumn view={view} finishedPhase={phase.finished} />
        <CriteriaColumn view={view} hasCanary={hasCanary} />
      </div>
    </Card>
  );
}

type FocusPhase = NonNullable<OverviewReading["phase"]>;

/** The phase itself: audience, traffic, when it started and ends, the next milestone. */
function PhaseColumn({
  planId,
  view,
  phase,
  canEdit,
}: {
  planId: string;
  view: OverviewReading;
  phase: FocusPhase;
  canEdit: boolean;
}) {
  const now = new Date(view.readAt);
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
          <dd>{phase.actualStartAt ? <RelativeTime date={new Date(phase.actualStartAt)} now={now} /> : "Not yet"}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-600 dark:text-slate-400">Planned end</dt>
          <dd>{phase.plannedEndAt ? <RelativeTime date={new Date(phase.plannedEndAt)} now={now} /> : "Not set"}</dd>
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
      {view.autoAdvance ? (
        <AutoAdvanceLine planId={planId} view={view} verdict={view.autoAdvance} phase={phase} canEdit={canEdit} />
      ) : null}
    </div>
  );
}

/** The gate out of the phase: approvals, the go/no-go lists' progress, and what blocks it in words. */
function GateColumn({ view, finishedPhase }: { view: OverviewReading; finishedPhase: boolean }) {
  const { gate } = view;
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold">Gate{gate.nextPhase ? ` to ${gate.nextPhase}` : ""}</h3>
      {gate.approvals ? (
        <div className="text-sm">
          <div className="flex justify-between">
            <span>Approvals ({gate.approvals.roles})</span>
            <span className="tabular-nums">
              {gate.approvals.live}/{gate.approvals.required}
            </span>
          </div>
          {gate.approvals.names.length > 0 ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">{gate.approvals.names.join(", ")}</p>
          ) : null}
        </div>
      ) : null}
      {gate.lists.map((l) => (
        <div key={l.id} className="space-y-1 text-sm">
          <div className="flex justify-between">
            <span>{l.title}</span>
            <span className="tabular-nums">
              {l.settled}/{l.total}
            </span>
          </div>
          <ProgressBar value={l.ratio} label={`${l.title} progress`} tone={l.blocked > 0 ? "amber" : "accent"} />
        </div>
      ))}
      {finishedPhase ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">This phase is history; its gate no longer applies.</p>
      ) : gate.blockers.length === 0 ? (
        <p className="text-sm text-emerald-700 dark:text-emerald-300">Nothing blocks this gate.</p>
      ) : (
        <div>
          <h4 className="text-xs font-medium tracking-wide text-slate-600 uppercase dark:text-slate-400">
            What blocks it
          </h4>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm" data-testid="gate-blockers">
            {gate.blockers.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {!finishedPhase && gate.warnings.length > 0 ? (
        <ul className="space-y-1 text-sm text-amber-800 dark:text-amber-300" data-testid="gate-warnings">
          {gate.warnings.map((w) => (
            <li key={w}>
              <span className="font-medium">Warning:</span> {w}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The phase's success criteria, each with the gate's verdict and the reading behind it. */
function CriteriaColumn({ view, hasCanary }: { view: OverviewReading; hasCanary: boolean }) {
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-semibold">Success criteria</h3>
      {view.criteria.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">None set for this phase.</p>
      ) : (
        <ul className="space-y-2 text-sm">
          {view.criteria.map((c) => (
            <li key={c.id}>
              <div>{c.text}</div>
              <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
                {c.met !== null ? <Badge tone={c.met ? "green" : "amber"}>{c.met ? "Met" : "Not met"}</Badge> : null}
                <span>
                  {c.detail}
                  {c.canary && hasCanary ? (
                    // The judge's own sentence says why not; the panel below shows its evidence.
                    <>
                      {" "}
                      ·{" "}
                      <a href="#canary" className="underline">
                        canary against baseline
                      </a>
                    </>
                  ) : null}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Whether the phase advances by itself, what it waits for, and the switch for release managers. */
function AutoAdvanceLine({
  planId,
  view,
  verdict,
  phase,
  canEdit,
}: {
  planId: string;
  view: OverviewReading;
  verdict: NonNullable<OverviewReading["autoAdvance"]>;
  phase: FocusPhase;
  canEdit: boolean;
}) {
  const fields = { planId, version: view.planVersion, phaseId: phase.id };
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
          {verdict.message}
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
