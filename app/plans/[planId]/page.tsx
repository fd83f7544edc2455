import { Badge } from "@/components/ui/badge";
import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound } from "next/navigation";
import { FlagsPanel } from "@/components/flags/plan-flags-panel";
import { CommsPanel } from "@/components/comms/comms-panel";
import { CanaryPanel } from "@/components/plan/canary-panel";
import { ChecklistsPanel } from "@/components/plan/checklists-panel";
import { DecisionsPanel, IncidentsPanel } from "@/components/plan/history-panel";
import { KpiPanel } from "@/components/plan/kpi-panel";
import { LiveRefresh } from "@/components/plan/live-refresh";
import { NowPanel, OutstandingNote, OverviewHealth } from "@/components/plan/now-panel";
import { PlanningPanels } from "@/components/planning/planning-panels";
import { PlanControls } from "@/components/plan/plan-controls";
import { type PlanSection, SectionNav } from "@/components/plan/section-nav";
import { TriggersPanel } from "@/components/plan/triggers-panel";
import { LiveTimeline } from "@/components/timeline/live-timeline";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { PlanStatusBadge } from "@/components/ui/status-badges";
import { commsDataFor, commsFactsOf } from "@/lib/domain/comms";
import { strategyLabel } from "@/lib/domain/labels";
import { formatPercent } from "@/lib/domain/milestones";
import { isLive } from "@/lib/domain/rollout";
import { flagsBoundToPlan } from "@/lib/queries/flags";
import { loadPlanView, planProjectId, planTitle } from "@/lib/queries/plan";
import { projectMembers } from "@/lib/queries/projects";
import { readWithDatabase } from "@/lib/queries/read";
import { rolesIn, userCan } from "@/lib/auth/actor";
import { TERMINAL } from "@/lib/domain/lifecycle";
import { checklistReadingsOf, overviewReadingOf, timelineReadingOf } from "@/lib/queries/plan-readings";
import { requireUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

// A section of the page, under its anchor in the sticky navigation (globals.css keeps a jumped-to
// anchor clear of the bar).
const SECTION = "space-y-6";

type Props = { params: Promise<{ planId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { planId } = await params;
  const result = await readWithDatabase(async (db) => ({
    user: await requireUser(),
    plan: await planTitle(db, planId),
  }));
  const plan = result.ok ? result.data.plan : undefined;
  return {
    title:
      result.ok && plan && userCan(result.data.user, "plan:read", plan.projectId)
        ? `${plan.name} ${plan.releaseVersion}`
        : "Plan",
  };
}

export default async function PlanPage({ params }: Props) {
  const { planId } = await params;
  const now = new Date();
  const result = await readWithDatabase(async (db) => {
    const user = await requireUser();
    // Who may read it before the view is read (reading it keeps the phases' readings).
    const projectId = await planProjectId(db, planId);
    if (projectId === null || !userCan(user, "plan:read", projectId))
      return { user, projectId, view: null, members: [], flags: null };
    const view = await loadPlanView(db, planId, now);
    const members =
      view && (userCan(user, "checklist:edit", view.plan.projectId) || userCan(user, "risk:edit", view.plan.projectId))
        ? await projectMembers(db, view.plan.projectId)
        : [];
    const flags =
      view && userCan(user, "flag:read", view.plan.projectId) ? await flagsBoundToPlan(db, view.plan.id) : null;
    return { user, projectId, view, members, flags };
  });
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  const { user, projectId, view, members, flags } = result.data;
  if (projectId === null) notFound();
  if (!userCan(user, "plan:read", projectId)) forbidden();
  if (!view) notFound();
  const { plan } = view;
  const canReadAudit = userCan(user, "audit:read", plan.projectId);
  const finished = TERMINAL.includes(plan.status);
  const checklistPerms = finished
    ? null
    : {
        canTick: userCan(user, "checklist:tick", plan.projectId),
        canEdit: userCan(user, "checklist:edit", plan.projectId),
        canSign: userCan(user, "checklist:sign", plan.projectId),
        roles: rolesIn(user, plan.projectId),
        members: members.map((m) => ({ id: m.userId, name: m.name })),
      };
  // The parts an open page re-reads by itself, as their routes answer them.
  const overview = overviewReadingOf(view, now);

  const openIncidents = plan.incidents.filter((i) => i.status !== "resolved").length;
  const sections: PlanSection[] = [
    { id: "overview", label: "Overview" },
    {
      id: "checklists",
      label: "Checklists",
      note: <OutstandingNote planId={plan.id} initial={overview} />,
    },
    { id: "kpis", label: "KPIs and judgement" },
    ...(flags ? [{ id: "flags", label: "Flags" }] : []),
    { id: "planning", label: "Planning" },
    { id: "history", label: "History", note: openIncidents > 0 ? `${openIncidents} open` : undefined },
  ];

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600 dark:text-slate-400">
        <Link href="/" className="hover:underline">
          Portfolio
        </Link>{" "}
        / <span>{plan.project.name}</span>
        {canReadAudit ? (
          <>
            {" "}
            ·{" "}
            <Link
              href={`/projects/${plan.project.slug}/audit?plan=${plan.id}`}
              className="hover:underline"
              data-testid="plan-audit-link"
            >
              Audit trail
            </Link>
          </>
        ) : null}{" "}
        · Export{" "}
        <a
          href={`/plans/${plan.id}/export?format=markdown`}
          download
          className="hover:underline"
          data-testid="plan-export-markdown"
        >
          Markdown
        </a>{" "}
        /{" "}
        <a
          href={`/plans/${plan.id}/export?format=json`}
          download
          className="hover:underline"
          data-testid="plan-export-json"
        >
          JSON
        </a>
      </nav>
      <header className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">
            {plan.name} <span className="font-normal text-slate-500 dark:text-slate-400">v{plan.releaseVersion}</span>
          </h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-700 dark:text-slate-300">{plan.summary}</p>
          <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
            <PlanStatusBadge status={plan.status} />
            <OverviewHealth planId={plan.id} initial={overview} live={isLive(plan.status)} />
            <LiveRefresh planId={plan.id} />
            {plan.kind === "rollback_runbook" ? (
              <Badge tone="grey" title="Its phases are the steps of rolling back: they move no traffic">
                Rollback runbook
              </Badge>
            ) : null}
            <span>{strategyLabel[plan.strategy]}</span>
            <span aria-hidden="true">·</span>
            <span>{plan.downtime === "zero" ? "Zero downtime" : "Maintenance window"}</span>
            {plan.owner ? (
              <>
                <span aria-hidden="true">·</span>
                <span>Owner {plan.owner.name}</span>
              </>
            ) : null}
          </div>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white px-4 py-2 text-right dark:border-slate-800 dark:bg-slate-900">
          <div className="text-xs text-slate-600 dark:text-slate-400">Traffic on this release</div>
          <div className="text-3xl font-semibold tabular-nums" data-testid="plan-traffic">
            {formatPercent(view.trafficPercent)}
          </div>
        </div>
      </header>

      <SectionNav sections={sections} />

      <div id="overview" className={SECTION}>
        <NowPanel
          planId={plan.id}
          initial={overview}
          canEdit={!finished && userCan(user, "plan:edit", plan.projectId)}
          hasCanary={view.canary !== null}
        />
        <PlanControls view={view} user={user} />
        <Card title="Timeline" id="timeline">
          <LiveTimeline planId={plan.id} initial={timelineReadingOf(plan, view.phaseHealth, now)} />
        </Card>
      </div>

      <div className={SECTION}>
        <ChecklistsPanel planId={plan.id} checklists={checklistReadingsOf(plan, now)} perms={checklistPerms} />
      </div>

      <div id="kpis" className={SECTION}>
        <KpiPanel view={view} />
        {view.canary ? <CanaryPanel canary={view.canary} now={now} /> : null}
        <TriggersPanel view={view} now={now} />
      </div>

      {flags ? (
        <div className={SECTION}>
          <FlagsPanel
            flags={flags}
            canEdit={userCan(user, "flag:edit", plan.projectId)}
            projectSlug={plan.project.slug}
            now={now}
          />
        </div>
      ) : null}

      <div id="planning" className={SECTION}>
        <PlanningPanels
          plan={plan}
          perms={{
            canEditRisks: userCan(user, "risk:edit", plan.projectId),
            canEditMigration: userCan(user, "migration:edit", plan.projectId),
            members: members.map((m) => ({ id: m.userId, name: m.name })),
          }}
          now={now}
        />
        <CommsPanel
          planId={plan.id}
          entries={plan.commsEntries}
          data={commsDataFor(commsFactsOf(plan))}
          canEdit={!finished && userCan(user, "comms:edit", plan.projectId)}
        />
      </div>

      <div id="history" className="grid items-start gap-6 lg:grid-cols-2">
        <IncidentsPanel view={view} now={now} canEdit={userCan(user, "incident:edit", plan.projectId)} />
        <DecisionsPanel view={view} now={now} />
      </div>
    </div>
  );
}
