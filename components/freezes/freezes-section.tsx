import { removeFreezeAction } from "@/app/projects/freeze-actions";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import { Badge } from "@/components/ui/badge";
import { FreezeForm } from "./freeze-form";

export interface FreezeItem {
  id: string;
  name: string;
  description: string;
  when: string;
  active: boolean;
}

/** The freezes of a project (or of the instance), each in words with its next window; add and remove when allowed. */
export function FreezesSection({
  projectId,
  freezes,
  canEdit,
}: {
  projectId: string | null;
  freezes: FreezeItem[];
  canEdit: boolean;
}) {
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        During a change freeze go decisions are refused and automatic advance waits; no-go and rollback are always
        allowed. In an emergency a release manager and an admin together may let one go through.
      </p>
      {freezes.length === 0 ? (
        <p className="text-sm">No change freezes{projectId ? " for this project" : " for the whole instance"}.</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="freeze-list">
          {freezes.map((f) => (
            <li key={f.id} className="space-y-1 py-3">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium break-words">{f.name}</span>
                {f.active ? <Badge tone="amber">On now</Badge> : null}
              </div>
              <p className="text-sm break-words">{f.description}</p>
              <p className="text-sm text-slate-600 dark:text-slate-400">{f.when}</p>
              {canEdit ? (
                <ConfirmRemove
                  action={removeFreezeAction}
                  fields={{ freezeId: f.id }}
                  name={f.name}
                  consequence="Plans it holds may go ahead again; the audit trail keeps it."
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <div className="space-y-2">
          <h3 className="text-sm font-semibold">Add a freeze</h3>
          <FreezeForm projectId={projectId} />
        </div>
      ) : null}
    </div>
  );
}
