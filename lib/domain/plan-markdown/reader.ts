import type { DocChecklist, DocMetric, DocTrigger, PlanDocument } from "./schema";
import { LIMITS } from "./schema";
import { cleanBlock, cleanInline } from "./text";

// What the importer has gathered so far while it walks a document's sections.

export type Kind = DocChecklist["kind"];
export type Mode = "generic" | "phase" | "checklist" | "metrics" | "triggers" | "risks" | "comms" | "escalation" | "roles" | "notes" | "overview";

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
}

export class Reader {
  name = "";
  version = "";
  summary: string[] = [];
  strategy: PlanDocument["strategy"] | null = null;
  phases = new Map<number, PhaseDraft>();
  checklists: ChecklistDraft[] = [];
  metrics = new Map<string, DocMetric>();
  rawTriggers: { text: string; action: DocTrigger["action"] | null }[] = [];
  risks: PlanDocument["risks"] = [];
  comms: PlanDocument["comms"] = [];
  escalation: PlanDocument["escalation"] = [];
  roles: PlanDocument["roles"] = [];
  notes = new Map<string, string[]>();
  htmlRemoved = 0;

  note(section: string, text: string) {
    const clean = cleanBlock(text);
    if (!clean) return;
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
    const existing = this.metrics.get(metric.key);
    if (!existing) {
      this.metrics.set(metric.key, metric);
      return;
    }
    // One KPI per key in a plan: the first value wins, a later different one is kept as a note.
    for (const field of ["target", "alert", "critical"] as const) {
      const value = metric[field];
      if (value === null) continue;
      if (existing[field] === null) existing[field] = value;
      else if (existing[field] !== value) this.note(where, `${metric.label}: ${field} ${value}${metric.unit} here; the plan keeps ${existing[field]}${existing.unit} from earlier in the document`);
    }
  }

  /** A new checklist, or (`reuse`) the last one when it has the same title and phase: several lists under one heading. */
  checklist(ctx: Ctx, title: string, kind: Kind | null, reuse = false): ChecklistDraft {
    const last = this.checklists.at(-1);
    if (reuse && last && last.title === title && last.phase === ctx.phase) return last;
    const resolved = kind ?? ctx.kind ?? (ctx.phase !== null ? "go_no_go" : "pre_deployment");
    const list: ChecklistDraft = { title, kind: resolved, window: null, phase: ctx.phase, items: [] };
    this.checklists.push(list);
    return list;
  }
}

