import type { Comparison, ItemState, ProjectRole } from "@/db/schema/enums";
import { type ChecklistProgress, checklistProgress } from "./checklist-progress";
import { countFourEyes, type FourEyesInput } from "./four-eyes";

// What a phase's gate is waiting on, in words a release manager can act on.

/** A go/no-go list as its gate weighs it. */
export interface GateList {
  title: string;
  progress: ChecklistProgress;
  requiredSignoffRoles: readonly ProjectRole[];
  validSignoffRoles: readonly ProjectRole[];
  blockedItems: readonly { text: string; reason: string | null }[];
}

export interface GateSummaryInput {
  requiredApprovals: number;
  approverRoles: readonly ProjectRole[];
  liveApprovals: number;
  lists: readonly GateList[];
  /** The project's four-eyes rule and who approved, owns and decides; absent when not known. */
  fourEyes?: Omit<FourEyesInput, "requiredApprovals"> | null;
}

/** A go/no-go list, its items and the roles whose sign-off still stands, as its gate weighs them. */
export function gateList(
  list: { title: string; requiredSignoffRoles: readonly ProjectRole[] },
  items: readonly { state: ItemState; required: boolean; text: string; reason: string | null }[],
  liveSignoffRoles: readonly ProjectRole[],
): GateList {
  return {
    title: list.title,
    progress: checklistProgress(items),
    requiredSignoffRoles: list.requiredSignoffRoles,
    validSignoffRoles: liveSignoffRoles,
    blockedItems: items.filter((i) => i.state === "blocked").map((i) => ({ text: i.text, reason: i.reason })),
  };
}

const roleLabel: Record<ProjectRole, string> = {
  viewer: "viewer",
  engineer: "engineer",
  release_manager: "release manager",
  approver: "approver",
};

export function describeRoles(roles: readonly ProjectRole[]): string {
  const names = roles.map((r) => roleLabel[r]);
  if (names.length <= 1) return names[0] ?? "anyone";
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

export function gateBlockers(input: GateSummaryInput): string[] {
  return gateConditions(input).map((c) => c.text);
}

/** What stands between a gate and a go decision, apart from success criteria, with each one's kind. */
export function gateConditions(input: GateSummaryInput): GateCondition[] {
  const blockers: GateCondition[] = [];
  const missing = input.requiredApprovals - input.liveApprovals;
  const fourEyes = input.fourEyes
    ? countFourEyes({ ...input.fourEyes, requiredApprovals: input.requiredApprovals })
    : null;
  if (fourEyes) {
    if (!fourEyes.holds) blockers.push({ kind: "four_eyes", text: fourEyes.text });
  } else if (missing > 0) {
    blockers.push({
      kind: "approvals",
      text: `${input.liveApprovals} of ${input.requiredApprovals} approvals given: ${missing} more needed from ${describeRoles(input.approverRoles)}`,
    });
  }
  for (const list of input.lists) {
    const { requiredOutstanding } = list.progress;
    if (requiredOutstanding > 0) {
      blockers.push({
        kind: "checklist",
        text: `${list.title}: ${requiredOutstanding} required item${requiredOutstanding === 1 ? "" : "s"} not done`,
      });
    }
    for (const item of list.blockedItems) {
      blockers.push({ kind: "checklist", text: `Blocked: ${item.text}${item.reason ? ` (${item.reason})` : ""}` });
    }
    const unsigned = list.requiredSignoffRoles.filter((r) => !list.validSignoffRoles.includes(r));
    if (unsigned.length > 0)
      blockers.push({ kind: "checklist", text: `${list.title}: sign-off missing from ${describeRoles(unsigned)}` });
  }
  return blockers;
}

const comparisonSymbol: Record<Comparison, string> = { lt: "<", lte: "≤", gt: ">", gte: "≥" };

export function formatMinutes(minutes: number): string {
  if (minutes === 0) return "";
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** "Error rate < 1% for 3 days". */
export function describeCondition(
  label: string,
  comparison: Comparison,
  value: number,
  unit: string,
  minutes: number,
): string {
  const duration = formatMinutes(minutes);
  const spacer = unit === "%" || unit === "" ? "" : " ";
  return `${label} ${comparisonSymbol[comparison]} ${value}${spacer}${unit}${duration ? ` for ${duration}` : ""}`;
}

/** A success criterion in words: a threshold on the canary, or the canary judge's pass. */
export function describeCriterion(
  metric: { label: string; unit: string },
  c: { kind?: "threshold" | "canary_not_worse"; comparison: Comparison; value: number; sustainedMinutes: number },
): string {
  if (c.kind === "canary_not_worse") return `${metric.label} not worse on the canary than the baseline`;
  return describeCondition(metric.label, c.comparison, c.value, metric.unit, c.sustainedMinutes);
}

export interface GateInput extends GateSummaryInput {
  requireSuccessCriteria: boolean;
  criteria: readonly { description: string; verdict: { met: true } | { met: false; reason: string } }[];
}

/** An unmet condition of a gate: what kind it is, and what it says. */
export interface GateCondition {
  /** Approvals (four-eyes included), checklists and sign-offs can never be overridden; success criteria can, with a reason. */
  kind: "approvals" | "four_eyes" | "checklist" | "criterion";
  text: string;
}

export interface GateVerdict {
  holds: boolean;
  /** Every unmet condition, in words. */
  unmet: string[];
  /** The same conditions with their kinds, in the same order. */
  conditions: GateCondition[];
  /** Unmet conditions a release manager may override with a written reason (criteria only). */
  overridable: boolean;
}

/**
 * A go decision needs: the approvals, required checklist items done or n/a, valid sign-offs,
 * and (when the gate asks for them) every success criterion met. Only unmet success criteria may
 * be overridden; approvals, checklists and sign-offs may not.
 */
export function evaluateGate(input: GateInput): GateVerdict {
  const hard = gateConditions(input);
  const soft: GateCondition[] = input.requireSuccessCriteria
    ? input.criteria
        .filter((c) => !c.verdict.met)
        .map((c) => ({
          kind: "criterion",
          text: `Success criterion not met: ${c.description} (${(c.verdict as { reason: string }).reason})`,
        }))
    : [];
  const conditions = [...hard, ...soft];
  return {
    holds: conditions.length === 0,
    unmet: conditions.map((c) => c.text),
    conditions,
    overridable: hard.length === 0 && soft.length > 0,
  };
}
