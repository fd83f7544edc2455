import type { DocChecklist, DocMetric, DocTrigger, PlanDocument } from "./schema";
import { LIMITS } from "./schema";
import type { RawCriterion } from "./criteria";
import type { StepDraft } from "./steps";
import { keyFromLabel } from "@/lib/domain/kpi-rules";
import { cleanBlock, cleanInline, type NumberStyle } from "./text";

// What the importer has gathered so far while it walks a document's sections.

export type Kind = DocChecklist["kind"];
export type Mode =
  | "generic"
  | "phase"
  | "checklist"
  | "metrics"
  | "triggers"
  | "risks"
  | "comms"
  | "escalation"
  | "roles"
  | "notes"
  | "overview";

export interface Ctx {
  mode: Mode;
  /** The document's number of the phase this section belongs to. */
  phase: number | null;
  kind: Kind | null;
  action: DocTrigger["action"] | null;
  path: string[];
}

export interface PhaseDraft {
  number: number;
  fields: Partial<Record<"name" | "audience" | "durationText" | "goal", { value: string; rank: number }>>;
  traffic: number | null;
}

export interface ChecklistDraft {
  title: string;
  kind: Kind;
  window: DocChecklist["window"];
  phase: number | null;
  items: DocChecklist["items"];
  /** The heading it came under, which may name its phase ("Go/No-Go before Full release"). */
  heading: string;
}

/** Steps found together (one list, one paragraph, sibling sections with Target lines). */
export interface StepGroup {
  label: string;
  steps: StepDraft[];
}

/** How much of each top-level section became structure, and how much stayed notes. */
export interface SectionTally {
  heading: string;
  read: number;
  noted: number;
}

export class Reader {
  constructor(readonly style: NumberStyle = "point") {}
  name = "";
  version = "";
  summary: string[] = [];
  strategy: PlanDocument["strategy"] | null = null;
  kind: PlanDocument["kind"] | null = null;
  /** The heading the numbered stage sections sit under, to name their sequence. */
  stagesLabel: string | null = null;
  phases = new Map<number, PhaseDraft>();
  checklists: ChecklistDraft[] = [];
  metrics = new Map<string, DocMetric>();
  rawTriggers: RawCriterion[] = [];
  stepGroups: StepGroup[] = [];
  private readonly groupsByKey = new Map<string, StepGroup>();
  sections: SectionTally[] = [];
  /** The top-level section being read: what it reads and notes is counted for it. */
  current: SectionTally | null = null;
  risks: PlanDocument["risks"] = [];
  comms: PlanDocument["comms"] = [];
  escalation: PlanDocument["escalation"] = [];
  roles: PlanDocument["roles"] = [];
  notes = new Map<string, string[]>();
  htmlRemoved = 0;

  /** Something of the current section was understood. */
  read() {
    if (this.current) this.current.read++;
  }

  /** Steps of a sequence; steps given the same key (sibling sections) join one group. */
  addSteps(label: string, steps: StepDraft[], key?: string) {
    const existing = key ? this.groupsByKey.get(key) : undefined;
    if (existing) {
      existing.steps.push(...steps);
      return;
    }
    const group = { label: cleanInline(label, LIMITS.title) || "Steps", steps: [...steps] };
    this.stepGroups.push(group);
    if (key) this.groupsByKey.set(key, group);
  }

  note(section: string, text: string) {
    const clean = cleanBlock(text);
    if (!clean) return;
    if (this.current) this.current.noted++;
    const key = cleanInline(section, LIMITS.noteSection) || "Document";
    const list = this.notes.get(key) ?? [];
    list.push(clean);
    this.notes.set(key, list);
  }

  phase(number: number): PhaseDraft {
    let p = this.phases.get(number);
    if (!p) {
      p = { number, fields: {}, traffic: null };
      this.phases.set(number, p);
    }
    return p;
  }

  setPhase(number: number, field: keyof PhaseDraft["fields"], value: string, rank: number) {
    const clean = cleanInline(value);
    if (!clean) return;
    const p = this.phase(number);
    const current = p.fields[field];
    if (!current || current.rank < rank) p.fields[field] = { value: clean, rank };
  }

  addMetric(metric: DocMetric, where: string) {
    let existing = this.metrics.get(metric.key);
    // Two KPIs the common words map to one key ("Error rate (5xx)" and "Error rate (4xx)") stay two.
    if (existing && normalLabel(existing.label) !== normalLabel(metric.label) && metric.label) {
      const own = keyFromLabel(metric.label) || metric.key;
      if (!this.metrics.has(own) || normalLabel(this.metrics.get(own)!.label) === normalLabel(metric.label)) {
        metric = { ...metric, key: own };
        existing = this.metrics.get(own);
      }
    }
    if (!existing) {
      this.metrics.set(metric.key, metric);
      return;
    }
    // One KPI per key in a plan: the first value wins, a later different one is kept as a note.
    for (const field of ["target", "alert", "critical"] as const) {
      const value = metric[field];
      if (value === null) continue;
      if (existing[field] === null) existing[field] = value;
      else if (existing[field] !== value)
        this.note(
          where,
          `${metric.label}: ${field} ${value}${metric.unit} here; the plan keeps ${existing[field]}${existing.unit} from earlier in the document`,
        );
    }
  }

  /** A new checklist, or (`reuse`) the last one when it has the same title and phase: several lists under one heading. */
  checklist(ctx: Ctx, title: string, kind: Kind | null, reuse = false): ChecklistDraft {
    const last = this.checklists.at(-1);
    if (reuse && last && last.title === title && last.phase === ctx.phase) return last;
    const resolved = kind ?? ctx.kind ?? (ctx.phase !== null ? "go_no_go" : "pre_deployment");
    const list: ChecklistDraft = {
      title,
      kind: resolved,
      window: null,
      phase: ctx.phase,
      items: [],
      heading: ctx.path.join(" › "),
    };
    this.checklists.push(list);
    return list;
  }
}

const normalLabel = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
