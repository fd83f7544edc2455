"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { startTransition, useEffect, useState } from "react";
import { type LiveChange, routeLiveChange, SUMMARY_REFRESH_MS } from "@/lib/domain/live-changes";
import { queryKeys } from "@/lib/live/query-keys";

type Status = "connecting" | "live" | "reconnecting" | "elsewhere" | "busy";

const MIN_GAP_MS = 1_000; // at most one re-render (and one redraw of a chart) a second
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps an open plan page current. The server says what changed over an event stream (fed by
 * PostgreSQL NOTIFY on every instance), and the page follows it (lib/domain/live-changes.ts):
 * samples redraw only the charts of the KPIs they were for (their React Query queries are
 * invalidated) and refresh the page's summaries at most every 15 s; any other change re-renders
 * the page's server components in place, keeping what people are typing. A hidden tab catches up
 * when it is shown again. The browser retries a dropped stream by itself, but gives up on an
 * answer that is not a stream (the database away, a session that ended): then the page opens a
 * new one, backing off to 30 s. The server may end a stream on purpose: when the person opened too
 * many pages (the newest ones stay live), when they may no longer read the plan, or when it
 * follows as many pages as it can.
 */
export function LiveRefresh({ planId }: { planId: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let pageTimer: ReturnType<typeof setTimeout> | null = null;
    let chartTimer: ReturnType<typeof setTimeout> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let backoff = 1_000;
    // The page was just rendered: the first sample batch refreshes its summaries a while after.
    let lastPage = Date.now() - MIN_GAP_MS;
    let lastCharts = 0;
    let pagePending = false;
    // KPI keys whose charts are due a redraw; "all" after a change that did not say which.
    let charts: Set<string> | "all" = new Set();
    let stopped = false;

    const renderPage = () => {
      pageTimer = null;
      if (document.hidden) {
        pagePending = true;
        return;
      }
      pagePending = false;
      lastPage = Date.now();
      startTransition(() => router.refresh());
    };
    const schedulePage = (gap: number) => {
      const at = Math.max(0, lastPage + gap - Date.now());
      if (pageTimer && gap === SUMMARY_REFRESH_MS) return;
      if (pageTimer) clearTimeout(pageTimer);
      pageTimer = setTimeout(renderPage, at);
    };
    const redrawCharts = () => {
      chartTimer = null;
      if (document.hidden) return;
      lastCharts = Date.now();
      const due = charts;
      charts = new Set();
      if (due === "all") void queryClient.invalidateQueries({ queryKey: queryKeys.kpis(planId) });
      else for (const key of due) void queryClient.invalidateQueries({ queryKey: queryKeys.kpi(planId, key) });
    };
    const scheduleCharts = () => {
      if (chartTimer) return;
      chartTimer = setTimeout(redrawCharts, Math.max(0, lastCharts + MIN_GAP_MS - Date.now()));
    };
    const follow = (change: LiveChange) => {
      const route = routeLiveChange(change);
      if (route.kpis === "all") charts = "all";
      else if (charts !== "all") for (const key of route.kpis) charts.add(key);
      if (charts === "all" || charts.size > 0) scheduleCharts();
      schedulePage(route.page === "now" ? MIN_GAP_MS : SUMMARY_REFRESH_MS);
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
      if (pagePending) schedulePage(MIN_GAP_MS);
      if (charts === "all" || charts.size > 0) scheduleCharts();
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
      if (pageTimer) clearTimeout(pageTimer);
      if (chartTimer) clearTimeout(chartTimer);
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
