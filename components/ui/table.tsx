// A table's header row, shared by the tables of tokens, deliveries, audit events, escalation
// levels and releases: each heading is a `th scope="col"`, so a screen reader names every cell by
// its column.

/** A column's heading, with its own classes where it differs from the table's (hidden on phones, unpadded). */
export interface Column {
  label: React.ReactNode;
  /** Replaces the table's heading classes for this column. */
  className?: string;
}

const headClass = {
  quiet: "text-xs text-slate-600 dark:text-slate-400",
  banded:
    "border-b border-slate-200 text-xs tracking-wide text-slate-600 uppercase dark:border-slate-800 dark:text-slate-400",
} as const;

/** `cell` is every heading's classes (padding and weight) unless its column says otherwise; null columns are left out. */
export function TableHead({
  columns,
  cell,
  look = "quiet",
}: {
  columns: readonly (string | Column | null)[];
  cell: string;
  look?: keyof typeof headClass;
}) {
  return (
    <thead className={headClass[look]}>
      <tr>
        {columns.map((column, i) => {
          if (column === null) return null;
          const { label, className = cell } = typeof column === "string" ? { label: column } : column;
          return (
            <th key={i} scope="col" className={className}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
