import type { JudgeSettings } from "../../lib/domain/judge";
import type { DraftMetric } from "../../lib/domain/templates";
import type { Database } from "../client";
import { rebuildRollups } from "../../lib/services/rollups";
import * as s from "../schema";
import type {
  ChecklistKind,
  Cohort,
  Comparison,
  CriterionKind,
  DecisionKind,
  ItemState,
  PhaseStatus,
  ProjectRole,
  TriggerAction,
  TriggerMode,
  ValidationWindow,
} from "../schema/enums";

// Writes plans the way the services will: every change of state leaves its audit event, so the
// demo's history (decisions, ticks, sign-offs, incidents) is in the trail from the first start.

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface Actor {
  id: string;
  name: string;
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface ItemSpec {
  key: string;
  text: string;
  required?: boolean;
  assigneeRole?: ProjectRole;
  state?: ItemState;
  reason?: string;
  evidenceUrl?: string;
  by?: Actor;
  at?: Date;
}

export interface ChecklistSpec {
  kind: ChecklistKind;
  title: string;
  window?: ValidationWindow;
  signoffRoles?: ProjectRole[];
  items: ItemSpec[];
  signedBy?: { user: Actor; role: ProjectRole; at: Date }[];
}

export interface PhaseSpec {
  name: string;
  audience: string;
  traffic: number;
  goal?: string;
  status: PhaseStatus;
  plannedStart: Date;
  plannedEnd: Date;
  actualStart?: Date;
  actualEnd?: Date;
  minDurationMinutes?: number;
  requiredApprovals?: number;
  approvals?: { user: Actor; role: ProjectRole; at: Date; spent?: boolean }[];
  checklists?: ChecklistSpec[];
  criteria?: {
    metric: string;
    comparison: Comparison;
    value: number;
    sustainedMinutes: number;
    kind?: CriterionKind;
    judge?: JudgeSettings;
  }[];
}

/** Same shape as a template's metrics. */
export type MetricSpec = DraftMetric;

export interface TriggerSpec {
  metric: string | null;
  description: string;
  mode?: TriggerMode;
  comparison?: Comparison;
  value: number;
  durationMinutes: number;
  action: TriggerAction;
  phase?: string;
  judge?: JudgeSettings;
}

export class PlanBuilder {
  readonly phaseIds = new Map<string, string>();
  readonly metricIds = new Map<string, string>();
  readonly triggerIds: string[] = [];

  constructor(
    private readonly tx: Tx,
    readonly projectId: string,
    readonly planId: string,
  ) {}

  /**
   * An audit event of the demo's story. The database stamps every audit row with the time it is
   * written, so the story's own time travels in `after.at`.
   */
  async audit(
    actor: Actor | "system",
    action: string,
    entityType: string,
    entityId: string,
    at: Date,
    after?: Record<string, unknown>,
    before?: unknown,
  ) {
    await this.tx.insert(s.auditEvents).values({
      projectId: this.projectId,
      planId: this.planId,
      actorKind: actor === "system" ? "system" : "user",
      actorId: actor === "system" ? null : actor.id,
      actorLabel: actor === "system" ? "system" : actor.name,
      action,
      entityType,
      entityId,
      before: before ?? null,
      after: { ...after, at: at.toISOString() },
      requestId: `seed-${entityId.slice(0, 8)}`,
    });
  }

  async metrics(specs: MetricSpec[]) {
    let position = 0;
    for (const m of specs) {
      const [row] = await this.tx
        .insert(s.metrics)
        .values({
          planId: this.planId,
          key: m.key,
          label: m.label,
          unit: m.unit,
          direction: m.direction,
          target: m.target,
          alertThreshold: m.alert,
          criticalThreshold: m.critical,
          position: position++,
        })
        .returning({ id: s.metrics.id });
      this.metricIds.set(m.key, row!.id);
    }
  }

  metricId(key: string): string {
    const id = this.metricIds.get(key);
    if (!id) throw new Error(`seed: unknown metric ${key}`);
    return id;
  }

  async phases(specs: PhaseSpec[], approvalRoles: ProjectRole[] = ["approver"]) {
    for (const [position, p] of specs.entries()) {
      const [phase] = await this.tx
        .insert(s.phases)
        .values({
          planId: this.planId,
          position,
          name: p.name,
          audience: p.audience,
          trafficPercent: p.traffic,
          goal: p.goal ?? "",
          status: p.status,
          plannedStartAt: p.plannedStart,
          plannedEndAt: p.plannedEnd,
          actualStartAt: p.actualStart ?? null,
          actualEndAt: p.actualEnd ?? null,
          minDurationMinutes: p.minDurationMinutes ?? 0,
        })
        .returning({ id: s.phases.id });
      const phaseId = phase!.id;
      this.phaseIds.set(p.name, phaseId);
      const [gate] = await this.tx
        .insert(s.gates)
        .values({ phaseId, requiredApprovals: p.requiredApprovals ?? 1, approverRoles: approvalRoles })
        .returning({ id: s.gates.id });
      for (const a of p.approvals ?? []) {
        const [row] = await this.tx
          .insert(s.approvals)
          .values({
            gateId: gate!.id,
            userId: a.user.id,
            role: a.role,
            createdAt: a.at,
            voidedAt: a.spent ? a.at : null,
          })
          .returning({ id: s.approvals.id });
        await this.audit(a.user, "gate.approved", "approval", row!.id, a.at, { phase: p.name, role: a.role });
      }
      for (const c of p.checklists ?? []) await this.checklist(c, phaseId);
      for (const c of p.criteria ?? []) {
        await this.tx.insert(s.successCriteria).values({
          phaseId,
          metricId: this.metricId(c.metric),
          comparison: c.comparison,
          value: c.value,
          sustainedMinutes: c.sustainedMinutes,
          kind: c.kind ?? "threshold",
          judge: c.judge ?? null,
        });
      }
    }
  }

  phaseId(name: string): string {
    const id = this.phaseIds.get(name);
    if (!id) throw new Error(`seed: unknown phase ${name}`);
    return id;
  }

  async checklist(spec: ChecklistSpec, phaseId: string | null, position = 0) {
    const [list] = await this.tx
      .insert(s.checklists)
      .values({
        planId: this.planId,
        phaseId,
        kind: spec.kind,
        title: spec.title,
        window: spec.window ?? null,
        requiredSignoffRoles: spec.signoffRoles ?? [],
        position,
      })
      .returning({ id: s.checklists.id });
    const checklistId = list!.id;
    for (const [i, item] of spec.items.entries()) {
      const settled = item.state && item.state !== "open";
      const [row] = await this.tx
        .insert(s.checklistItems)
        .values({
          checklistId,
          key: item.key,
          text: item.text,
          required: item.required ?? true,
          assigneeRole: item.assigneeRole ?? null,
          state: item.state ?? "open",
          reason: item.reason ?? null,
          evidenceUrl: item.evidenceUrl ?? null,
          position: i,
          updatedById: settled ? (item.by?.id ?? null) : null,
          updatedAt: settled ? (item.at ?? null) : null,
        })
        .returning({ id: s.checklistItems.id });
      if (settled && item.by && item.at) {
        await this.audit(
          item.by,
          "checklist_item.updated",
          "checklist_item",
          row!.id,
          item.at,
          {
            key: item.key,
            state: item.state,
            ...(item.evidenceUrl ? { evidenceUrl: item.evidenceUrl } : {}),
            ...(item.reason ? { reason: item.reason } : {}),
          },
          { key: item.key, state: "open" },
        );
      }
    }
    for (const so of spec.signedBy ?? []) {
      const [row] = await this.tx
        .insert(s.signOffs)
        .values({ checklistId, userId: so.user.id, role: so.role, signedAt: so.at })
        .returning({ id: s.signOffs.id });
      await this.audit(so.user, "checklist.signed", "sign_off", row!.id, so.at, {
        checklist: spec.title,
        role: so.role,
      });
    }
    return checklistId;
  }

  async decision(input: {
    phase: string;
    kind: DecisionKind;
    rationale: string;
    by: Actor | "system";
    at: Date;
    planVersion: number;
  }) {
    const [row] = await this.tx
      .insert(s.decisions)
      .values({
        planId: this.planId,
        phaseId: this.phaseId(input.phase),
        kind: input.kind,
        rationale: input.rationale,
        actorKind: input.by === "system" ? "system" : "user",
        deciderId: input.by === "system" ? null : input.by.id,
        planVersion: input.planVersion,
        decidedAt: input.at,
      })
      .returning({ id: s.decisions.id });
    await this.audit(input.by, `decision.${input.kind}`, "decision", row!.id, input.at, {
      phase: input.phase,
      kind: input.kind,
      rationale: input.rationale,
    });
    return row!.id;
  }

  async triggers(specs: TriggerSpec[]) {
    for (const t of specs) {
      const [row] = await this.tx
        .insert(s.rollbackTriggers)
        .values({
          planId: this.planId,
          phaseId: t.phase ? this.phaseId(t.phase) : null,
          metricId: t.metric ? this.metricId(t.metric) : null,
          description: t.description,
          mode: t.mode ?? "absolute",
          comparison: t.comparison ?? "gt",
          value: t.value,
          durationMinutes: t.durationMinutes,
          action: t.action,
          judge: t.judge ?? null,
        })
        .returning({ id: s.rollbackTriggers.id });
      this.triggerIds.push(row!.id);
    }
  }

  /** Inserts samples in batches; `fn` returns the value at an instant or null for a gap. */
  async series(metric: string, cohort: Cohort, from: Date, to: Date, stepMs: number, fn: (t: number) => number | null) {
    const metricId = this.metricId(metric);
    let batch: (typeof s.samples.$inferInsert)[] = [];
    for (let t = from.getTime(); t <= to.getTime(); t += stepMs) {
      const value = fn(t);
      if (value === null) continue;
      batch.push({ metricId, cohort, ts: new Date(t), value: Math.round(value * 1000) / 1000 });
      if (batch.length === 2000) {
        await this.tx.insert(s.samples).values(batch);
        batch = [];
      }
    }
    if (batch.length) await this.tx.insert(s.samples).values(batch);
    await rebuildRollups(this.tx, [metricId]);
  }

  /**
   * A rate pushed as counts (errors of requests per step), as pipelines send it for the canary
   * judge: the value is their ratio, in percent when `percent`.
   */
  async countSeries(
    metric: string,
    cohort: Cohort,
    from: Date,
    to: Date,
    stepMs: number,
    percent: boolean,
    fn: (t: number) => { numerator: number; denominator: number } | null,
  ) {
    const metricId = this.metricId(metric);
    let batch: (typeof s.samples.$inferInsert)[] = [];
    for (let t = from.getTime(); t <= to.getTime(); t += stepMs) {
      const counts = fn(t);
      if (!counts || counts.denominator <= 0) continue;
      const numerator = Math.min(counts.numerator, counts.denominator);
      batch.push({
        metricId,
        cohort,
        ts: new Date(t),
        value: Math.round((numerator / counts.denominator) * (percent ? 100 : 1) * 1e6) / 1e6,
        numerator,
        denominator: counts.denominator,
      });
      if (batch.length === 2000) {
        await this.tx.insert(s.samples).values(batch);
        batch = [];
      }
    }
    if (batch.length) await this.tx.insert(s.samples).values(batch);
    await rebuildRollups(this.tx, [metricId]);
  }
}

/** A small deterministic PRNG (mulberry32) so the demo looks the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A daily wave (busier in the afternoon UTC) plus noise, around `base`. */
export function wave(rand: () => number, base: number, amplitude: number, noise: number) {
  return (t: number) => {
    const day = ((t % DAY) / DAY) * 2 * Math.PI;
    return base + amplitude * Math.sin(day - Math.PI / 2) + (rand() - 0.5) * 2 * noise;
  };
}
