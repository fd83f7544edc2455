"use client";

import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { PlanImportPreview } from "@/lib/domain/plan-markdown/schema";
import type { Update } from "./preview-lists";

type Doc = PlanImportPreview;

const statusWords: Record<Doc["sections"][number]["status"], { label: string; tone: Tone }> = {
  read: { label: "Read", tone: "green" },
  partial: { label: "Partly read", tone: "amber" },
  note: { label: "Kept as note", tone: "grey" },
};

/** What the importer understood, counted, and how much of each section it read. */
export function Understood({ doc, update }: { doc: Doc; update: Update }) {
  const counts: [string, number][] = [
    ["Phases", doc.phases.length],
    ["KPIs", doc.metrics.length],
    ["Rollback triggers", doc.triggers.length],
    ["Checklist items", doc.checklists.reduce((n, c) => n + c.items.length, 0)],
    ["Comms entries", doc.comms.length],
    ["Roles", doc.roles.length],
    ["Escalation levels", doc.escalation.length],
    ["Notes", doc.notes.length],
  ];
  return (
    <Card title="What Phasegate understood">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4" data-testid="import-counts">
        {counts.map(([label, n]) => (
          <div
            key={label}
            className="flex items-baseline justify-between gap-2 rounded-md bg-slate-50 px-3 py-2 dark:bg-slate-800/60"
          >
            <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="text-base font-semibold tabular-nums">{n}</dd>
          </div>
        ))}
      </dl>
      <fieldset className="mt-4">
        <legend className="text-sm font-medium">This document is</legend>
        <div className="mt-1 flex flex-wrap gap-4 text-sm">
          {(
            [
              ["rollout", "A rollout: phases raise traffic to 100%"],
              ["rollback_runbook", "A rollback runbook: its phases are the steps of rolling back"],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="flex items-center gap-2">
              <input
                type="radio"
                name="import-kind"
                checked={doc.kind === kind}
                onChange={() =>
                  update((d) => ({
                    ...d,
                    kind,
                    phases: kind === "rollback_runbook" ? d.phases.map((p) => ({ ...p, trafficPercent: 0 })) : d.phases,
                  }))
                }
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {doc.sequences.length > 1 ? <SequencePicker doc={doc} update={update} /> : null}
      {doc.sections.length ? (
        <details className="mt-4">
          <summary className="cursor-pointer text-sm font-medium">
            How each section was read ({doc.sections.filter((s) => s.status === "read").length} of {doc.sections.length}{" "}
            fully)
          </summary>
          <ul className="mt-2 divide-y divide-slate-100 text-sm dark:divide-slate-800" data-testid="import-sections">
            {doc.sections.map((s, i) => (
              <li key={`${s.heading}-${i}`} className="flex items-center justify-between gap-3 py-1.5">
                <span className="min-w-0 truncate">{s.heading}</span>
                <Badge tone={statusWords[s.status].tone}>{statusWords[s.status].label}</Badge>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
            What was not read stays with the plan as notes, under its section&rsquo;s heading.
          </p>
        </details>
      ) : null}
    </Card>
  );
}

const stepsOf = (phases: Doc["phases"]) => phases.map((p) => `${p.trafficPercent}%`).join(" → ");

/** The document describes several traffic sequences (a soft launch and a canary): the person picks one. */
function SequencePicker({ doc, update }: { doc: Doc; update: Update }) {
  const current = stepsOf(doc.phases);
  return (
    <fieldset
      className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-800 dark:bg-amber-950/40"
      data-testid="import-sequences"
    >
      <legend className="px-1 text-sm font-medium">
        The document describes {doc.sequences.length} traffic sequences: which is this plan?
      </legend>
      <div className="mt-1 space-y-1 text-sm">
        {doc.sequences.map((s, i) => (
          <label key={i} className="flex items-center gap-2">
            <input
              type="radio"
              name="import-sequence"
              checked={stepsOf(s.phases) === current}
              onChange={() =>
                update((d) => ({
                  ...d,
                  phases: s.phases,
                  // Lists tied to a phase of the other sequence keep their place only if it exists.
                  checklists: d.checklists.map((c) =>
                    c.phase !== null && c.phase >= s.phases.length ? { ...c, phase: s.phases.length - 1 } : c,
                  ),
                }))
              }
            />
            <span>
              <span className="font-medium">{s.label}</span>: {stepsOf(s.phases)} ({s.phases.length} phases)
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
