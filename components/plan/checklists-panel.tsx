import { type ChecklistPermissions, LiveChecklist } from "@/components/checklist/live-checklist";
import { Card } from "@/components/ui/card";
import type { ChecklistReading } from "@/lib/queries/plan-readings";

export type { ChecklistPermissions };

/** The plan's checklists, each of which keeps itself current (components/checklist/live-checklist.tsx). */
export function ChecklistsPanel({
  planId,
  checklists,
  perms = null,
}: {
  planId: string;
  checklists: ChecklistReading[];
  perms?: ChecklistPermissions | null;
}) {
  return (
    <Card title="Checklists" id="checklists">
      {checklists.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No checklists yet. Plans built from a template start with pre-deployment, go/no-go and validation lists.
        </p>
      ) : (
        <div className="space-y-2">
          {checklists.map((c) => (
            <LiveChecklist key={c.id} planId={planId} initial={c} perms={perms} />
          ))}
        </div>
      )}
    </Card>
  );
}
