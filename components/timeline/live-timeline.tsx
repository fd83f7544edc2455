"use client";

import { useLiveReading } from "@/components/live/use-live-reading";
import { queryKeys } from "@/lib/live/query-keys";
import type { TimelineReading } from "@/lib/queries/plan-readings";
import { PhaseTimeline } from "./phase-timeline";

const at = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * The phase timeline of an open plan page: re-read as samples move its phases' health, without
 * re-rendering the rest of the page (a decision or an incident re-renders the page, and brings
 * the newer timeline with it).
 */
export function LiveTimeline({ planId, initial }: { planId: string; initial: TimelineReading }) {
  const { data } = useLiveReading(queryKeys.timeline(planId), `/plans/${planId}/timeline`, "The timeline", initial);
  if (data.phases.length === 0)
    return <p className="text-sm text-slate-600 dark:text-slate-400">No phases to show yet.</p>;
  return (
    <PhaseTimeline
      phases={data.phases.map((p) => ({
        ...p,
        plannedStartAt: at(p.plannedStartAt),
        plannedEndAt: at(p.plannedEndAt),
        actualStartAt: at(p.actualStartAt),
        actualEndAt: at(p.actualEndAt),
      }))}
      markers={data.markers.map((m) => ({ ...m, at: new Date(m.at) }))}
      now={new Date(data.readAt)}
      health={new Map(Object.entries(data.health))}
      migration={data.migration.map((s) => ({
        ...s,
        startedAt: at(s.startedAt),
        validatedAt: at(s.validatedAt),
        completedAt: at(s.completedAt),
      }))}
    />
  );
}
