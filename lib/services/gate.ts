import { and, asc, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { approvals, checklistItems, checklists, gates, metrics, samples, signOffs, successCriteria } from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import { checklistProgress } from "@/lib/domain/checklist-progress";
import { criterionWindow, evaluateCriterion } from "@/lib/domain/criteria";
import { readCanary } from "@/lib/domain/canary-data";
import type { CriterionVerdict } from "@/lib/domain/criteria";
import { describeCriterion, evaluateGate, type GateVerdict } from "@/lib/domain/gate-summary";
import { readJudgeSettings } from "@/lib/domain/judge-settings";
import { canaryMinutes } from "@/lib/queries/canary";
import type { Tx } from "./context";

export interface GateState {
  gateId: string | null;
  requiredApprovals: number;
  approverRoles: ProjectRole[];
  approvals: { id: string; userId: string; role: ProjectRole }[];
  criteria: { id: string; description: string; met: boolean; reason: string | null }[];
  verdict: GateVerdict;
}

/** Everything a phase's go decision depends on, read in the caller's transaction, and the verdict. */
export async function loadGateState(db: Database | Tx, phase: { id: string; actualStartAt: Date | null }, now: Date): Promise<GateState> {
  const [gate] = await db.select().from(gates).where(eq(gates.phaseId, phase.id));
  const live = gate
    ? await db.select({ id: approvals.id, userId: approvals.userId, role: approvals.role }).from(approvals).where(and(eq(approvals.gateId, gate.id), isNull(approvals.voidedAt)))
    : [];

  const lists = await db.select().from(checklists).where(and(eq(checklists.phaseId, phase.id), eq(checklists.kind, "go_no_go"))).orderBy(asc(checklists.position));
  const listIds = lists.map((l) => l.id);
  const [items, signs] = listIds.length
    ? await Promise.all([
        db.select().from(checklistItems).where(inArray(checklistItems.checklistId, listIds)),
        db.select().from(signOffs).where(and(inArray(signOffs.checklistId, listIds), isNull(signOffs.voidedAt))),
      ])
    : [[], []];

  const criteriaRows = await db
    .select({
      id: successCriteria.id,
      kind: successCriteria.kind,
      judge: successCriteria.judge,
      comparison: successCriteria.comparison,
      value: successCriteria.value,
      sustainedMinutes: successCriteria.sustainedMinutes,
      metricId: metrics.id,
      label: metrics.label,
      unit: metrics.unit,
      direction: metrics.direction,
    })
    .from(successCriteria)
    .innerJoin(metrics, eq(metrics.id, successCriteria.metricId))
    .where(eq(successCriteria.phaseId, phase.id));
  const criteria = await Promise.all(
    criteriaRows.map(async (c) => {
      if (c.kind === "canary_not_worse") return { id: c.id, description: describeCriterion(c, c), verdict: await canaryPasses(db, c, phase, now) };
      const { from } = criterionWindow(c, phase.actualStartAt, now);
      const [stats] = await db
        .select({
          count: sql<number>`count(*)::int`,
          min: sql<number | null>`min(${samples.value})`,
          max: sql<number | null>`max(${samples.value})`,
          first: sql<string | null>`min(${samples.ts})::text`,
          last: sql<string | null>`max(${samples.ts})::text`,
        })
        .from(samples)
        .where(and(eq(samples.metricId, c.metricId), eq(samples.cohort, "canary"), gte(samples.ts, from), lte(samples.ts, now)));
      const verdict = evaluateCriterion(
        c,
        {
          count: Number(stats?.count ?? 0),
          min: stats?.min == null ? null : Number(stats.min),
          max: stats?.max == null ? null : Number(stats.max),
          first: stats?.first ? new Date(stats.first) : null,
          last: stats?.last ? new Date(stats.last) : null,
        },
        phase.actualStartAt,
        now,
      );
      return { id: c.id, description: describeCriterion(c, c), verdict };
    }),
  );

  const verdict = evaluateGate({
    requiredApprovals: gate?.requiredApprovals ?? 0,
    approverRoles: gate?.approverRoles ?? ["approver"],
    liveApprovals: live.length,
    requireSuccessCriteria: gate?.requireSuccessCriteria ?? true,
    criteria,
    lists: lists.map((l) => {
      const own = items.filter((i) => i.checklistId === l.id);
      return {
        title: l.title,
        progress: checklistProgress(own),
        requiredSignoffRoles: l.requiredSignoffRoles,
        validSignoffRoles: signs.filter((s) => s.checklistId === l.id).map((s) => s.role),
        blockedItems: own.filter((i) => i.state === "blocked").map((i) => ({ text: i.text, reason: i.reason })),
      };
    }),
  });

  return {
    gateId: gate?.id ?? null,
    requiredApprovals: gate?.requiredApprovals ?? 0,
    approverRoles: gate?.approverRoles ?? ["approver"],
    approvals: live,
    criteria: criteria.map((c) => ({ id: c.id, description: c.description, met: c.verdict.met, reason: c.verdict.met ? null : c.verdict.reason })),
    verdict,
  };
}

/**
 * "Canary not worse than baseline": met only when the canary judge says pass on everything both
 * cohorts sent since the phase started; otherwise its sentence says why not (or what it needs).
 */
async function canaryPasses(
  db: Database | Tx,
  c: { metricId: string; label: string; unit: string; direction: "lower_is_better" | "higher_is_better"; judge: unknown },
  phase: { actualStartAt: Date | null },
  now: Date,
): Promise<CriterionVerdict> {
  if (!phase.actualStartAt) return { met: false, reason: "the phase has not started" };
  const rows = await canaryMinutes(db, c.metricId, phase.actualStartAt, now);
  const { judgement } = readCanary(rows, { label: c.label, unit: c.unit, direction: c.direction, settings: readJudgeSettings(c.judge, c.unit) });
  return judgement.verdict === "pass" ? { met: true } : { met: false, reason: judgement.sentence };
}
