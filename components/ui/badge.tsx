import clsx from "clsx";

export type Tone = "green" | "amber" | "red" | "grey" | "accent";

const toneClass: Record<Tone, string> = {
  green:
    "bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-400/30",
  amber: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-400/30",
  red: "bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-400/30",
  grey: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/20",
  accent:
    "bg-accent-50 text-accent-700 ring-accent-600/25 dark:bg-accent-700/20 dark:text-accent-300 dark:ring-accent-400/30",
};

// Status is never colour alone: every badge carries an icon shape and a text label.
const icons: Record<Tone, React.ReactNode> = {
  green: (
    <path
      d="M6.5 10.5 9 13l4.5-5.5"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  ),
  amber: <path d="M10 6v4.5M10 13.5v.01" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />,
  red: <path d="M7 7l6 6M13 7l-6 6" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />,
  grey: <circle cx="10" cy="10" r="2.5" fill="currentColor" />,
  accent: (
    <path
      d="M8 6.5 12 10l-4 3.5"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  ),
};

export function Badge({ tone, children, title }: { tone: Tone; children: React.ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={clsx(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        toneClass[tone],
      )}
    >
      <svg aria-hidden="true" viewBox="0 0 20 20" className="h-3.5 w-3.5 shrink-0">
        {icons[tone]}
      </svg>
      {children}
    </span>
  );
}
