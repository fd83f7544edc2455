import { Card } from "@/components/ui/card";
import { type CommsData, renderTemplate, type RenderedPart } from "@/lib/domain/comms";
import { CopyButton } from "./copy-button";
import { AddCommsEntryForm, CommsEntryControls, PlaceholderHelp } from "./comms-forms";

export interface CommsEntryView {
  id: string;
  event: string;
  timing: string;
  channel: string;
  audience: string;
  template: string;
}

// The communication plan: who is told what, where and when; each message rendered with what the
// plan shows right now, ready to copy. Release managers edit it while the plan is not finished.
export function CommsPanel({
  planId,
  entries,
  data,
  canEdit,
}: {
  planId: string;
  entries: CommsEntryView[];
  data: CommsData;
  canEdit: boolean;
}) {
  return (
    <Card title="Communication plan" id="comms">
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No messages planned.{" "}
          {canEdit
            ? "Add who is told what at each stage, and the message with placeholders such as {plan} and {phase}."
            : "A release manager can add them."}
        </p>
      ) : (
        <ol className="divide-y divide-slate-100 dark:divide-slate-800">
          {entries.map((entry, index) => {
            const rendered = renderTemplate(entry.template, data);
            return (
              <li key={entry.id} className="space-y-2 py-3 first:pt-0" data-testid="comms-entry">
                <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                  <h3 className="text-sm font-medium">{entry.event}</h3>
                  {entry.timing ? (
                    <span className="text-xs text-slate-600 dark:text-slate-400">{entry.timing}</span>
                  ) : null}
                </div>
                <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-600 dark:text-slate-400">
                  <dt>Channel</dt>
                  <dd className="break-words text-slate-800 dark:text-slate-200">{entry.channel}</dd>
                  <dt>Audience</dt>
                  <dd className="break-words text-slate-800 dark:text-slate-200">{entry.audience}</dd>
                </dl>
                <p
                  className="rounded-md bg-slate-50 px-3 py-2 text-sm break-words whitespace-pre-wrap dark:bg-slate-800/60"
                  data-testid="comms-message"
                >
                  {rendered.parts.map((part, i) => (
                    <Part key={i} part={part} />
                  ))}
                </p>
                {rendered.missing.length ? (
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    Not known yet, left to fill in: {rendered.missing.map((name) => `{${name}}`).join(", ")}
                  </p>
                ) : null}
                {rendered.unknown.length ? (
                  <p className="text-xs text-amber-800 dark:text-amber-300">
                    <span aria-hidden="true">⚠ </span>
                    Not a placeholder Phasegate fills in: {rendered.unknown.map((name) => `{${name}}`).join(", ")}
                  </p>
                ) : null}
                <div className="flex flex-wrap items-center gap-2">
                  <CopyButton text={rendered.text} label={`the message for ${entry.event}`} />
                  {canEdit ? (
                    <CommsEntryControls
                      planId={planId}
                      entry={entry}
                      first={index === 0}
                      last={index === entries.length - 1}
                    />
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {canEdit ? (
        <div className="mt-3 space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800">
          <AddCommsEntryForm planId={planId} />
          <PlaceholderHelp />
        </div>
      ) : null}
    </Card>
  );
}

/** Values read as normal text; placeholders still to fill in stand out, with words, not colour alone. */
function Part({ part }: { part: RenderedPart }) {
  switch (part.kind) {
    case "text":
    case "value":
      return <>{part.text}</>;
    case "missing":
      return (
        <mark
          className="rounded bg-slate-200 px-0.5 text-slate-800 dark:bg-slate-700 dark:text-slate-100"
          title="Not known yet: fill it in when you send"
        >
          {part.text}
        </mark>
      );
    case "unknown":
      return (
        <mark
          className="rounded bg-amber-100 px-0.5 text-amber-900 underline decoration-wavy dark:bg-amber-950 dark:text-amber-200"
          title="Not a placeholder Phasegate fills in"
        >
          {part.text}
        </mark>
      );
  }
}
