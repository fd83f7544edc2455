/** Said in place when a live part's last re-read failed: it keeps showing what it last loaded. */
export function StaleNotice({ what, className = "mb-2" }: { what: string; className?: string }) {
  return (
    <p role="status" className={`${className} text-xs text-amber-800 dark:text-amber-300`}>
      {what} could not be brought up to date; it shows what was last loaded.
    </p>
  );
}
