"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { startTransition, useEffect, useState } from "react";
import { type LiveChange, routeLiveChange, SUMMARY_REFRESH_MS, type Urgency } from "@/lib/domain/live-changes";
import { type Batcher, createBatcher } from "@/lib/live/batcher";
import { queryKeys } from "@/lib/live/query-keys";

type Status = "connecting" | "live" | "reconnecting" | "elsewhere" | "busy";

const MIN_GAP_MS = 1_000; // at most one re-read of each part (and one redraw of a chart) a second
const MAX_BACKOFF_MS = 30_000;
/** The batch entry that re-renders the whole page. */
const PAGE = "page";

/** The query keys (as JSON, for a set) a change touches, by how soon they are due. */
function dueOf(planId: string, change: LiveChange): Record<Urgency, string[]> {
  const route = routeLiveChange(change);
  const due: Record<Urgency, string[]> = { now: [], soon: [] };
  const key = (k: readonly string[]) => JSON.stringify(k);
  if (route.page) due.now.push(PAGE);
  due.now.push(
    ...(route.kpis === "all" ? [key(queryKeys.kpis(planId))] : route.kpis.map((k) => key(queryKeys.kpi(planId, k)))),
    ...(route.checklists === "all"
      ? [key(queryKeys.checklists(planId))]
      : route.checklists.map((c) => key(queryKeys.checklist(planId, c)))),
  );
  if (route.overview) due[route.overview].push(key(queryKeys.overview(planId)));
  if (route.timeline) due[route.timeline].push(key(queryKeys.timeline(planId)));
  return due;
}

/**
 * Keeps an open plan page current. The server says what changed over an event stream (fed by
 * PostgreSQL NOTIFY on every instance), and the page re-reads only the parts the change touched
 * (lib/domain/live-changes.ts): a KPI's chart, a checklist, the overview, the timeline, each a
 * React Query query; a change of anything else re-renders the page's server components in place,
 * keeping what people are typing. Parts due now are re-read within a second; the summaries that
 * samples move, at most every 15 s. A hidden tab catches up when it is shown again. The browser
 * retries a dropped stream by itself, but gives up on an answer that is not a stream (the database
 * away, a session that ended): then the page opens a new one, backing off to 30 s. The server may
 * end a stream on purpose: when the person opened too many pages (the newest ones stay live), when
 * they may no longer read the plan, or when it follows as many pages as it can.
 */
export function LiveRefresh({ planId }: { planId: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let backoff = 1_000;
    let stopped = false;

    const reread = (due: Set<string>) => {
      // A re-render brings every part's newer reading with it.
      if (due.has(PAGE)) startTransition(() => router.refresh());
      else for (const key of due) void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as string[] });
    };
    const hold = () => document.hidden;
    // The page was just rendered: its summaries are fresh for a while.
    const batches: Record<Urgency, Batcher<string>> = {
      now: createBatcher({ gapMs: MIN_GAP_MS, flush: reread, hold, since: Date.now() - MIN_GAP_MS }),
      soon: createBatcher({ gapMs: SUMMARY_REFRESH_MS, flush: reread, hold, since: Date.now() }),
    };
    const follow = (change: LiveChange) => {
      const due = dueOf(planId, change);
      batches.now.add(due.now);
      batches.soon.add(due.soon);
    };
    const changed = (event: Event) => {
      let change: LiveChange = { type: "unknown" };
      try {
        const data = JSON.parse((event as MessageEvent<string>).data || "{}") as Partial<LiveChange>;
        if (typeof data.type === "string") change = data as LiveChange;
      } catch {
        // Not ours to read: treat it as a change of anything.
      }
      follow(change);
    };
    // After a reconnection or a missed message: everything may have changed.
    const catchUp = () => follow({ type: "resync" });
    const onVisible = () => {
      if (document.hidden) return;
      batches.now.wake();
      batches.soon.wake();
    };
    const connect = () => {
      if (stopped) return;
      source = new EventSource(`/plans/${planId}/events`);
      // Every (re)connection catches up once: changes may have landed between the page's render
      // and this stream, or while it was down.
      source.addEventListener("ready", () => {
        backoff = 1_000;
        setStatus("live");
        catchUp();
      });
      source.addEventListener("change", changed);
      source.addEventListener("resync", catchUp);
      source.addEventListener("closed", (event) => {
        source?.close();
        const reason = (JSON.parse((event as MessageEvent<string>).data || "{}") as { reason?: string }).reason;
        // Lost access: the next render says so. A newer page took over: this one stays as it is.
        if (reason === "access") startTransition(() => router.refresh());
        setStatus(reason === "access" ? "reconnecting" : "elsewhere");
      });
      source.addEventListener("busy", () => {
        source?.close();
        setStatus("busy");
        retry = setTimeout(connect, 60_000);
      });
      source.addEventListener("error", () => {
        setStatus("reconnecting");
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      });
    };

    connect();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      source?.close();
      batches.now.stop();
      batches.soon.stop();
      if (retry) clearTimeout(retry);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [planId, router, queryClient]);

  const label = {
    live: "Live",
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    elsewhere: "Live in a newer tab",
    busy: "Live updates paused",
  }[status];
  const title = {
    live: "This page updates by itself as samples, decisions and checklist ticks arrive",
    connecting: "Live updates are starting",
    reconnecting: "Live updates are paused; the page still works and catches up when the connection returns",
    elsewhere: "You have many pages open: the newest ones update by themselves. Reload this one to follow it here",
    busy: "The server follows as many live pages as it can; this page still works and tries again in a minute",
  }[status];
  return (
    <span
      role="status"
      title={title}
      data-testid="live-status"
      data-status={status}
      className="inline-flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400"
    >
      <span
        aria-hidden="true"
        className={`h-2 w-2 rounded-full ${status === "live" ? "bg-emerald-500" : "bg-amber-500"}`}
      />
      {label}
    </span>
  );
}
