// Long lists shown a page at a time (the portfolio, My work): ?page= read leniently, and the slice.

export interface Page<T> {
  rows: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 1-based positions of the first and last row shown (0 and 0 when there is none). */
  from: number;
  to: number;
  total: number;
}

/** Reads ?page= leniently: anything but a whole number from 1 up means the first page. */
export function parsePage(params: Record<string, string | string[] | undefined>): number {
  const raw = (Array.isArray(params.page) ? params.page[0] : params.page)?.trim() ?? "";
  return /^[1-9]\d{0,6}$/.test(raw) ? Number(raw) : 1;
}

/** One page of rows; a page past the end shows the last one. */
export function pageOf<T>(rows: readonly T[], page: number, size: number): Page<T> {
  const total = rows.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const at = Math.min(Math.max(1, Math.floor(page)), pages);
  const start = (at - 1) * size;
  const shown = rows.slice(start, start + size);
  return { rows: shown, page: at, pages, from: shown.length ? start + 1 : 0, to: start + shown.length, total };
}
