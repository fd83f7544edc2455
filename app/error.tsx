"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-lg py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        The page could not be shown. Nothing was changed. Try again; if it keeps failing, give this reference to whoever
        runs Phasegate: <code>{error.digest ?? "no reference"}</code>.
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-accent-600 px-3 py-1.5 text-sm text-white hover:bg-accent-700"
      >
        Try again
      </button>
    </div>
  );
}
