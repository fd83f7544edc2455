import Link from "next/link";
import type { Page } from "@/lib/domain/paging";

/** "Releases 51–100 of 995 · page 2 of 20" with Previous and Next links; nothing when it all fits on one page. */
export function Pager({
  label,
  noun,
  page,
  href,
  testId,
}: {
  label: string;
  noun: string;
  page: Page<unknown>;
  href: (page: number) => string;
  testId: string;
}) {
  if (page.pages <= 1) return null;
  const link =
    "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800";
  const off =
    "rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-500 dark:border-slate-800 dark:text-slate-400";
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3" data-testid={testId}>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {noun} {page.from}–{page.to} of {page.total.toLocaleString("en-US")} · page {page.page} of {page.pages}
      </p>
      <div className="flex gap-2">
        {page.page > 1 ? (
          <Link href={href(page.page - 1)} rel="prev" className={link}>
            Previous
          </Link>
        ) : (
          <span aria-disabled="true" className={off}>
            Previous
          </span>
        )}
        {page.page < page.pages ? (
          <Link href={href(page.page + 1)} rel="next" className={link}>
            Next
          </Link>
        ) : (
          <span aria-disabled="true" className={off}>
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
