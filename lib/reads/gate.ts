import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Database, rowsOf, type Tx } from "@/db/client";
import {
  approvals,
  checklistItems,
  checklists,
  gates,
  metrics,
  phases,
  plans,
  projects,
  samples,
  signOffs,
  successCriteria,
  users,
} from "@/db/schema";
import type { ProjectRole } from "@/db/schema/enums";
import { criterionWindow, evaluateCriterion } from "@/lib/domain/criteria";
import { type MinuteRow, readCanary } from "@/lib/domain/canary-data";
import type { CriterionVerdict } from "@/lib/domain/criteria";
import { describeCriterion, evaluateGate, gateList, type GateVerdict } from "@/lib/domain/gate-summary";
import type { Person } from "@/lib/domain/four-eyes";
import { readJudgeSettings } from "@/lib/domain/judge-settings";
import { canaryMinutesOf } from "./canary-minutes";

export interface GateState {
  gateId: string | null;
  requiredApprovals: number;
  approverRoles: ProjectRole[];
  approvals: { id: string; userId: string; role: ProjectRole }[];
  criteria: { id: string; description: string; met: boolean; reason: string | null }[];
  verdict: GateVerdict;
}

/** Who is recording the go, when someone is: under four-eyes their own approval does not count. */
export interface GateOptions {
  decider?: Person | null;
}

/** Everything a phase's go decision depends on, read in the caller's transaction, and the verdict. */
export async function loadGateState(
  db: Database | Tx,
  phase: GatePhase,
  now: Date,
  options: GateOptions = {},
): Promise<GateState> {
  return (await loadGateStates(db, [phase], now, options)).get(phase.id)!;
}

export interface GatePhase {
  id: string;
  actualStartAt: Date | null;
}

/**
 * The gate states of many phases with a fixed number of queries, however many phases there are
 * (the portfolio reads every running plan's gate at once). Keyed by phase id.
 */
export async function loadGateStates(
  db: Database | Tx,
  phaseList: readonly GatePhase[],
  now: Date,
  { decider = null }: GateOptions = {},
): Promise<Map<string, GateState>> {
  const states = new Map<string, GateState>();
  if (phaseList.length === 0) return states;
  const phaseIds = [...new Set(phaseList.map((p) => p.id))];

  const [gateRows, lists, criteriaRows, governance] = await Promise.all([
    db.select().from(gates).where(inArray(gates.phaseId, phaseIds)),
    db
      .select()
      .from(checklists)
      .where(and(inArray(checklists.phaseId, phaseIds), eq(checklists.kind, "go_no_go")))
      .orderBy(asc(checklists.position)),
    db
      .select({
        id: successCriteria.id,
        phaseId: successCriteria.phaseId,
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
      .where(inArray(successCriteria.phaseId, phaseIds)),
    // The project's four-eyes rule and the plan's owner, for each phase.
    db
      .select({
        phaseId: phases.id,
        fourEyes: projects.fourEyes,
        minDistinctApprovers: projects.minDistinctApprovers,
        ownerId: plans.ownerId,
        ownerName: users.name,
      })
      .from(phases)
      .innerJoin(plans, eq(plans.id, phases.planId))
      .innerJoin(projects, eq(projects.id, plans.projectId))
      .leftJoin(users, eq(users.id, plans.ownerId))
      .where(inArray(phases.id, phaseIds)),
  ]);
  const gateIds = gateRows.map((g) => g.id);
  const listIds = lists.map((l) => l.id);
  const phaseStart = new Map(phaseList.map((p) => [p.id, p.actualStartAt]));
  const thresholds = criteriaRows.filter((c) => c.kind !== "canary_not_worse");
  const judged = criteriaRows.filter((c) => c.kind === "canary_not_worse" && phaseStart.get(c.phaseId));

  const [live, items, signs, stats, minutes] = await Promise.all([
    gateIds.length
      ? db
          .select({ id: approvals.id, gateId: approvals.gateId, userId: approvals.userId, role: approvals.role })
          .from(approvals)
          .where(and(inArray(approvals.gateId, gateIds), isNull(approvals.voidedAt)))
      : [],
    listIds.length ? db.select().from(checklistItems).where(inArray(checklistItems.checklistId, listIds)) : [],
    listIds.length
      ? db
          .select()
          .from(signOffs)
          .where(and(inArray(signOffs.checklistId, listIds), isNull(signOffs.voidedAt)))
      : [],
    criterionStats(
      db,
      thresholds.map((c) => ({
        id: c.id,
        metricId: c.metricId,
        from: criterionWindow(c, phaseStart.get(c.phaseId) ?? null, now).from,
      })),
      now,
    ),
    canaryMinutesOf(
      db,
      judged.map((c) => ({ metricId: c.metricId, from: phaseStart.get(c.phaseId)! })),
      now,
    ),
  ]);

  for (const phase of phaseList) {
    if (states.has(phase.id)) continue;
    const gate = gateRows.find((g) => g.phaseId === phase.id);
    const gateApprovals = gate
      ? live.filter((a) => a.gateId === gate.id).map(({ id, userId, role }) => ({ id, userId, role }))
      : [];
    const phaseLists = lists.filter((l) => l.phaseId === phase.id);
    const criteria = criteriaRows
      .filter((c) => c.phaseId === phase.id)
      .map((c) => {
        if (c.kind === "canary_not_worse") {
          return {
            id: c.id,
            description: describeCriterion(c, c),
            verdict: canaryPasses(c, phase, minutes.get(`${c.metricId}|${phase.actualStartAt?.getTime()}`) ?? []),
          };
        }
        const verdict = evaluateCriterion(c, stats.get(c.id) ?? EMPTY_STATS, phase.actualStartAt, now);
        return { id: c.id, description: describeCriterion(c, c), verdict };
      });

    const rule = governance.find((g) => g.phaseId === phase.id);
    const verdict = evaluateGate({
      fourEyes:
        rule && gate
          ? {
              policy: rule,
              approvals: gateApprovals,
              owner: rule.ownerId ? { id: rule.ownerId, name: rule.ownerName ?? "unknown" } : null,
              decider,
            }
          : null,
      requiredApprovals: gate?.requiredApprovals ?? 0,
      approverRoles: gate?.approverRoles ?? ["approver"],
      liveApprovals: gateApprovals.length,
      requireSuccessCriteria: gate?.requireSuccessCriteria ?? true,
      criteria,
      lists: phaseLists.map((l) =>
        gateList(
          l,
          items.filter((i) => i.checklistId === l.id),
          signs.filter((s) => s.checklistId === l.id).map((s) => s.role),
        ),
      ),
    });

    states.set(phase.id, {
      gateId: gate?.id ?? null,
      requiredApprovals: gate?.requiredApprovals ?? 0,
      approverRoles: gate?.approverRoles ?? ["approver"],
      approvals: gateApprovals,
      criteria: criteria.map((c) => ({
        id: c.id,
        description: c.description,
        met: c.verdict.met,
        reason: c.verdict.met ? null : c.verdict.reason,
      })),
      verdict,
    });
  }
  return states;
}

type WindowStats = Parameters<typeof evaluateCriterion>[1];
const EMPTY_STATS: WindowStats = { count: 0, min: null, max: null, first: null, last: null };

/** Count, min, max, first and last canary sample of each criterion's window, in one query. */
async function criterionStats(
  db: Database | Tx,
  windows: { id: string; metricId: string; from: Date }[],
  now: Date,
): Promise<Map<string, WindowStats>> {
  const result = new Map<string, WindowStats>();
  if (windows.length === 0) return result;
  const rows = rowsOf<{
    id: string;
    count: number;
    min: number | null;
    max: number | null;
    first: string | null;
    last: string | null;
  }>(
    await db.execute(sql`
      select w.id, st.count, st.min, st.max, st.first, st.last
      from jsonb_to_recordset(${JSON.stringify(windows)}::jsonb) as w(id uuid, "metricId" uuid, "from" timestamptz)
      -- Lateral, so each window is an index range scan however many samples the table holds.
      cross join lateral (
        select count(*)::int as count, min(s.value) as min, max(s.value) as max, min(s.ts)::text as first, max(s.ts)::text as last
        from ${samples} s
        where s.metric_id = w."metricId" and s.cohort = 'canary' and s.ts >= w."from" and s.ts <= ${now.toISOString()}::timestamptz
      ) st`),
  );
  for (const r of rows) {
    result.set(r.id, {
      count: Number(r.count ?? 0),
      min: r.min == null ? null : Number(r.min),
      max: r.max == null ? null : Number(r.max),
      first: r.first ? new Date(r.first) : null,
      last: r.last ? new Date(r.last) : null,
    });
  }
  return result;
}

/**
 * "Canary not worse than baseline": met only when the canary judge says pass on everything both
 * cohorts sent since the phase started; otherwise its sentence says why not (or what it needs).
 */
function canaryPasses(
  c: { label: string; unit: string; direction: "lower_is_better" | "higher_is_better"; judge: unknown },
  phase: { actualStartAt: Date | null },
  rows: MinuteRow[],
): CriterionVerdict {
  if (!phase.actualStartAt) return { met: false, reason: "the phase has not started" };
  const { judgement } = readCanary(rows, {
    label: c.label,
    unit: c.unit,
    direction: c.direction,
    settings: readJudgeSettings(c.judge, c.unit),
  });
  return judgement.verdict === "pass" ? { met: true } : { met: false, reason: judgement.sentence };
}
