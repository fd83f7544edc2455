// Four-eyes approvals: in a project that asks for them, nobody approves their own release. The
// plan's owner and the person who records the go do not count as approvers of that gate, and a go
// needs approvals from at least `minDistinctApprovers` distinct people (and never fewer than the
// gate itself asks for).

export const MIN_DISTINCT_APPROVERS = 1;
export const MAX_DISTINCT_APPROVERS = 5;

export interface FourEyesPolicy {
  fourEyes: boolean;
  minDistinctApprovers: number;
}

export interface Person {
  id: string;
  name: string;
}

export interface FourEyesInput {
  policy: FourEyesPolicy;
  /** Approvals the gate asks for on its own. */
  requiredApprovals: number;
  /** The gate's live approvals, by who gave them. */
  approvals: readonly { userId: string }[];
  owner: Person | null;
  /** Who records the go; null while nobody is recording one (a page shows the gate). */
  decider: Person | null;
}

export interface FourEyesCount {
  /** Distinct people whose approval counts. */
  counted: number;
  /** Distinct people needed. */
  needed: number;
  holds: boolean;
  /** "Four-eyes: approvals by the plan owner (Rina) and by whoever records the go do not count: 1 of 2 distinct approvers". */
  text: string;
}

const clampNeeded = (n: number) =>
  Math.min(MAX_DISTINCT_APPROVERS, Math.max(MIN_DISTINCT_APPROVERS, Math.trunc(n) || MIN_DISTINCT_APPROVERS));

/** How a four-eyes gate counts its approvals; null when the project does not ask for four eyes. */
export function countFourEyes({
  policy,
  requiredApprovals,
  approvals,
  owner,
  decider,
}: FourEyesInput): FourEyesCount | null {
  if (!policy.fourEyes) return null;
  const excluded = new Set([owner?.id, decider?.id].filter((id): id is string => Boolean(id)));
  const counted = new Set(approvals.map((a) => a.userId).filter((id) => !excluded.has(id))).size;
  const needed = Math.max(clampNeeded(policy.minDistinctApprovers), requiredApprovals);
  const ownerWords = owner ? `the plan owner (${owner.name})` : "the plan owner";
  const deciderWords = decider ? `whoever records the go (${decider.name})` : "whoever records the go";
  return {
    counted,
    needed,
    holds: counted >= needed,
    text: `Four-eyes: approvals by ${ownerWords} and by ${deciderWords} do not count: ${counted} of ${needed} distinct approver${needed === 1 ? "" : "s"}`,
  };
}
