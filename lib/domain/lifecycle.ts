import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";

// The plan and phase state machines. Every change of a plan's state goes through `applyCommand`:
// a transition it does not list cannot happen, whatever the caller shows or hides.
//
// Plan:  draft → scheduled → in_progress ⇄ paused → completed | rolled_back | cancelled
// Phase: pending → active → passed | failed | rolled_back

export type PlanCommand =
  | { type: "schedule" }
  | { type: "unschedule" }
  | { type: "start" }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "go" }
  | { type: "no_go" }
  | { type: "rollback" }
  | { type: "cancel" };

export type PlanCommandType = PlanCommand["type"];

export interface MachinePhase {
  status: PhaseStatus;
  trafficPercent: number;
}

export interface MachineState {
  status: PlanStatus;
  phases: readonly MachinePhase[];
}

export type CommandResult =
  | { ok: true; state: MachineState; activated: number | null; closed: number | null; completed: boolean }
  | { ok: false; error: string };

export const TERMINAL: readonly PlanStatus[] = ["completed", "rolled_back", "cancelled"];

const allowedFrom: Record<PlanCommandType, readonly PlanStatus[]> = {
  schedule: ["draft"],
  unschedule: ["scheduled"],
  start: ["draft", "scheduled"],
  pause: ["in_progress"],
  resume: ["paused"],
  go: ["in_progress"],
  no_go: ["in_progress", "paused"],
  rollback: ["in_progress", "paused"],
  cancel: ["draft", "scheduled", "in_progress", "paused"],
};

const verb: Record<PlanCommandType, string> = {
  schedule: "schedule",
  unschedule: "unschedule",
  start: "start",
  pause: "pause",
  resume: "resume",
  go: "record a go decision on",
  no_go: "record a no-go decision on",
  rollback: "roll back",
  cancel: "cancel",
};

const statusWords: Record<PlanStatus, string> = {
  draft: "a draft",
  scheduled: "scheduled",
  in_progress: "in progress",
  paused: "paused",
  completed: "completed",
  rolled_back: "rolled back",
  cancelled: "cancelled",
};

export function canApply(state: MachineState, type: PlanCommandType): boolean {
  return applyCommand(state, { type }).ok;
}

export function applyCommand(state: MachineState, command: PlanCommand): CommandResult {
  if (!allowedFrom[command.type].includes(state.status)) {
    return { ok: false, error: `Cannot ${verb[command.type]} a plan that is ${statusWords[state.status]}` };
  }
  const phases = state.phases.map((p) => ({ ...p }));
  const active = phases.findIndex((p) => p.status === "active");
  const done = (
    status: PlanStatus,
    extra: Partial<Omit<Extract<CommandResult, { ok: true }>, "ok" | "state">> = {},
  ): CommandResult => ({
    ok: true,
    state: { status, phases },
    activated: extra.activated ?? null,
    closed: extra.closed ?? null,
    completed: extra.completed ?? false,
  });

  switch (command.type) {
    case "schedule":
      if (phases.length === 0) return { ok: false, error: "Add at least one phase before scheduling the plan" };
      return done("scheduled");
    case "unschedule":
      return done("draft");
    case "start": {
      if (phases.length === 0) return { ok: false, error: "Add at least one phase before starting the plan" };
      phases[0]!.status = "active";
      return done("in_progress", { activated: 0 });
    }
    case "pause":
      return done("paused");
    case "resume":
      return done("in_progress");
    case "no_go":
      return done(state.status);
    case "go": {
      if (active < 0) return { ok: false, error: "There is no active phase to decide on" };
      phases[active]!.status = "passed";
      const next = active + 1;
      if (next >= phases.length) return done("completed", { closed: active, completed: true });
      if (phases[next]!.trafficPercent < phases[active]!.trafficPercent) {
        return {
          ok: false,
          error: `The next phase (${phases[next]!.trafficPercent}%) has less traffic than this one (${phases[active]!.trafficPercent}%); fix the plan before advancing`,
        };
      }
      phases[next]!.status = "active";
      return done("in_progress", { activated: next, closed: active });
    }
    case "rollback": {
      if (active >= 0) phases[active]!.status = "rolled_back";
      return done("rolled_back", { closed: active >= 0 ? active : null });
    }
    case "cancel": {
      if (active >= 0) phases[active]!.status = "failed";
      return done("cancelled", { closed: active >= 0 ? active : null });
    }
  }
}

/** Share of traffic on the new release in a machine state (0 unless running or completed). */
export function trafficOf(state: MachineState): number {
  if (state.status === "in_progress" || state.status === "paused") {
    return state.phases.find((p) => p.status === "active")?.trafficPercent ?? 0;
  }
  if (state.status === "completed") return state.phases.at(-1)?.trafficPercent ?? 0;
  return 0;
}

/** The invariants every reachable state keeps; returns what is broken (empty when legal). */
export function invariantViolations(state: MachineState): string[] {
  const broken: string[] = [];
  const activeCount = state.phases.filter((p) => p.status === "active").length;
  const running = state.status === "in_progress" || state.status === "paused";
  if (running && activeCount !== 1) broken.push(`a running plan needs exactly one active phase, has ${activeCount}`);
  if (!running && activeCount !== 0) broken.push(`a ${state.status} plan has an active phase`);
  // Phases happen in order: nothing after a pending phase has started.
  const firstPending = state.phases.findIndex((p) => p.status === "pending");
  if (firstPending >= 0 && state.phases.slice(firstPending).some((p) => p.status !== "pending"))
    broken.push("a phase after a pending one has started");
  if (state.status === "completed" && state.phases.some((p) => p.status !== "passed"))
    broken.push("a completed plan has a phase that did not pass");
  if ((state.status === "draft" || state.status === "scheduled") && state.phases.some((p) => p.status !== "pending"))
    broken.push("a plan that has not started has a started phase");
  return broken;
}

/** Phases that are history (finished) or running cannot be edited, moved or removed. */
export function isPhaseEditable(status: PhaseStatus): boolean {
  return status === "pending";
}
