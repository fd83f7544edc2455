import type { DraftChecklist, PlanDraft } from "@/lib/domain/templates";
import type { DocChecklist, PlanDocument } from "./schema";

// A previewed document → the plan draft the plan service writes (the same path as a template).
// What a document cannot say is left at its safe default: no required sign-off roles, one
// approval per gate, no minimum phase duration. Those are edited on the plan afterwards.

/** A checklist item key for CI ("All tests passing" → "all-tests-passing"), unique in its list. */
export function itemKey(text: string, taken: Set<string>): string {
  const slug =
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "item";
  let key = slug;
  for (let n = 2; taken.has(key); n++) key = `${slug}-${n}`;
  taken.add(key);
  return key;
}

function draftChecklist(list: DocChecklist): DraftChecklist {
  const taken = new Set<string>();
  return {
    kind: list.kind,
    title: list.title,
    ...(list.window ? { window: list.window } : {}),
    signoffRoles: [],
    items: list.items.map((item) => ({ key: itemKey(item.text, taken), text: item.text, done: item.done })),
  };
}

/**
 * Whatever keeps a valid document from becoming a plan that can start, by field: a rollout's
 * phases reach at least as many users as the one before and the last reaches everyone (a
 * rollback runbook's steps move no traffic).
 */
export function savingProblems(doc: PlanDocument): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (!doc.version) problems.version = ["Enter the release version (e.g. 2.4.0)"];
  if (!doc.phases.length) problems.phases = ["A plan needs at least one phase"];
  if (doc.kind === "rollout" && doc.phases.length) {
    doc.phases.forEach((p, i) => {
      const before = doc.phases[i - 1];
      if (before && p.trafficPercent < before.trafficPercent) {
        problems[`phases.${i}.trafficPercent`] = [
          `${p.name} (${p.trafficPercent}%) comes after ${before.name} (${before.trafficPercent}%): traffic rises from phase to phase`,
        ];
      }
    });
    const last = doc.phases.at(-1)!;
    if (last.trafficPercent !== 100) {
      const key = `phases.${doc.phases.length - 1}.trafficPercent`;
      problems[key] = [
        ...(problems[key] ?? []),
        `The last phase (${last.name}) reaches ${last.trafficPercent}%: a rollout ends at 100%. Raise it, add a phase, or save the document as a rollback runbook`,
      ];
    }
  }
  return problems;
}

export function draftFromDocument(doc: PlanDocument): PlanDraft {
  return {
    strategy: doc.strategy,
    summary: doc.summary,
    phases: doc.phases.map((p, i) => ({
      name: p.name,
      audience: p.audience,
      trafficPercent: p.trafficPercent,
      goal: p.goal,
      durationDays: p.plannedDays ?? 0,
      minDurationMinutes: 0,
      requiredApprovals: 1,
      checklists: doc.checklists.filter((c) => c.phase === i).map(draftChecklist),
      criteria: [],
    })),
    checklists: doc.checklists.filter((c) => c.phase === null).map(draftChecklist),
    metrics: doc.metrics,
    triggers: doc.triggers.map((t) => ({
      metric: t.metric,
      description: t.description,
      mode: t.mode,
      comparison: t.comparison,
      value: t.value,
      durationMinutes: t.durationMinutes,
      action: t.action,
      judge: t.judge ?? null,
    })),
    comms: doc.comms,
    risks: doc.risks,
    escalation: doc.escalation,
    migrationSteps: [],
  };
}
