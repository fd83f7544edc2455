import { removeLevelAction } from "@/app/plans/planning-actions";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import { Disclosure, Named } from "@/components/ui/disclosure";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { TableHead } from "@/components/ui/table";
import { byLevel, escalationAt } from "@/lib/domain/risk";
import { formatDuration } from "@/lib/domain/time";
import { LevelForm, type LevelValues } from "./escalation-forms";
import { ScrollRegion } from "@/components/ui/scroll-region";

// The escalation matrix: who is called after how many minutes of an incident. While an incident
// is open, the level whose time has come is marked and the next one is announced.

export interface OpenIncident {
  title: string;
  detectedAt: Date;
}

const after = (minutes: number) => (minutes === 0 ? "At once" : `After ${formatDuration(minutes * 60_000)}`);

export function EscalationCard({
  planId,
  levels,
  incident,
  now,
  canEdit,
}: {
  planId: string;
  levels: LevelValues[];
  incident: OpenIncident | null;
  now: Date;
  canEdit: boolean;
}) {
  const ordered = byLevel(levels);
  const elapsed = incident ? Math.max(0, Math.floor((now.getTime() - incident.detectedAt.getTime()) / 60_000)) : null;
  const state = elapsed === null ? null : escalationAt(ordered, elapsed);
  const last = ordered.at(-1);
  return (
    <Card title="Escalation" id="escalation">
      {incident && state && elapsed !== null && ordered.length ? (
        <p
          className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 dark:bg-red-950/50 dark:text-red-200"
          data-testid="escalation-now"
        >
          “{incident.title}” has been open {formatDuration(elapsed * 60_000)}:{" "}
          {state.current ? `level ${state.current.level}, ${state.current.who}, is called` : "no level is called yet"}
          {state.next
            ? `; level ${state.next.level.level}, ${state.next.level.who}, in ${formatDuration(state.next.inMinutes * 60_000)}.`
            : "; this is the last level."}
        </p>
      ) : null}
      {ordered.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {canEdit
            ? "No escalation levels. Add who is called, and after how many minutes, when an incident is not resolved."
            : "No escalation levels for this plan."}
        </p>
      ) : (
        <ScrollRegion label="Escalation levels" className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="escalation-table">
            <TableHead
              cell="py-1 pr-2 font-medium"
              columns={["Level", "Who", "When", "Contact", canEdit ? { label: "Changes", className: "sr-only" } : null]}
            />
            <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
              {ordered.map((l) => (
                <tr key={l.id} data-testid="escalation-level">
                  <td className="py-2 pr-2 align-top tabular-nums">{l.level}</td>
                  <th scope="row" className="py-2 pr-2 align-top font-medium">
                    {l.who}
                    {state?.current?.id === l.id ? (
                      <>
                        {" "}
                        <Badge tone="red">Called now</Badge>
                      </>
                    ) : null}
                  </th>
                  <td className="py-2 pr-2 align-top whitespace-nowrap">{after(l.afterMinutes)}</td>
                  <td className="py-2 pr-2 align-top text-slate-700 dark:text-slate-300">{l.contact || "—"}</td>
                  {canEdit ? (
                    <td className="space-y-1 py-2 align-top">
                      <Disclosure summary={<Named verb="Edit" name={`level ${l.level}`} />}>
                        <LevelForm planId={planId} level={l} />
                      </Disclosure>
                      <ConfirmRemove
                        action={removeLevelAction}
                        fields={{ planId, levelId: l.id }}
                        name={`level ${l.level}`}
                        consequence={`${l.who} will no longer be called for this plan's incidents.`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {canEdit ? (
        <div className="mt-3">
          <Disclosure summary="Add a level">
            <LevelForm
              planId={planId}
              nextLevel={last ? { level: last.level + 1, afterMinutes: last.afterMinutes * 2 || 15 } : undefined}
            />
          </Disclosure>
        </div>
      ) : null}
    </Card>
  );
}
