import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ItemState } from "@/db/schema/enums";
import { describeRoles } from "@/lib/domain/gate-summary";
import { checklistKindLabel, validationWindowLabel } from "@/lib/domain/labels";
import type { PlanChecklist, PlanView } from "@/lib/queries/plan";
import { AddItemForm, ItemControls, ItemEditor, SignButton } from "@/components/checklist/item-controls";
import { dueStatus, windowTiming } from "@/lib/domain/validation-windows";
import type { ProjectRole } from "@/db/schema/enums";

export interface ChecklistPermissions {
  canTick: boolean;
  canEdit: boolean;
  members: { id: string; name: string }[];
  /** Roles the viewer could sign with (required by a list and held), per list id. */
  signRoles: (list: PlanChecklist) => ProjectRole[];
}

const stateBadge: Record<ItemState, { tone: "green" | "grey" | "amber" | "accent"; label: string }> = {
  done: { tone: "green", label: "Done" },
  not_applicable: { tone: "grey", label: "N/A" },
  blocked: { tone: "amber", label: "Blocked" },
  open: { tone: "accent", label: "Open" },
};

function ChecklistBlock({
  list,
  now,
  phaseName,
  phaseStartedAt,
  planId,
  perms,
}: {
  list: PlanChecklist;
  now: Date;
  phaseName: string | null;
  phaseStartedAt: Date | null;
  planId: string;
  perms: ChecklistPermissions | null;
}) {
  const timing = list.window && phaseStartedAt ? windowTiming(list.window, phaseStartedAt) : null;
  const { progress } = list;
  const liveSignOffs = list.signOffs.filter((s) => !s.voidedAt);
  const awaitingSignOff = list.requiredSignoffRoles.some((r) => !liveSignOffs.some((s) => s.role === r));
  // Lists that still need something (items or a sign-off) stay open; finished ones fold away.
  return (
    <details
      className="group rounded-md border border-slate-200 dark:border-slate-800"
      open={!progress.complete || awaitingSignOff}
    >
      <summary className="flex cursor-pointer list-none flex-col gap-2 p-3 sm:flex-row sm:items-center sm:justify-between">
        <div>
          <div className="font-medium">
            <span aria-hidden="true" className="mr-1 inline-block transition-transform group-open:rotate-90">
              ›
            </span>
            {list.title}
          </div>
          <div className="text-xs text-slate-600 dark:text-slate-400">
            {checklistKindLabel[list.kind]}
            {list.window ? ` · ${validationWindowLabel[list.window]}` : ""}
            {timing ? (
              <>
                {" · due "}
                <RelativeTime date={timing.dueAt} now={now} />
              </>
            ) : null}
            {phaseName ? ` · ${phaseName}` : " · whole plan"}
          </div>
        </div>
        <div className="w-full sm:w-48">
          <div className="mb-1 flex justify-between text-xs">
            <span>
              {progress.done + progress.notApplicable}/{progress.total} settled
            </span>
            {progress.blocked > 0 ? (
              <span className="text-amber-700 dark:text-amber-300">{progress.blocked} blocked</span>
            ) : null}
          </div>
          <ProgressBar
            value={progress.ratio}
            label={`${list.title}: ${progress.done + progress.notApplicable} of ${progress.total} settled`}
            tone={progress.complete ? "green" : progress.blocked ? "amber" : "accent"}
          />
        </div>
      </summary>
      <ul className="divide-y divide-slate-100 border-t border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
        {list.items.map((item, index) => (
          <li key={item.id} className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-start sm:justify-between">
            <div>
              {list.window ? <DueBadge status={dueStatus(list.window, phaseStartedAt, item.state, now)} /> : null}
              <span>{item.text}</span>
              {!item.required ? (
                <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">(optional)</span>
              ) : null}
              {item.reason ? (
                <div className="text-xs text-slate-600 dark:text-slate-400">Reason: {item.reason}</div>
              ) : null}
              {item.evidenceUrl ? (
                <div className="text-xs">
                  <a
                    className="text-accent-700 underline dark:text-accent-300"
                    href={item.evidenceUrl}
                    rel="noreferrer noopener"
                    target="_blank"
                  >
                    Evidence
                  </a>
                </div>
              ) : null}
            </div>
            <div className="flex shrink-0 items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
              {item.assigneeUserId ? (
                <span>{perms?.members.find((m) => m.id === item.assigneeUserId)?.name ?? "assigned person"}</span>
              ) : item.assigneeRole ? (
                <span>{describeRoles([item.assigneeRole])}</span>
              ) : null}
              {item.updatedAt && item.state !== "open" ? <RelativeTime date={item.updatedAt} now={now} /> : null}
              {perms?.canEdit && !liveSignOffs.length ? (
                <ItemEditor
                  planId={planId}
                  itemId={item.id}
                  text={item.text}
                  required={item.required}
                  assigneeRole={item.assigneeRole}
                  assigneeUserId={item.assigneeUserId}
                  members={perms.members}
                  first={index === 0}
                  last={index === list.items.length - 1}
                />
              ) : null}
              {perms?.canTick ? (
                <ItemControls planId={planId} itemId={item.id} state={item.state} text={item.text} />
              ) : (
                <Badge tone={stateBadge[item.state].tone}>{stateBadge[item.state].label}</Badge>
              )}
            </div>
          </li>
        ))}
      </ul>
      {perms?.canEdit && !liveSignOffs.length ? (
        <div className="border-t border-slate-200 px-3 py-2 dark:border-slate-800">
          <AddItemForm planId={planId} checklistId={list.id} />
        </div>
      ) : null}
      {list.requiredSignoffRoles.length > 0 ? (
        <div className="border-t border-slate-200 px-3 py-2 text-xs dark:border-slate-800">
          {perms
            ? perms
                .signRoles(list)
                .slice(0, 1)
                .map((role) => (
                  <div key={role} className="mb-2">
                    <SignButton planId={planId} checklistId={list.id} role={describeRoles([role])} />
                  </div>
                ))
            : null}
          {list.signOffs.some((s) => s.voidedAt) && liveSignOffs.length === 0 ? (
            <div className="mb-1 text-amber-800 dark:text-amber-300">
              Sign-off voided: {list.signOffs.filter((s) => s.voidedAt).at(-1)?.voidReason ?? "an item changed"}
            </div>
          ) : null}
          Sign-off by {describeRoles(list.requiredSignoffRoles)}:{" "}
          {liveSignOffs.length === 0 ? (
            <span className="text-slate-600 dark:text-slate-400">not signed yet</span>
          ) : (
            liveSignOffs.map((s) => (
              <span key={s.id} className="mr-2">
                ✓ {s.user.name} ({describeRoles([s.role])}), <RelativeTime date={s.signedAt} now={now} />
              </span>
            ))
          )}
        </div>
      ) : null}
    </details>
  );
}

/** A go/no-go list of a phase that has passed, failed or rolled back is history: no controls. */
function isHistory(list: PlanChecklist, view: PlanView): boolean {
  if (list.kind !== "go_no_go" || !list.phaseId) return false;
  const status = view.plan.phases.find((p) => p.id === list.phaseId)?.status;
  return status !== "pending" && status !== "active";
}

function DueBadge({ status }: { status: ReturnType<typeof dueStatus> }) {
  if (status === "overdue")
    return (
      <span className="mr-2">
        <Badge tone="red">Overdue</Badge>
      </span>
    );
  if (status === "due")
    return (
      <span className="mr-2">
        <Badge tone="amber">Due now</Badge>
      </span>
    );
  return null;
}

export function ChecklistsPanel({
  view,
  now,
  perms = null,
}: {
  view: PlanView;
  now: Date;
  perms?: ChecklistPermissions | null;
}) {
  const phaseName = new Map(view.plan.phases.map((p) => [p.id, p.name]));
  return (
    <Card title="Checklists" id="checklists">
      {view.checklists.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No checklists yet. Plans built from a template start with pre-deployment, go/no-go and validation lists.
        </p>
      ) : (
        <div className="space-y-2">
          {view.checklists.map((c) => (
            <ChecklistBlock
              key={c.id}
              list={c}
              now={now}
              phaseName={c.phaseId ? (phaseName.get(c.phaseId) ?? null) : null}
              phaseStartedAt={
                c.phaseId ? (view.plan.phases.find((p) => p.id === c.phaseId)?.actualStartAt ?? null) : null
              }
              planId={view.plan.id}
              perms={isHistory(c, view) ? null : perms}
            />
          ))}
        </div>
      )}
    </Card>
  );
}
