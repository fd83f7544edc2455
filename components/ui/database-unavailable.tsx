export function DatabaseUnavailable({ reason }: { reason: string }) {
  return (
    <div
      role="alert"
      className="rounded-lg border border-red-300 bg-red-50 p-6 text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-200"
    >
      <h1 className="text-lg font-semibold">The database is not answering</h1>
      <p className="mt-2 text-sm">{reason}</p>
      <p className="mt-2 text-sm">
        Nothing was changed. Check that PostgreSQL is running and that <code>DATABASE_URL</code> points at it; this page
        works again as soon as it answers.{" "}
        {/* A JSON endpoint, not a page: the catch-all under app/api makes the rule mistake it for one. */}
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
        <a className="underline" href="/api/health">
          Check status
        </a>
        .
      </p>
    </div>
  );
}
