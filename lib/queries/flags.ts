import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditEvents, flagSegmentRules, flags, phases, plans, segments, type Flag, type Segment } from "@/db/schema";
import type { PlanStatus } from "@/db/schema/enums";
import { currentTraffic } from "@/lib/domain/rollout";

// Flags and segments as the project page and the plan page show them: each flag with its ordered
// rules, where its rollout % comes from and what it is right now, and who last switched it.

export interface FlagRuleView {
  segmentId: string;
  variant: string;
  segment: Pick<Segment, "id" | "key" | "name" | "kind" | "userKeys" | "attribute" | "operator" | "values">;
}

export type RolloutSource =
  | { kind: "plan"; planId: string; planName: string; planStatus: PlanStatus; phaseName: string | null }
  | { kind: "manual" };

export interface FlagView extends Omit<Flag, "updatedAt"> {
  updatedAt: Date;
  rules: FlagRuleView[];
  /** The share served the rollout variant right now (0–100). */
  rolloutPercent: number;
  source: RolloutSource;
  /** The last kill-switch change: who, when and why. */
  lastSwitch: { enabled: boolean; by: string; at: Date; reason: string | null } | null;
}

export interface SegmentView extends Segment {
  /** Keys of the flags whose rules use this segment. */
  usedBy: string[];
}

/** The phase a bound flag follows, in words: the active one, or what the plan's state says instead. */
function followedPhase(status: PlanStatus, planPhases: { name: string; status: string }[]): string | null {
  const active = planPhases.find((p) => p.status === "active");
  if (active) return active.name;
  const passed = planPhases.filter((p) => p.status === "passed").at(-1);
  switch (status) {
    case "draft":
    case "scheduled":
      return "not started";
    case "rolled_back":
      return "rolled back";
    case "cancelled":
      return "cancelled";
    default:
      return passed ? `${passed.name} (passed)` : null;
  }
}

async function describeFlags(db: Database, rows: Flag[]): Promise<FlagView[]> {
  if (rows.length === 0) return [];
  const flagIds = rows.map((f) => f.id);
  const planIds = [...new Set(rows.map((f) => f.planId).filter((id): id is string => id !== null))];
  const [rules, planRows, phaseRows, switches] = await Promise.all([
    db
      .select({
        flagId: flagSegmentRules.flagId,
        segmentId: flagSegmentRules.segmentId,
        variant: flagSegmentRules.variant,
        segment: segments,
      })
      .from(flagSegmentRules)
      .innerJoin(segments, eq(segments.id, flagSegmentRules.segmentId))
      .where(inArray(flagSegmentRules.flagId, flagIds))
      .orderBy(asc(flagSegmentRules.position)),
    planIds.length
      ? db
          .select({ id: plans.id, name: plans.name, status: plans.status })
          .from(plans)
          .where(inArray(plans.id, planIds))
      : [],
    planIds.length
      ? db
          .select({
            planId: phases.planId,
            name: phases.name,
            status: phases.status,
            trafficPercent: phases.trafficPercent,
          })
          .from(phases)
          .where(inArray(phases.planId, planIds))
          .orderBy(asc(phases.position))
      : [],
    db
      .select({
        entityId: auditEvents.entityId,
        action: auditEvents.action,
        by: auditEvents.actorLabel,
        at: auditEvents.createdAt,
        after: auditEvents.after,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.entityType, "flag"),
          inArray(auditEvents.entityId, flagIds),
          inArray(auditEvents.action, ["flag.killed", "flag.enabled"]),
        ),
      )
      .orderBy(desc(auditEvents.id)),
  ]);
  const planById = new Map(planRows.map((p) => [p.id, p]));
  return rows.map((flag) => {
    const plan = flag.planId ? planById.get(flag.planId) : undefined;
    const planPhases = plan ? phaseRows.filter((p) => p.planId === plan.id) : [];
    const lastSwitch = switches.find((s) => s.entityId === flag.id);
    return {
      ...flag,
      rules: rules
        .filter((r) => r.flagId === flag.id)
        .map(({ segmentId, variant, segment }) => ({ segmentId, variant, segment })),
      rolloutPercent: plan ? currentTraffic(plan.status, planPhases) : (flag.manualRolloutPercent ?? 0),
      source: plan
        ? {
            kind: "plan",
            planId: plan.id,
            planName: plan.name,
            planStatus: plan.status,
            phaseName: followedPhase(plan.status, planPhases),
          }
        : { kind: "manual" },
      lastSwitch: lastSwitch
        ? {
            enabled: lastSwitch.action === "flag.enabled",
            by: lastSwitch.by,
            at: lastSwitch.at,
            reason: ((lastSwitch.after as { reason?: string | null } | null)?.reason ?? null) || null,
          }
        : null,
    };
  });
}

/** A project's flags, by key. */
export async function projectFlags(db: Database, projectId: string): Promise<FlagView[]> {
  return describeFlags(db, await db.select().from(flags).where(eq(flags.projectId, projectId)).orderBy(asc(flags.key)));
}

/** The flags whose rollout % follows this plan's active phase, by key. */
export async function flagsBoundToPlan(db: Database, planId: string): Promise<FlagView[]> {
  return describeFlags(db, await db.select().from(flags).where(eq(flags.planId, planId)).orderBy(asc(flags.key)));
}

/** A project's segments, by name, with the flags that use each. */
export async function projectSegments(db: Database, projectId: string): Promise<SegmentView[]> {
  const [rows, uses] = await Promise.all([
    db.select().from(segments).where(eq(segments.projectId, projectId)).orderBy(asc(segments.name), asc(segments.key)),
    db
      .select({ segmentId: flagSegmentRules.segmentId, key: flags.key })
      .from(flagSegmentRules)
      .innerJoin(flags, eq(flags.id, flagSegmentRules.flagId))
      .where(eq(flags.projectId, projectId))
      .orderBy(asc(flags.key)),
  ]);
  return rows.map((s) => ({ ...s, usedBy: uses.filter((u) => u.segmentId === s.id).map((u) => u.key) }));
}

/** Plans of the project a flag may follow, newest first. */
export async function plansForBinding(db: Database, projectId: string) {
  return db
    .select({ id: plans.id, name: plans.name, releaseVersion: plans.releaseVersion, status: plans.status })
    .from(plans)
    .where(eq(plans.projectId, projectId))
    .orderBy(desc(plans.createdAt));
}
