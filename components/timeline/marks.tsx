import type { PhaseStatus } from "@/db/schema/enums";

// What the timelines draw with: a phase's actual bar by its status, a decision's or an incident's
// mark by its kind. The plan's timeline and the roadmap share them so a mark means one thing.

export type MarkKind = "go" | "no_go" | "rollback" | "incident" | "override";

export const actualClass: Record<PhaseStatus, string> = {
  pending: "bg-slate-400",
  active: "bg-accent-600 dark:bg-accent-400",
  passed: "bg-emerald-600 dark:bg-emerald-500",
  failed: "bg-red-600 dark:bg-red-500",
  rolled_back: "bg-red-600 dark:bg-red-500",
};

export const markerGlyph: Record<MarkKind, { glyph: string; className: string; text: string }> = {
  go: { glyph: "◆", className: "text-emerald-700 dark:text-emerald-300", text: "Go" },
  no_go: { glyph: "◆", className: "text-amber-600 dark:text-amber-300", text: "No-go" },
  rollback: { glyph: "◆", className: "text-red-600 dark:text-red-400", text: "Rollback" },
  incident: { glyph: "▲", className: "text-red-600 dark:text-red-400", text: "Incident" },
  override: { glyph: "◈", className: "text-amber-600 dark:text-amber-300", text: "Go with override" },
};

export const MARK_KINDS: readonly MarkKind[] = ["go", "no_go", "override", "rollback", "incident"];

/** The mark's outline keeps it readable over a bar, in either theme. */
export const markOutline = "[text-shadow:0_0_2px_#fff,0_0_2px_#fff] dark:[text-shadow:0_0_2px_#000,0_0_2px_#000]";

/** Today's line across a row, at `at` percent of the axis. */
export function NowLine({ at, testId }: { at: number; testId?: string }) {
  return (
    <div
      className="absolute inset-y-0 w-0.5 bg-accent-600 dark:bg-accent-300"
      style={{ left: `${at}%` }}
      aria-hidden="true"
      {...(testId ? { "data-testid": testId } : {})}
    />
  );
}

/** The legend's entries for the decision and incident marks, one per kind. */
export function MarkLegendItems() {
  return MARK_KINDS.map((k) => (
    <li key={k} className="flex items-center gap-1.5">
      <span className={markerGlyph[k].className} aria-hidden="true">
        {markerGlyph[k].glyph}
      </span>
      {markerGlyph[k].text}
    </li>
  ));
}
