import Link from "next/link";
import { Fragment } from "react";

/** Where a page sits: a link for each step up, each followed by a slash, then the page itself. */
export function Breadcrumb({
  trail,
  current,
}: {
  trail: readonly { href: string; label: React.ReactNode }[];
  current: React.ReactNode;
}) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-600 dark:text-slate-400">
      {trail.map(({ href, label }) => (
        <Fragment key={href}>
          <Link href={href} className="hover:underline">
            {label}
          </Link>{" "}
          /{" "}
        </Fragment>
      ))}
      {current}
    </nav>
  );
}
