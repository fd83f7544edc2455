"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { startTransition, useEffect } from "react";
import { fetchJson } from "@/lib/live/fetch-json";
import { queryKeys } from "@/lib/live/query-keys";

/** How often an open My work page asks whether what it shows is still so. */
export const MY_WORK_CHECK_MS = 30_000;

async function fetchFingerprint(): Promise<string> {
  return (await fetchJson<{ fingerprint: string }>("/my-work/fingerprint", "My work's fingerprint")).fingerprint;
}

/**
 * Keeps My work current by itself: every 30 s while the tab is shown, and when it is shown again,
 * it asks for a fingerprint of what waits on the person and re-renders the page only when that
 * differs from what the page shows. Says when it last looked, and when it could not.
 */
export function MyWorkSelfRefresh({ shown }: { shown: string }) {
  const router = useRouter();
  const { data, isError, dataUpdatedAt } = useQuery({
    queryKey: queryKeys.myWork(),
    queryFn: fetchFingerprint,
    initialData: shown,
    // The page was just rendered with this fingerprint: the first check is the interval's or a focus's.
    refetchOnMount: false,
    staleTime: 0,
    refetchInterval: MY_WORK_CHECK_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
  });
  useEffect(() => {
    if (data !== shown) startTransition(() => router.refresh());
  }, [data, shown, router]);
  const checked = new Date(dataUpdatedAt);
  return (
    <p role="status" data-testid="my-work-refresh" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
      {isError
        ? "Could not check for changes just now; this list may be out of date. It tries again by itself."
        : "Keeps itself up to date · checked "}
      {isError ? null : (
        // The browser's clock and time zone, not the server's: the same instant may read differently.
        <time dateTime={checked.toISOString()} suppressHydrationWarning>
          {checked.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}
        </time>
      )}
    </p>
  );
}
