import type { ChecklistKind, PhaseStatus, PlanStatus, PlanStrategy, ValidationWindow } from "@/db/schema/enums";

export const planStatusLabel: Record<PlanStatus, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  in_progress: "In progress",
  paused: "Paused",
  completed: "Completed",
  rolled_back: "Rolled back",
  cancelled: "Cancelled",
};

export const phaseStatusLabel: Record<PhaseStatus, string> = {
  pending: "Pending",
  active: "Active",
  passed: "Passed",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export const strategyLabel: Record<PlanStrategy, string> = {
  canary: "Canary",
  blue_green: "Blue-green",
  rolling: "Rolling",
  flag_based: "Flag-based",
};

export const checklistKindLabel: Record<ChecklistKind, string> = {
  pre_deployment: "Pre-deployment",
  go_no_go: "Go/no-go",
  post_deployment: "Post-deployment validation",
  post_rollback: "Post-rollback",
};

export const validationWindowLabel: Record<ValidationWindow, string> = {
  immediate: "Immediate (0–30 min)",
  short_term: "Short-term (30 min–4 h)",
  long_term: "Long-term (4–24 h)",
};
