import { z } from "zod";
import { judgeSettingsSchema } from "@/lib/domain/judge-settings";
import { METRIC_KEY_PATTERN, thresholdProblems } from "@/lib/domain/kpi-rules";
import { cleanBlock, cleanInline } from "./text";

// The plan as a document: what the Markdown importer understood, what the preview editor changes
// and what the exporter writes. Every string is plain text (never HTML): the schema cleans it
// again, so a client that sends its own preview cannot smuggle markup or control characters in.

export const LIMITS = {
  name: 120,
  version: 40,
  summary: 2000,
  phaseName: 80,
  audience: 300,
  goal: 300,
  durationText: 80,
  title: 120,
  itemText: 500,
  label: 120,
  unit: 20,
  description: 300,
  cell: 500,
  noteSection: 200,
  noteText: 20_000,
  phases: 30,
  checklists: 100,
  items: 200,
  rows: 200,
  notes: 300,
} as const;

const inline = (max: number) =>
  z
    .string()
    .transform((s) => cleanInline(s))
    .pipe(z.string().max(max, { error: `Use at most ${max} characters` }));
const required = (max: number, what: string) => inline(max).pipe(z.string().min(1, { error: `Enter ${what}` }));
const block = (max: number) =>
  z
    .string()
    .transform((s) => cleanBlock(s))
    .pipe(z.string().max(max, { error: `Use at most ${max} characters` }));
const finite = z.number({ error: "Enter a number" }).refine(Number.isFinite, { error: "Enter a finite number" });

export const STRATEGIES = ["canary", "blue_green", "rolling", "flag_based"] as const;
export const CHECKLIST_KINDS = ["pre_deployment", "go_no_go", "post_deployment", "post_rollback"] as const;
export const WINDOWS = ["immediate", "short_term", "long_term"] as const;
export const DIRECTIONS = ["lower_is_better", "higher_is_better"] as const;
export const COMPARISONS = ["lt", "lte", "gt", "gte"] as const;
export const TRIGGER_MODES = ["absolute", "relative_to_baseline", "degradation_pct", "canary_worse"] as const;
export const TRIGGER_ACTIONS = ["automatic_rollback", "alert_only"] as const;
export const LEVELS = ["low", "medium", "high"] as const;

export const phaseSchema = z.object({
  name: required(LIMITS.phaseName, "a phase name"),
  audience: inline(LIMITS.audience),
  /** 0–100; a range in the document ("5-10% of users") is read as its upper bound. */
  trafficPercent: finite
    .min(0, { error: "Traffic is between 0 and 100%" })
    .max(100, { error: "Traffic is between 0 and 100%" }),
  durationText: inline(LIMITS.durationText),
  /** Days the phase is planned for, read from the duration text (upper bound of a range); null when it gives none. */
  plannedDays: z.number().int().min(0).max(3650).nullable(),
  goal: inline(LIMITS.goal),
});

export const itemSchema = z.object({ text: required(LIMITS.itemText, "the item's text"), done: z.boolean() });

export const checklistSchema = z.object({
  title: required(LIMITS.title, "a checklist title"),
  kind: z.enum(CHECKLIST_KINDS),
  /** Post-deployment validation lists only: when after the phase starts they are due. */
  window: z.enum(WINDOWS).nullable(),
  /** Index into `phases`; null for a plan-wide list. */
  phase: z.number().int().min(0).nullable(),
  items: z.array(itemSchema).max(LIMITS.items),
});

export const metricSchema = z.object({
  key: z
    .string()
    .regex(METRIC_KEY_PATTERN, { error: "Use lowercase letters, digits, _ and . (starting with a letter)" }),
  label: required(LIMITS.label, "a KPI label"),
  unit: inline(LIMITS.unit),
  direction: z.enum(DIRECTIONS),
  target: finite.nullable(),
  alert: finite.nullable(),
  critical: finite.nullable(),
});

export const triggerSchema = z.object({
  description: required(LIMITS.description, "a trigger description"),
  /** Key of one of `metrics`; null for a condition people judge (never evaluated automatically). */
  metric: z.string().nullable(),
  mode: z.enum(TRIGGER_MODES),
  comparison: z.enum(COMPARISONS),
  value: finite,
  durationMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  action: z.enum(TRIGGER_ACTIONS),
  /** The canary judge's settings (mode canary_worse); absent or null for the defaults. */
  judge: judgeSettingsSchema.nullable().optional(),
});

export const riskSchema = z.object({
  description: required(LIMITS.cell, "the risk"),
  likelihood: z.enum(LEVELS),
  impact: z.enum(LEVELS),
  mitigation: inline(LIMITS.cell),
});

export const commsSchema = z.object({
  event: required(LIMITS.cell, "the event"),
  timing: inline(LIMITS.cell),
  channel: inline(LIMITS.cell),
  audience: inline(LIMITS.cell),
  template: inline(LIMITS.cell),
});

export const escalationSchema = z.object({
  level: z.number().int().min(1).max(99),
  who: required(LIMITS.cell, "who is escalated to"),
  afterMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
});

/** A role the document names and who holds it, as written (a name, a team, a placeholder). */
export const roleSchema = z.object({ role: required(LIMITS.cell, "the role"), who: inline(LIMITS.cell) });

/** A part of the document the importer did not map to a structure, kept verbatim as plain text. */
export const noteSchema = z.object({
  section: inline(LIMITS.noteSection),
  text: block(LIMITS.noteText).pipe(z.string().min(1)),
});

export const PLAN_KINDS = ["rollout", "rollback_runbook"] as const;
export const SECTION_STATUSES = ["read", "partial", "note"] as const;

/** One traffic sequence a document describes (a soft launch, a canary…): the person picks one. */
export const sequenceSchema = z.object({
  label: inline(LIMITS.title),
  phases: z.array(phaseSchema).max(LIMITS.phases),
});

/** How much of a section the importer understood: all of it, some (the rest kept as notes), or none. */
export const sectionSchema = z.object({ heading: inline(LIMITS.noteSection), status: z.enum(SECTION_STATUSES) });

export const planDocumentSchema = z
  .object({
    /** A rollout moves traffic up to 100%; a rollback runbook's phases are the steps of rolling back. */
    kind: z.enum(PLAN_KINDS).default("rollout"),
    name: required(LIMITS.name, "a plan name"),
    version: inline(LIMITS.version),
    summary: block(LIMITS.summary),
    strategy: z.enum(STRATEGIES),
    phases: z.array(phaseSchema).max(LIMITS.phases),
    checklists: z.array(checklistSchema).max(LIMITS.checklists),
    metrics: z.array(metricSchema).max(LIMITS.rows),
    triggers: z.array(triggerSchema).max(LIMITS.rows),
    risks: z.array(riskSchema).max(LIMITS.rows),
    comms: z.array(commsSchema).max(LIMITS.rows),
    escalation: z.array(escalationSchema).max(LIMITS.rows),
    roles: z.array(roleSchema).max(LIMITS.rows),
    notes: z.array(noteSchema).max(LIMITS.notes),
    /** Every traffic sequence found, when there is more than one; `phases` is the one chosen. */
    sequences: z.array(sequenceSchema).max(5).default([]),
    sections: z.array(sectionSchema).max(LIMITS.notes).default([]),
  })
  .superRefine((plan, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    plan.checklists.forEach((list, i) => {
      if (list.phase !== null && list.phase >= plan.phases.length)
        problem(["checklists", i, "phase"], "Choose one of the plan's phases");
      if (list.kind === "go_no_go" && list.phase === null)
        problem(["checklists", i, "phase"], "A go/no-go checklist belongs to a phase");
      if (list.kind === "post_deployment" && list.window === null)
        problem(["checklists", i, "window"], "Choose when the validation is due");
      if (list.kind !== "post_deployment" && list.window !== null)
        problem(["checklists", i, "window"], "Only post-deployment validation has a window");
    });
    const keys = new Set<string>();
    plan.metrics.forEach((m, i) => {
      if (keys.has(m.key)) problem(["metrics", i, "key"], `"${m.key}" appears twice`);
      keys.add(m.key);
      const problems = thresholdProblems({
        direction: m.direction,
        target: m.target,
        alertThreshold: m.alert,
        criticalThreshold: m.critical,
      });
      const names = { target: "target", alertThreshold: "alert", criticalThreshold: "critical" } as const;
      for (const [field, messages] of Object.entries(problems))
        for (const message of messages)
          problem(["metrics", i, names[field as keyof typeof names]], `${m.label}: ${message}`);
    });
    plan.triggers.forEach((t, i) => {
      if (t.metric !== null && !keys.has(t.metric))
        problem(["triggers", i, "metric"], `No KPI with the key "${t.metric}"`);
      if (t.action === "automatic_rollback" && t.metric === null)
        problem(["triggers", i, "action"], "An automatic rollback needs a KPI to watch");
    });
    const levels = new Set<number>();
    plan.escalation.forEach((e, i) => {
      if (levels.has(e.level)) problem(["escalation", i, "level"], `Level ${e.level} appears twice`);
      levels.add(e.level);
    });
  });

export type PlanDocument = z.output<typeof planDocumentSchema>;
/** What the importer understood from a document, before a person fixes and saves it. */
export type PlanImportPreview = PlanDocument;
export type DocPhase = PlanDocument["phases"][number];
export type DocChecklist = PlanDocument["checklists"][number];
export type DocMetric = PlanDocument["metrics"][number];
export type DocTrigger = PlanDocument["triggers"][number];
export type DocNote = PlanDocument["notes"][number];
export type DocRole = PlanDocument["roles"][number];
export type DocSequence = PlanDocument["sequences"][number];
export type DocSection = PlanDocument["sections"][number];

/** The plan a document describes, without what a preview says about reading it (sections, alternative sequences). */
export function planContent(doc: PlanDocument): Omit<PlanDocument, "sections" | "sequences"> {
  const { sections, sequences, ...plan } = doc;
  void sections;
  void sequences;
  return plan;
}
