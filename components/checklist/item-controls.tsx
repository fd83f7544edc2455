"use client";

import type { FormState } from "@/lib/actions/form-state";
import { useMutation } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import {
  addItemAction,
  editItemAction,
  moveItemAction,
  signChecklistAction,
  updateItemAction,
} from "@/app/plans/checklist-actions";
import { FieldErrors, FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { Badge } from "@/components/ui/badge";

const stateBadge: Record<string, { tone: "green" | "grey" | "amber" | "accent"; label: string }> = {
  done: { tone: "green", label: "Done" },
  not_applicable: { tone: "grey", label: "N/A" },
  blocked: { tone: "amber", label: "Blocked" },
  open: { tone: "accent", label: "Open" },
};

/** A tick the server refused, with its words for the person. */
class TickRefused extends Error {
  constructor(readonly state: Exclude<FormState, null>) {
    super(state.ok ? "The item was changed" : state.error);
  }
}

/**
 * Ticking is a mutation with an optimistic update: the new state shows at once; if the server
 * refuses (or cannot be reached), the state falls back to what the server holds and the reason is
 * shown next to the item. Once accepted, the new state stays until the page's next render says
 * what the server holds.
 */
export function ItemControls({
  planId,
  itemId,
  state,
  text,
}: {
  planId: string;
  itemId: string;
  state: string;
  text: string;
}) {
  // The state an accepted tick left, until the server's render catches up with it.
  const [accepted, setAccepted] = useState<{ from: string; to: string } | null>(null);
  const tick = useMutation({
    mutationKey: ["plan", planId, "checklist-item", itemId],
    mutationFn: async (next: string) => {
      const form = new FormData();
      form.set("planId", planId);
      form.set("itemId", itemId);
      form.set("state", next);
      const result = await updateItemAction(null, form);
      if (!result?.ok) throw new TickRefused(result ?? { ok: false, error: "The item was not changed" });
      return next;
    },
    onSuccess: (next) => setAccepted({ from: state, to: next }),
  });
  const [other, otherAction] = useActionState<FormState, FormData>(updateItemAction, null);
  const shown = tick.isPending ? tick.variables : accepted && accepted.from === state ? accepted.to : state;
  const refused: FormState =
    tick.error instanceof TickRefused
      ? tick.error.state
      : tick.error
        ? { ok: false, error: "The server could not be reached: the item was not changed. Try again." }
        : null;
  const errors = other && !other.ok ? other.fieldErrors : undefined;
  const label = shown === "open" ? "Mark done" : "Reopen";
  const next = shown === "open" ? "done" : "open";
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-center gap-2">
        <span data-testid="item-state">
          <Badge tone={stateBadge[shown]!.tone}>{stateBadge[shown]!.label}</Badge>
        </span>
        <form action={() => tick.mutate(next)}>
          <button
            type="submit"
            aria-label={`${label}: ${text}`}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          >
            {label}
          </button>
        </form>
        {shown === "open" ? (
          <PopoverForm
            action={otherAction}
            width="w-72"
            summaryClassName="rounded-md px-1 py-1 text-xs text-slate-600 underline dark:text-slate-400"
            summary={
              <>
                N/A or blocked…<span className="sr-only">: mark {text} not applicable or blocked</span>
              </>
            }
          >
            <input type="hidden" name="planId" value={planId} />
            <input type="hidden" name="itemId" value={itemId} />
            <label className="block text-xs font-medium" htmlFor={`state-${itemId}`}>
              State
            </label>
            <select id={`state-${itemId}`} name="state" className={inputClass} defaultValue="blocked">
              <option value="blocked">Blocked</option>
              <option value="not_applicable">Not applicable</option>
            </select>
            <label className="block text-xs font-medium" htmlFor={`reason-${itemId}`}>
              Reason (required)
            </label>
            <input
              id={`reason-${itemId}`}
              name="reason"
              className={inputClass}
              aria-invalid={errors?.reason ? true : undefined}
              aria-describedby={errors?.reason ? `reason-${itemId}-error` : undefined}
            />
            <FieldErrors id={`reason-${itemId}`} errors={errors?.reason} />
            <SubmitButton variant="secondary">Save</SubmitButton>
          </PopoverForm>
        ) : null}
      </div>
      {refused ? <FormMessage state={refused} /> : null}
      {other && !other.ok && !errors ? <FormMessage state={other} /> : null}
    </div>
  );
}

export function SignButton({ planId, checklistId, role }: { planId: string; checklistId: string; role: string }) {
  const [state, action] = useActionState<FormState, FormData>(signChecklistAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-1">
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="checklistId" value={checklistId} />
      <SubmitButton variant="primary" pendingText="Signing…">
        Sign off as {role}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

const roles = [
  ["", "Anyone"],
  ["engineer", "Engineer"],
  ["release_manager", "Release manager"],
  ["approver", "Approver"],
] as const;

/** Release managers shape a list while it is unsigned: add, edit, reorder. */
export function ItemEditor({
  planId,
  itemId,
  text,
  required,
  assigneeRole,
  assigneeUserId,
  members,
  first,
  last,
}: {
  planId: string;
  itemId: string;
  text: string;
  required: boolean;
  assigneeRole: string | null;
  assigneeUserId: string | null;
  members: { id: string; name: string }[];
  first: boolean;
  last: boolean;
}) {
  const [edit, editAction] = useActionState<FormState, FormData>(editItemAction, null);
  const [move, moveAction] = useActionState<FormState, FormData>(moveItemAction, null);
  return (
    <div className="flex flex-wrap items-center gap-1 text-xs">
      {(["up", "down"] as const).map((direction) =>
        (direction === "up" ? first : last) ? null : (
          <form key={direction} action={moveAction}>
            <input type="hidden" name="planId" value={planId} />
            <input type="hidden" name="itemId" value={itemId} />
            <input type="hidden" name="direction" value={direction} />
            <button
              type="submit"
              className="rounded px-1 py-0.5 hover:bg-slate-100 dark:hover:bg-slate-800"
              aria-label={`Move ${direction}: ${text}`}
            >
              {direction === "up" ? "↑" : "↓"}
            </button>
          </form>
        ),
      )}
      <PopoverForm
        action={editAction}
        width="w-80"
        summaryClassName="rounded px-1 py-0.5 underline"
        summaryLabel={`Edit item: ${text}`}
        summary="Edit"
      >
        <input type="hidden" name="planId" value={planId} />
        <input type="hidden" name="itemId" value={itemId} />
        <label className="block font-medium" htmlFor={`text-${itemId}`}>
          Text
        </label>
        <input id={`text-${itemId}`} name="text" defaultValue={text} className={inputClass} />
        <label className="flex items-center gap-2">
          <input type="checkbox" name="required" defaultChecked={required} /> Required for the gate
        </label>
        <label className="block font-medium" htmlFor={`role-${itemId}`}>
          Assigned to
        </label>
        <select id={`role-${itemId}`} name="assigneeRole" defaultValue={assigneeRole ?? ""} className={inputClass}>
          {roles.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label className="block font-medium" htmlFor={`person-${itemId}`}>
          Person (optional)
        </label>
        <select
          id={`person-${itemId}`}
          name="assigneeUserId"
          defaultValue={assigneeUserId ?? ""}
          className={inputClass}
        >
          <option value="">Nobody in particular</option>
          {members.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        <FormMessage state={edit} />
        <SubmitButton variant="secondary">Save item</SubmitButton>
      </PopoverForm>
      {move && !move.ok ? <FormMessage state={move} /> : null}
    </div>
  );
}

export function AddItemForm({ planId, checklistId }: { planId: string; checklistId: string }) {
  const [state, action] = useActionState<FormState, FormData>(addItemAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="flex flex-col gap-2 sm:flex-row sm:items-end" aria-label="Add an item">
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="checklistId" value={checklistId} />
      <div className="flex-1 space-y-1">
        <label className="block text-xs font-medium" htmlFor={`new-item-${checklistId}`}>
          New item
        </label>
        <input
          id={`new-item-${checklistId}`}
          name="text"
          defaultValue={values?.text}
          className={inputClass}
          placeholder="e.g. Feature flag working as expected"
          aria-invalid={errors?.text ? true : undefined}
          aria-describedby={errors?.text ? `new-item-${checklistId}-error` : undefined}
        />
        <FieldErrors id={`new-item-${checklistId}`} errors={errors?.text} />
      </div>
      <select name="assigneeRole" aria-label="Assigned to" defaultValue="engineer" className={`${inputClass} sm:w-40`}>
        {roles.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" name="required" defaultChecked /> Required
      </label>
      <SubmitButton variant="secondary">Add item</SubmitButton>
      {state && !state.ok && !errors ? <FormMessage state={state} /> : null}
    </form>
  );
}

/** A form that opens under its summary, over what follows (a details element: no script needed). */
function PopoverForm({
  action,
  width,
  summary,
  summaryClassName,
  summaryLabel,
  children,
}: {
  action: (form: FormData) => void;
  /** The panel's Tailwind width class. */
  width: string;
  summary: React.ReactNode;
  summaryClassName: string;
  summaryLabel?: string;
  children: React.ReactNode;
}) {
  return (
    <details className="relative">
      <summary className={`cursor-pointer list-none ${summaryClassName}`} aria-label={summaryLabel}>
        {summary}
      </summary>
      <form
        action={action}
        className={`absolute right-0 z-10 mt-1 ${width} space-y-2 rounded-md border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900`}
      >
        {children}
      </form>
    </details>
  );
}
