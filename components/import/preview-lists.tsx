"use client";

import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { PlanImportPreview } from "@/lib/domain/plan-markdown/schema";
import { ScrollRegion } from "@/components/ui/scroll-region";

type Doc = PlanImportPreview;
export type Update = (change: (doc: Doc) => Doc) => void;

/** Takes one thing out of the preview; `label` names it for screen readers, as the row shows it. */
export function RemoveButton({
  label,
  text = "Remove",
  onRemove,
}: {
  label: string;
  text?: string;
  onRemove: () => void;
}) {
  return (
    <button
      type="button"
      className="rounded px-2 py-1 text-xs text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-accent-500 dark:text-red-300 dark:hover:bg-red-950/50"
      onClick={onRemove}
      aria-label={label}
    >
      {text}
    </button>
  );
}

const kindLabel: Record<Doc["checklists"][number]["kind"], string> = {
  pre_deployment: "Pre-deployment",
  go_no_go: "Go/no-go",
  post_deployment: "Post-deployment validation",
  post_rollback: "Post-rollback",
};
const windowLabel = {
  immediate: "immediate (0–30 min)",
  short_term: "short-term (30 min–4 h)",
  long_term: "long-term (4–24 h)",
} as const;
const sign = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as const;

const without = <T,>(list: T[], index: number) => list.filter((_, i) => i !== index);

export function ChecklistsPreview({ doc, update }: { doc: Doc; update: Update }) {
  const removeItem = (c: number, item: number) =>
    update((d) => ({
      ...d,
      checklists: d.checklists.map((list, i) => (i === c ? { ...list, items: without(list.items, item) } : list)),
    }));
  return (
    <Card title={`Checklists (${doc.checklists.length})`}>
      {doc.checklists.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No task lists or checklist sections were found.</p>
      ) : null}
      <ul className="space-y-3">
        {doc.checklists.map((c, ci) => (
          <li
            key={ci}
            className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
            data-testid="import-checklist"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-medium">{c.title}</span>
                <Badge tone="accent">{kindLabel[c.kind]}</Badge>
                <span className="text-xs text-slate-600 dark:text-slate-400">
                  {c.phase !== null ? `in ${doc.phases[c.phase]?.name ?? "a removed phase"}` : "plan-wide"}
                  {c.window ? `, ${windowLabel[c.window]}` : ""} ·{" "}
                  <span data-testid="import-checklist-count">{c.items.length}</span>{" "}
                  {c.items.length === 1 ? "item" : "items"}
                </span>
              </div>
              <RemoveButton
                label={`Remove list: checklist ${c.title}`}
                text="Remove list"
                onRemove={() => update((d) => ({ ...d, checklists: without(d.checklists, ci) }))}
              />
            </div>
            <ul className="mt-2 space-y-1">
              {c.items.map((item, ii) => (
                <li key={ii} className="flex items-start justify-between gap-2 text-sm">
                  <span>
                    <span aria-hidden="true">{item.done ? "☑" : "☐"}</span>{" "}
                    <span className="sr-only">{item.done ? "Done: " : "Open: "}</span>
                    {item.text}
                  </span>
                  <RemoveButton label={`Remove item ${item.text}`} onRemove={() => removeItem(ci, ii)} />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function TriggersPreview({ doc, update }: { doc: Doc; update: Update }) {
  return (
    <Card title={`Rollback triggers (${doc.triggers.length})`}>
      {doc.triggers.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No rollback triggers were found.</p>
      ) : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {doc.triggers.map((t, i) => (
          <li
            key={i}
            className="flex flex-wrap items-start justify-between gap-2 py-2 text-sm"
            data-testid="import-trigger"
          >
            <span>
              <span className="font-medium">{t.description}</span>
              <span className="block text-xs text-slate-600 dark:text-slate-400">
                {t.metric
                  ? `${t.metric} ${sign[t.comparison]} ${t.value}${t.mode === "relative_to_baseline" ? "× baseline" : t.mode === "degradation_pct" ? "% degradation" : ""}${t.durationMinutes ? ` for ${t.durationMinutes} min` : ""}`
                  : "No KPI named: people judge this one"}
              </span>
            </span>
            <span className="flex items-center gap-2">
              <Badge tone={t.action === "automatic_rollback" ? "red" : "amber"}>
                {t.action === "automatic_rollback" ? "Automatic rollback" : "Alert only"}
              </Badge>
              <RemoveButton
                label={`Remove trigger ${t.description}`}
                onRemove={() => update((d) => ({ ...d, triggers: without(d.triggers, i) }))}
              />
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function RowList<T>({
  title,
  rows,
  describe,
  onRemove,
  empty,
}: {
  title: string;
  rows: T[];
  describe: (row: T) => [string, string];
  onRemove: (i: number) => void;
  empty: string;
}) {
  return (
    <Card title={`${title} (${rows.length})`}>
      {rows.length === 0 ? <p className="text-sm text-slate-600 dark:text-slate-400">{empty}</p> : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {rows.map((row, i) => {
          const [main, detail] = describe(row);
          return (
            <li key={i} className="flex items-start justify-between gap-2 py-2 text-sm">
              <span>
                <span className="font-medium">{main}</span>
                {detail ? <span className="block text-xs text-slate-600 dark:text-slate-400">{detail}</span> : null}
              </span>
              <RemoveButton label={`Remove ${main}`} onRemove={() => onRemove(i)} />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

export function RowsPreview({ doc, update }: { doc: Doc; update: Update }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <RowList
        title="Risks"
        rows={doc.risks}
        empty="No risk table was found."
        describe={(r) => [
          r.description,
          `Likelihood ${r.likelihood}, impact ${r.impact}${r.mitigation ? ` — ${r.mitigation}` : ""}`,
        ]}
        onRemove={(i) => update((d) => ({ ...d, risks: without(d.risks, i) }))}
      />
      <RowList
        title="Communication"
        rows={doc.comms}
        empty="No communication plan was found."
        describe={(c) => [c.event, [c.timing, c.channel, c.audience, c.template].filter(Boolean).join(" · ")]}
        onRemove={(i) => update((d) => ({ ...d, comms: without(d.comms, i) }))}
      />
      <RowList
        title="Escalation"
        rows={doc.escalation}
        empty="No escalation table was found."
        describe={(e) => [`Level ${e.level}: ${e.who}`, `after ${e.afterMinutes} min`]}
        onRemove={(i) => update((d) => ({ ...d, escalation: without(d.escalation, i) }))}
      />
      <RowList
        title="Roles (kept with the notes)"
        rows={doc.roles}
        empty="No roles were found."
        describe={(r) => [r.role, r.who]}
        onRemove={(i) => update((d) => ({ ...d, roles: without(d.roles, i) }))}
      />
    </div>
  );
}

export function NotesPreview({ doc, update }: { doc: Doc; update: Update }) {
  return (
    <Card title={`Kept as notes (${doc.notes.length})`}>
      <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
        Parts of the document Phasegate did not map to a structure. They are saved with the plan as plain text unless
        you remove them.
      </p>
      <ul className="space-y-2">
        {doc.notes.map((n, i) => (
          <li
            key={i}
            className="rounded-md border border-dashed border-slate-300 p-3 dark:border-slate-700"
            data-testid="import-note"
          >
            <div className="flex items-start justify-between gap-2">
              <span className="text-sm font-medium">{n.section}</span>
              <RemoveButton
                label={`Remove note ${n.section}`}
                onRemove={() => update((d) => ({ ...d, notes: without(d.notes, i) }))}
              />
            </div>
            <ScrollRegion
              label={`Note: ${n.section}`}
              className="mt-1 max-h-40 overflow-auto text-xs break-words whitespace-pre-wrap text-slate-700 dark:text-slate-300"
            >
              {n.text}
            </ScrollRegion>
          </li>
        ))}
      </ul>
    </Card>
  );
}
