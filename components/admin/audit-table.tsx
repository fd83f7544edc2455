import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { AuditRow } from "@/lib/queries/audit";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { TableHead } from "@/components/ui/table";

const actorTone = { user: "accent", token: "grey", system: "amber" } as const;

function summarise(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export function AuditTable({ rows, now }: { rows: AuditRow[]; now: Date }) {
  return (
    <ScrollRegion
      label="Audit events"
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Audit events, newest first</caption>
        <TableHead look="banded" cell="px-3 py-2 font-medium" columns={["When", "Who", "What", "Plan", "Change"]} />
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" className="align-top">
              <td className="px-3 py-2 text-xs whitespace-nowrap">
                <RelativeTime date={r.createdAt} now={now} />
              </td>
              <td className="px-3 py-2">
                <div className="flex items-center gap-2">
                  <Badge tone={actorTone[r.actorKind]}>{r.actorKind}</Badge>
                  <span>{r.actorLabel}</span>
                </div>
              </td>
              <td className="px-3 py-2">
                <code className="text-xs">{r.action}</code>
                <div className="text-xs text-slate-600 dark:text-slate-400">
                  {r.entityType} {r.entityId.slice(0, 8)}
                </div>
              </td>
              <td className="px-3 py-2 text-xs">{r.planName ?? "—"}</td>
              <td className="max-w-md px-3 py-2 font-mono text-xs break-words text-slate-700 dark:text-slate-300">
                {r.before ? <div>before {summarise(r.before)}</div> : null}
                {r.after ? <div>after {summarise(r.after)}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
