"use client";

import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { fetchJson } from "@/lib/live/fetch-json";

/**
 * One part of a live page, read through React Query: it starts from what the server rendered
 * (`initial`), is re-read from `url` when the page's live stream invalidates `queryKey`, and takes
 * a newer render of the page (after a decision, say) over an older re-read. `isError`: the last
 * re-read failed, and the part shows what was last loaded.
 */
export function useLiveReading<T extends { readAt: number }>(
  queryKey: QueryKey,
  url: string,
  what: string,
  initial: T,
): { data: T; isError: boolean } {
  const client = useQueryClient();
  const { data, isError } = useQuery({
    queryKey,
    queryFn: () => fetchJson<T>(url, what),
    initialData: initial,
  });
  const hash = JSON.stringify(queryKey);
  useEffect(() => {
    const cached = client.getQueryData<T>(queryKey);
    if (!cached || initial.readAt > cached.readAt) client.setQueryData(queryKey, initial);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key is compared by its hash
  }, [client, initial, hash]);
  return { data: data ?? initial, isError };
}
