"use client";

import { failed, type FormState } from "@/lib/actions/form-state";
import { useActionState, useState } from "react";
import { setFlagRulesAction } from "@/app/projects/flag-actions";
import { FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { type SegmentData, segmentInWords } from "./flag-words";

// A flag's segment rules, edited as one ordered list and saved as a whole: the first matching
// segment serves its variant, so order matters and moves are explicit buttons.

type Row = { segmentId: string; variant: string };
type Action = (payload: FormData) => void;

const smallButton =
  "rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800";

export function RulesEditor({
  flag,
  segments,
}: {
  flag: { id: string; key: string; version: number; variants: string[]; rules: Row[] };
  segments: SegmentData[];
}) {
  const [state, action] = useActionState<FormState, FormData>(setFlagRulesAction, null);
  // Rows start again from what is stored whenever the flag changes (a save here, or elsewhere).
  return <RuleRows key={flag.version} flag={flag} segments={segments} state={state} action={action} />;
}

function RuleRows({
  flag,
  segments,
  state,
  action,
}: {
  flag: { id: string; key: string; variants: string[]; rules: Row[] };
  segments: SegmentData[];
  state: FormState;
  action: Action;
}) {
  const [rows, setRows] = useState<Row[]>(flag.rules);
  const [said, setSaid] = useState("");
  const { errors } = failed(state);
  const unused = segments.filter((s) => !rows.some((r) => r.segmentId === s.id));
  const name = (segmentId: string) => segments.find((s) => s.id === segmentId)?.name ?? "a deleted segment";

  const change = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    next.splice(i + by, 0, row!);
    setRows(next);
    setSaid(`${name(row!.segmentId)} moved to position ${i + by + 1} of ${rows.length}. Save to apply.`);
  };
  const remove = (i: number) => {
    setSaid(`${name(rows[i]!.segmentId)} removed from the list. Save to apply.`);
    setRows(rows.filter((_, j) => j !== i));
  };
  const add = () => {
    const first = unused[0];
    if (!first) return;
    setRows([...rows, { segmentId: first.id, variant: flag.variants[0] ?? "" }]);
    setSaid(`Rule ${rows.length + 1} added. Choose its segment and variant, then save.`);
  };

  return (
    <form action={action} className="space-y-2" noValidate aria-label={`Segment rules of ${flag.key}`}>
      <input type="hidden" name="flagId" value={flag.id} />
      <input type="hidden" name="rules" value={JSON.stringify(rows)} />
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No rules: everyone follows the rollout %. Add a rule to serve a segment a fixed variant.
        </p>
      ) : (
        <ol className="space-y-2">
          {rows.map((row, i) => {
            const segmentErrors = errors?.[`rules.${i}.segmentId`];
            const variantErrors = errors?.[`rules.${i}.variant`];
            const base = `rule-${flag.id}-${i}`;
            return (
              <li
                key={`${row.segmentId}-${i}`}
                className="rounded-md border border-slate-200 p-2 dark:border-slate-800"
              >
                <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
                  <span className="text-xs font-medium text-slate-600 sm:pb-2 dark:text-slate-400">{i + 1}.</span>
                  <div className="min-w-0 flex-1 space-y-1">
                    <label htmlFor={`${base}-segment`} className="block text-xs font-medium">
                      Segment of rule {i + 1}
                    </label>
                    <select
                      id={`${base}-segment`}
                      value={row.segmentId}
                      onChange={(e) => change(i, { segmentId: e.target.value })}
                      aria-invalid={segmentErrors ? true : undefined}
                      aria-describedby={segmentErrors ? `${base}-segment-error` : undefined}
                      className={inputClass}
                    >
                      {segments
                        .filter((s) => s.id === row.segmentId || !rows.some((r) => r.segmentId === s.id))
                        .map((s) => (
                          <option key={s.id} value={s.id}>
                            {s.kind === "user_list" ? segmentInWords(s) : `${s.name} — ${segmentInWords(s)}`}
                          </option>
                        ))}
                      {segments.some((s) => s.id === row.segmentId) ? null : (
                        <option value={row.segmentId}>A deleted segment</option>
                      )}
                    </select>
                    {segmentErrors ? (
                      <p id={`${base}-segment-error`} className="text-xs text-red-700 dark:text-red-300">
                        {segmentErrors.join(" ")}
                      </p>
                    ) : null}
                  </div>
                  <div className="space-y-1 sm:w-36">
                    <label htmlFor={`${base}-variant`} className="block text-xs font-medium">
                      Serves
                    </label>
                    <select
                      id={`${base}-variant`}
                      value={row.variant}
                      onChange={(e) => change(i, { variant: e.target.value })}
                      aria-invalid={variantErrors ? true : undefined}
                      aria-describedby={variantErrors ? `${base}-variant-error` : undefined}
                      className={inputClass}
                    >
                      {(flag.variants.includes(row.variant) ? flag.variants : [row.variant, ...flag.variants]).map(
                        (v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ),
                      )}
                    </select>
                    {variantErrors ? (
                      <p id={`${base}-variant-error`} className="text-xs text-red-700 dark:text-red-300">
                        {variantErrors.join(" ")}
                      </p>
                    ) : null}
                  </div>
                  <div className="flex gap-1 sm:pb-1">
                    <button
                      type="button"
                      className={smallButton}
                      onClick={() => move(i, -1)}
                      disabled={i === 0}
                      aria-label={`Move rule ${i + 1} (${name(row.segmentId)}) up`}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className={smallButton}
                      onClick={() => move(i, 1)}
                      disabled={i === rows.length - 1}
                      aria-label={`Move rule ${i + 1} (${name(row.segmentId)}) down`}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className={`${smallButton} text-red-700 dark:text-red-300`}
                      onClick={() => remove(i)}
                      aria-label={`Remove rule ${i + 1} (${name(row.segmentId)})`}
                    >
                      Remove
                    </button>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <p role="status" aria-live="polite" className="text-xs text-slate-600 dark:text-slate-400">
        {said}
      </p>
      {errors?.rules ? <p className="text-xs text-red-700 dark:text-red-300">{errors.rules.join(" ")}</p> : null}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={smallButton} onClick={add} disabled={unused.length === 0}>
          {segments.length === 0
            ? "Create a segment first"
            : unused.length === 0
              ? "Every segment has a rule"
              : "Add rule"}
        </button>
        <SubmitButton variant="secondary" pendingText="Saving…">
          Save rules
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
