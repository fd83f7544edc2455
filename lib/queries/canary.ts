import type { Database } from "@/db/client";
import {
  type CanaryReading,
  cohortsFrom,
  effectOverTime,
  type EffectPoint,
  readCanary,
} from "@/lib/domain/canary-data";
import type { JudgeSettings } from "@/lib/domain/judge";
import { readJudgeSettings } from "@/lib/domain/judge-settings";
import { canaryMinutes } from "@/lib/reads/canary-minutes";

export interface CanaryPanelKpi {
  metricId: string;
  key: string;
  label: string;
  unit: string;
  direction: "lower_is_better" | "higher_is_better";
  settings: JudgeSettings;
  /** What uses the judgement: an automatic or alerting trigger, a success criterion. */
  uses: ("automatic rollback" | "alert" | "success criterion")[];
  reading: CanaryReading;
  /** For a rate pushed as counts, what each cohort sent since the phase started (errors of requests), else null. */
  counts: Record<"canary" | "baseline", { numerator: number; denominator: number }> | null;
  /** The judgement as it stood over the phase, for the effect chart. */
  series: EffectPoint[];
}

export interface CanaryPanel {
  phase: { id: string; name: string; from: Date; to: Date; active: boolean };
  kpis: CanaryPanelKpi[];
}

type PanelPlan = {
  status: string;
  phases: readonly {
    id: string;
    name: string;
    status: string;
    actualStartAt: Date | null;
    actualEndAt: Date | null;
    successCriteria: readonly { metricId: string; kind: string; judge: unknown }[];
  }[];
  metrics: readonly {
    id: string;
    key: string;
    label: string;
    unit: string;
    direction: "lower_is_better" | "higher_is_better";
  }[];
  rollbackTriggers: readonly {
    metricId: string | null;
    phaseId: string | null;
    mode: string;
    enabled: boolean;
    action: string;
    judge: unknown;
  }[];
};

/**
 * The canary judge for the plan page: each KPI a canary trigger or criterion judges in the active
 * phase (or, once the plan has stopped, in the last phase that ran), with the judgement now and
 * over the phase. Null when nothing is judged.
 */
export async function canaryPanel(db: Database, plan: PanelPlan, now: Date): Promise<CanaryPanel | null> {
  const phase =
    plan.phases.find((p) => p.status === "active") ??
    [...plan.phases]
      .filter((p) => p.actualStartAt)
      .sort((a, b) => b.actualStartAt!.getTime() - a.actualStartAt!.getTime())[0];
  if (!phase?.actualStartAt) return null;
  const uses = new Map<string, { settings: unknown; uses: Set<CanaryPanelKpi["uses"][number]> }>();
  const judgedBy = (metricId: string, settings: unknown, what: CanaryPanelKpi["uses"][number]) => {
    const entry = uses.get(metricId) ?? { settings, uses: new Set() };
    entry.uses.add(what);
    uses.set(metricId, entry);
  };
  for (const t of plan.rollbackTriggers) {
    if (t.mode === "canary_worse" && t.enabled && t.metricId && (t.phaseId === null || t.phaseId === phase.id))
      judgedBy(t.metricId, t.judge, t.action === "automatic_rollback" ? "automatic rollback" : "alert");
  }
  for (const c of phase.successCriteria)
    if (c.kind === "canary_not_worse") judgedBy(c.metricId, c.judge, "success criterion");
  if (uses.size === 0) return null;
  const active = phase.status === "active";
  const to = active ? now : (phase.actualEndAt ?? now);
  const kpis = await Promise.all(
    plan.metrics
      .filter((m) => uses.has(m.id))
      .map(async (m): Promise<CanaryPanelKpi> => {
        const entry = uses.get(m.id)!;
        const settings = readJudgeSettings(entry.settings, m.unit);
        const rows = await canaryMinutes(db, m.id, phase.actualStartAt!, to);
        const input = { label: m.label, unit: m.unit, direction: m.direction, settings };
        const reading = readCanary(rows, input);
        const { canary, baseline } = cohortsFrom(rows, reading.form);
        const counts =
          canary.kind === "counts" && baseline.kind === "counts"
            ? {
                canary: { numerator: canary.numerator, denominator: canary.denominator },
                baseline: { numerator: baseline.numerator, denominator: baseline.denominator },
              }
            : null;
        return {
          metricId: m.id,
          key: m.key,
          label: m.label,
          unit: m.unit,
          direction: m.direction,
          settings,
          uses: [...entry.uses],
          reading,
          counts,
          series: effectOverTime(rows, input),
        };
      }),
  );
  return { phase: { id: phase.id, name: phase.name, from: phase.actualStartAt, to, active }, kpis };
}
