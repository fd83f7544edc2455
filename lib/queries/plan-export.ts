import { judgeSettingsSchema } from "@/lib/domain/judge-settings";
import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { checklistItems, checklists, commsEntries, escalationLevels, metrics, phases, plans } from "@/db/schema";
import { parsePlanMarkdown, type PlanDocument } from "@/lib/domain/plan-markdown";
import { planIdSchema } from "./plan";

const DAY_MS = 86_400_000;

/**
 * A stored plan as a document for export: every field the Markdown and JSON exports carry.
 * A phase's duration is its planned span in whole days; roles and notes come from the plan's
 * notes, where an import keeps them.
 */
export async function loadPlanForExport(
  db: Database,
  planId: string,
): Promise<{ projectId: string; document: PlanDocument } | null> {
  if (!planIdSchema.safeParse(planId).success) return null;
  const plan = await db.query.plans.findFirst({
    where: eq(plans.id, planId),
    with: {
      phases: { orderBy: asc(phases.position) },
      checklists: { orderBy: asc(checklists.position), with: { items: { orderBy: asc(checklistItems.position) } } },
      metrics: { orderBy: asc(metrics.position) },
      rollbackTriggers: true,
      risks: true,
      commsEntries: { orderBy: asc(commsEntries.position) },
      escalationLevels: { orderBy: asc(escalationLevels.level) },
    },
  });
  if (!plan) return null;
  const metricKey = new Map(plan.metrics.map((m) => [m.id, m.key]));
  const kept = parsePlanMarkdown(plan.notes);
  const byText =
    <T>(key: (t: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const document: PlanDocument = {
    kind: plan.kind,
    name: plan.name,
    version: plan.releaseVersion,
    summary: plan.summary,
    strategy: plan.strategy,
    phases: plan.phases.map((p) => {
      const days =
        p.plannedStartAt && p.plannedEndAt
          ? Math.round((p.plannedEndAt.getTime() - p.plannedStartAt.getTime()) / DAY_MS)
          : 0;
      return {
        name: p.name,
        audience: p.audience,
        trafficPercent: p.trafficPercent,
        durationText: days > 0 ? `${days} ${days === 1 ? "day" : "days"}` : "",
        plannedDays: days > 0 ? days : null,
        goal: p.goal,
      };
    }),
    checklists: plan.checklists
      .map((c) => ({ c, phase: c.phaseId ? plan.phases.findIndex((p) => p.id === c.phaseId) : null }))
      // Plan-wide lists first, then each phase's: the order an export lists them in.
      .sort((a, b) => (a.phase ?? -1) - (b.phase ?? -1) || a.c.position - b.c.position)
      .map(({ c, phase }) => ({
        title: c.title,
        kind: c.kind,
        window: c.window,
        phase,
        items: c.items.map((i) => ({ text: i.text, done: i.state === "done" })),
      })),
    metrics: plan.metrics.map((m) => ({
      key: m.key,
      label: m.label,
      unit: m.unit,
      direction: m.direction,
      target: m.target,
      alert: m.alertThreshold,
      critical: m.criticalThreshold,
    })),
    // Triggers and risks have no stored order: the export lists them by their words.
    triggers: plan.rollbackTriggers
      .map((t) => ({
        description: t.description,
        metric: t.metricId ? (metricKey.get(t.metricId) ?? null) : null,
        mode: t.mode,
        comparison: t.comparison,
        value: t.value,
        durationMinutes: t.durationMinutes,
        action: t.action,
        ...(t.mode === "canary_worse" ? { judge: judgeSettingsSchema.safeParse(t.judge).data ?? null } : {}),
      }))
      .sort(byText((t) => `${t.description}\u0000${t.metric ?? ""}\u0000${t.value}`)),
    risks: plan.risks
      .map((r) => ({
        description: r.description,
        likelihood: r.likelihood,
        impact: r.impact,
        mitigation: r.mitigation,
      }))
      .sort(byText((r) => `${r.description}\u0000${r.mitigation}`)),
    comms: plan.commsEntries.map((c) => ({
      event: c.event,
      timing: c.timing,
      channel: c.channel,
      audience: c.audience,
      template: c.template,
    })),
    escalation: plan.escalationLevels.map((e) => ({ level: e.level, who: e.who, afterMinutes: e.afterMinutes })),
    roles: kept.roles,
    notes: kept.notes,
    sequences: [],
    sections: [],
  };
  return { projectId: plan.projectId, document };
}
