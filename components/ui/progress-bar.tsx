import clsx from "clsx";

export function ProgressBar({
  value,
  label,
  tone = "accent",
}: {
  value: number;
  label: string;
  tone?: "accent" | "green" | "amber" | "red";
}) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      <div
        className={clsx("h-full rounded-full", {
          "bg-accent-600 dark:bg-accent-400": tone === "accent",
          "bg-emerald-600 dark:bg-emerald-400": tone === "green",
          "bg-amber-500 dark:bg-amber-400": tone === "amber",
          "bg-red-600 dark:bg-red-400": tone === "red",
        })}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}
