import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { formatDuration } from "./time";

// A phase set to advance by itself (a guarded rollout): once its minimum duration has passed and
// its gate holds — approvals, checklists, sign-offs and every success criterion, with no override
// — the system records the go decision. A breached rollback trigger holds it back (an automatic
// one rolls the plan back instead), and a change freeze makes it wait for the freeze to end: nobody
// is there to sign an emergency override. Judged on the same timer that watches the triggers.

export interface AutoAdvanceInput {
  planStatus: PlanStatus;
  phase: {
    name: string;
    status: PhaseStatus;
    autoAdvance: boolean;
    minDurationMinutes: number;
    actualStartAt: Date | null;
  };
  /** The gate's verdict for the phase (what a go decision would check), or null when not judged. */
  gate: { holds: boolean; unmet: readonly string[] } | null;
  /** Descriptions of the enabled triggers on this phase whose last verdict is "breached". */
  breachedTriggers: readonly string[];
  /** The change freeze holding the plan now (see freezeSentence), or null when none does. */
  freeze?: { sentence: string; until: Date } | null;
  now: Date;
}

/** Messages continue "Advances by itself …" (or "Advances …" when off), as the plan page shows them. */
export type AutoAdvanceVerdict =
  | { advance: true; rationale: string }
  | {
      advance: false;
      waiting: "off" | "not_running" | "min_duration" | "trigger" | "freeze" | "gate";
      message: string;
      at?: Date;
    };

export function autoAdvanceVerdict({
  planStatus,
  phase,
  gate,
  breachedTriggers,
  freeze,
  now,
}: AutoAdvanceInput): AutoAdvanceVerdict {
  if (!phase.autoAdvance) return { advance: false, waiting: "off", message: "when someone records a go decision" };
  if (planStatus !== "in_progress" || phase.status !== "active" || !phase.actualStartAt) {
    return {
      advance: false,
      waiting: "not_running",
      message: planStatus === "paused" ? "paused: not until the plan is resumed" : "once it is the active phase",
    };
  }
  const minMs = Math.max(0, phase.minDurationMinutes) * 60_000;
  const ranMs = Math.max(0, now.getTime() - phase.actualStartAt.getTime());
  if (ranMs < minMs) {
    const at = new Date(phase.actualStartAt.getTime() + minMs);
    return {
      advance: false,
      waiting: "min_duration",
      at,
      message: `after its minimum of ${formatDuration(minMs)}, in ${formatDuration(minMs - ranMs)}, if the gate holds then`,
    };
  }
  if (breachedTriggers.length > 0) {
    return {
      advance: false,
      waiting: "trigger",
      message: `held back: rollback trigger breached (${breachedTriggers.join("; ")})`,
    };
  }
  if (freeze) {
    return {
      advance: false,
      waiting: "freeze",
      at: freeze.until,
      message: `once the change freeze is over: ${freeze.sentence}`,
    };
  }
  if (!gate || !gate.holds) {
    const unmet = gate?.unmet ?? [];
    return {
      advance: false,
      waiting: "gate",
      message: unmet.length
        ? `as soon as the gate holds; still open: ${unmet.join("; ")}`
        : "as soon as the gate holds",
    };
  }
  const held =
    minMs > 0
      ? `held for ${formatDuration(ranMs)} (minimum ${formatDuration(minMs)})`
      : `ran for ${formatDuration(ranMs)}`;
  return {
    advance: true,
    rationale: `Advanced by itself: ${phase.name} ${held}, its gate held and every success criterion was met`,
  };
}
