"use client";

import { StaleNotice } from "@/components/live/stale-notice";
import { useLiveReading } from "@/components/live/use-live-reading";
import { Badge } from "@/components/ui/badge";
import { ProgressBar } from "@/components/ui/progress-bar";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ItemState, ProjectRole } from "@/db/schema/enums";
import { describeRoles } from "@/lib/domain/gate-summary";
import { checklistKindLabel, validationWindowLabel } from "@/lib/domain/labels";
import { queryKeys } from "@/lib/live/query-keys";
import type { ChecklistReading } from "@/lib/queries/plan-readings";
import { AddItemForm, ItemControls, ItemEditor, SignButton } from "./item-controls";

/** What the person viewing the page may do to a plan's checklists (null: only read them). */
export interface ChecklistPermissions {
  canTick: boolean;
  canEdit: boolean;
  canSign: boolean;
  /** The roles the person holds in the plan's project. */
  roles: readonly ProjectRole[];
  members: { id: string; name: string }[];
}

const stateBadge: Record<ItemState, { tone: "green" | "grey" | "amber" | "accent"; label: string }> = {
  done: { tone: "green", label: "Done" },
  not_applicable: { tone: "grey", label: "N/A" },
  blocked: { tone: "amber", label: "Blocked" },
  open: { tone: "accent", label: "Open" },
};

type Reading = ChecklistReading;
type Item = Reading["items"][number];

/**
 * One checklist: its items with their controls, its progress and its sign-offs. It re-reads itself
 * when the live stream says this list was ticked, signed or edited, by anyone, without re-rendering
 * the rest of the page. Lists that still need something (items or a sign-off) stay open; finished
 * ones fold away.
 */
export function LiveChecklist({
  planId,
  initial,
  perms,
}: {
  planId: string;
  initial: Reading;
  perms: ChecklistPermissions | null;
}) {
  const { data: list, isError } = useLiveReading(
    queryKeys.checklist(planId, initial.id),
    `/plans/${planId}/checklists/${initial.id}`,
    "The checklist",
    initial,
  );
  const may = list.history ? null : perms;
  const live = list.signOffs.filter((s) => !s.voided);
  const awaitingSignOff = list.requiredSignoffRoles.some((r) => !live.some((s) => s.role === r));
  const editable = Boolean(may?.canEdit) && live.length === 0;
  return (
    <details
      className="group rounded-md border border-slate-200 dark:border-slate-800"
      open={!list.progress.complete || awaitingSignOff}
    >
      <Summary list={list} />
      {isError ? <StaleNotice what="The list" className="px-3 pb-2" /> : null}
      <ul className="divide-y divide-slate-100 border-t border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
        {list.items.map((item, index) => (
          <ItemRow
            key={item.id}
            planId={planId}
            item={item}
            now={new Date(list.readAt)}
            perms={may}
            editable={editable}
            first={index === 0}
            last={index === list.items.length - 1}
          />
        ))}
      </ul>
      {editable ? (
        <div className="border-t border-slate-200 px-3 py-2 dark:border-slate-800">
          <AddItemForm planId={planId} checklistId={list.id} />
        </div>
      ) : null}
      {list.requiredSignoffRoles.length > 0 ? <SignOffs planId={planId} list={list} perms={may} /> : null}
    </details>
  );
}

/** The list's title, kind, window and due time, and its progress bar. */
function Summary({ list }: { list: Reading }) {
  const { progress } = list;
  const settled = progress.done + progress.notApplicable;
  return (
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
          {list.dueAt ? (
            <>
              {" · due "}
              <RelativeTime date={new Date(list.dueAt)} now={new Date(list.readAt)} />
            </>
          ) : null}
          {list.phaseName ? ` · ${list.phaseName}` : " · whole plan"}
        </div>
      </div>
      <div className="w-full sm:w-48">
        <div className="mb-1 flex justify-between text-xs">
          <span>
            {settled}/{progress.total} settled
          </span>
          {progress.blocked > 0 ? (
            <span className="text-amber-700 dark:text-amber-300">{progress.blocked} blocked</span>
          ) : null}
        </div>
        <ProgressBar
          value={progress.ratio}
          label={`${list.title}: ${settled} of ${progress.total} settled`}
          tone={progress.complete ? "green" : progress.blocked ? "amber" : "accent"}
        />
      </div>
    </summary>
  );
}

function ItemRow({
  planId,
  item,
  now,
  perms,
  editable,
  first,
  last,
}: {
  planId: string;
  item: Item;
  now: Date;
  perms: ChecklistPermissions | null;
  editable: boolean;
  first: boolean;
  last: boolean;
}) {
  return (
    <li className="flex flex-col gap-1 px-3 py-2 sm:flex-row sm:items-start sm:justify-between">
      <div>
        <DueBadge status={item.due} />
        <span>{item.text}</span>
        {!item.required ? <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">(optional)</span> : null}
        {item.reason ? <div className="text-xs text-slate-600 dark:text-slate-400">Reason: {item.reason}</div> : null}
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
        {item.updatedAt && item.state !== "open" ? <RelativeTime date={new Date(item.updatedAt)} now={now} /> : null}
        {editable && perms ? (
          <ItemEditor
            planId={planId}
            itemId={item.id}
            text={item.text}
            required={item.required}
            assigneeRole={item.assigneeRole}
            assigneeUserId={item.assigneeUserId}
            members={perms.members}
            first={first}
            last={last}
          />
        ) : null}
        {perms?.canTick ? (
          <ItemControls planId={planId} itemId={item.id} state={item.state} text={item.text} />
        ) : (
          <Badge tone={stateBadge[item.state].tone}>{stateBadge[item.state].label}</Badge>
        )}
      </div>
    </li>
  );
}

/** Who must sign the list off, who has, and the button for a person who may and has not yet. */
function SignOffs({ planId, list, perms }: { planId: string; list: Reading; perms: ChecklistPermissions | null }) {
  const live = list.signOffs.filter((s) => !s.voided);
  // The first role the person could sign with: required by the list, held, and not signed yet.
  const role = perms?.canSign
    ? perms.roles.find((r) => list.requiredSignoffRoles.includes(r) && !live.some((s) => s.role === r))
    : undefined;
  const voided = list.signOffs.filter((s) => s.voided);
  return (
    <div className="border-t border-slate-200 px-3 py-2 text-xs dark:border-slate-800">
      {role ? (
        <div className="mb-2">
          <SignButton planId={planId} checklistId={list.id} role={describeRoles([role])} />
        </div>
      ) : null}
      {voided.length > 0 && live.length === 0 ? (
        <div className="mb-1 text-amber-800 dark:text-amber-300">
          Sign-off voided: {voided.at(-1)?.voidReason ?? "an item changed"}
        </div>
      ) : null}
      Sign-off by {describeRoles(list.requiredSignoffRoles)}:{" "}
      {live.length === 0 ? (
        <span className="text-slate-600 dark:text-slate-400">not signed yet</span>
      ) : (
        live.map((s) => (
          <span key={s.id} className="mr-2">
            ✓ {s.userName} ({describeRoles([s.role])}),{" "}
            <RelativeTime date={new Date(s.signedAt)} now={new Date(list.readAt)} />
          </span>
        ))
      )}
    </div>
  );
}

function DueBadge({ status }: { status: Item["due"] }) {
  if (status !== "overdue" && status !== "due") return null;
  return (
    <span className="mr-2">
      {status === "overdue" ? <Badge tone="red">Overdue</Badge> : <Badge tone="amber">Due now</Badge>}
    </span>
  );
}
