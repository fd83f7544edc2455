// What the browser's live parts fetch: a JSON answer of the app's own routes, never cached.

/** Thrown for an answer that is not 2xx; `status` says which. */
export class FetchFailed extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`${what} could not be loaded (HTTP ${status})`);
  }
}

/** GETs `url` and reads its JSON, or throws `FetchFailed` (or the network's error). */
export async function fetchJson<T>(url: string, what: string): Promise<T> {
  const answer = await fetch(url, { cache: "no-store" });
  if (!answer.ok) throw new FetchFailed(answer.status, what);
  return (await answer.json()) as T;
}
