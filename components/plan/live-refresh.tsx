"use client";

import { useRouter } from "next/navigation";
import { startTransition, useEffect, useState } from "react";

type Status = "connecting" | "live" | "reconnecting" | "elsewhere" | "busy";

const MIN_GAP_MS = 1_000; // at most one re-render a second, however fast samples arrive
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps an open plan page current: the server says "changed" over an event stream (fed by
 * PostgreSQL NOTIFY on every instance), and the page re-renders its server components in place;
 * what people are typing is kept. A hidden tab catches up when it is shown again. The browser
 * retries a dropped stream by itself, but gives up on an answer that is not a stream (the
 * database away, a session that ended): then the page opens a new one, backing off to 30 s.
 * The server may end a stream on purpose: when the person opened too many pages (the newest ones
 * stay live), when they may no longer read the plan, or when it follows as many pages as it can.
 */
export function LiveRefresh({ planId }: { planId: string }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>("connecting");

  useEffect(() => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let backoff = 1_000;
    let last = 0;
    let pending = false;
    let stopped = false;

    const render = () => {
      timer = null;
      if (document.hidden) {
        pending = true;
        return;
      }
      pending = false;
      last = Date.now();
      startTransition(() => router.refresh());
    };
    const changed = () => {
      if (timer) return;
      timer = setTimeout(render, Math.max(0, last + MIN_GAP_MS - Date.now()));
    };
    const onVisible = () => {
      if (!document.hidden && pending) changed();
    };
    const connect = () => {
      if (stopped) return;
      source = new EventSource(`/plans/${planId}/events`);
      // Every (re)connection catches up once: changes may have landed between the page's render
      // and this stream, or while it was down.
      source.addEventListener("ready", () => {
        backoff = 1_000;
        setStatus("live");
        changed();
      });
      source.addEventListener("change", changed);
      source.addEventListener("resync", changed);
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
      if (timer) clearTimeout(timer);
      if (retry) clearTimeout(retry);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [planId, router]);

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
