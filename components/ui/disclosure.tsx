import type React from "react";

// Inline edits and confirmations that open in place: a <details> disclosure needs no script and
// works with the keyboard.

/**
 * A verb shown, with what it acts on read out to assistive technology only (the row names it);
 * `asks` for a control that asks for confirmation before it acts, which ends with an ellipsis.
 */
export function Named({ verb, name, asks = false }: { verb: string; name: string; asks?: boolean }) {
  return (
    <>
      {verb}
      <span className="sr-only"> {name}</span>
      {asks ? "…" : null}
    </>
  );
}

/** A disclosure (keyboard-operable without script) holding a form: inline edits and confirmations. */
export function Disclosure({
  summary,
  children,
  danger = false,
}: {
  summary: React.ReactNode;
  children: React.ReactNode;
  danger?: boolean;
}) {
  return (
    <details className="group">
      <summary
        className={`inline-flex cursor-pointer list-none items-center rounded-md border px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 ${danger ? "border-red-300 text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950/40" : "border-slate-300 text-slate-800 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800"}`}
      >
        {summary}
      </summary>
      <div className="mt-2 rounded-md border border-slate-200 p-3 dark:border-slate-800">{children}</div>
    </details>
  );
}
