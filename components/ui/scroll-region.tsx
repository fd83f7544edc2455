import type React from "react";

/**
 * A box whose content may be wider or taller than it (a table on a phone, a long note). It takes
 * focus, so it scrolls from the keyboard as well, and it is a named region, so landing on it says
 * what it holds.
 */
export function ScrollRegion({
  label,
  className,
  children,
  ...rest
}: {
  label: string;
  className: string;
  children: React.ReactNode;
} & Omit<React.HTMLAttributes<HTMLDivElement>, "role" | "tabIndex" | "aria-label">) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={className} {...rest}>
      {children}
    </div>
  );
}
