import type { List, Paragraph, RootContent } from "mdast";
import { type ChecklistDraft, type Ctx, type Kind, Reader } from "./reader";
import type { DocChecklist, DocTrigger, PlanDocument } from "./schema";
import { escalationSchema, LIMITS, triggerSchema } from "./schema";
import { asciiStages, commsTable, escalationTable, metricItem, metricsTable, phasesTable, risksTable, rolesTable } from "./tables";
import {
  cleanBlock,
  cleanInline,
  convertUnit,
  kindFromHeading,
  normaliseHeading,
  readDays,
  readHoldMinutes,
  readNumber,
  readPercent,
  readQuantity,
  strategyMentioned,
  strategyNamed,
  VOCABULARY as V,
  windowFromHeading,
} from "./text";
import { blockText, countHtml, inlineText, itemText, parseTree, plain, type Section, sectionsOf, tableRows } from "./tree";

// Markdown rollout plan → what Phasegate understood. Headings say what a section holds (English
// or Indonesian words); tables, task lists and bold labels carry the values. Whatever is not
// understood is kept as a note with the heading it came from, never dropped.

const EXPLICIT_TRIGGER = /^(.*?)\s+—\s+when\s+(no metric|[a-z][a-z0-9_.]{0,63})\s+(>=|<=|>|<)\s+(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(× baseline|% degradation)?\s+for\s+(\d+)\s+min,\s+(automatic rollback|alert only)$/;
const COMPARISON_OF: Record<string, DocTrigger["comparison"]> = { ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" };
const TYPE_LINE = /^(type|jenis)\s*:\s*(.+)$/i;

function isTaskList(node: RootContent): node is List {
  return node.type === "list" && node.children.some((i) => typeof i.checked === "boolean");
}

function sectionPath(ctx: Ctx): string {
  return ctx.path.filter(Boolean).join(" › ");
}

/** Blocks of a section that no structure claimed: tables and code blocks may still be phases. */
function genericBlock(node: RootContent, reader: Reader, ctx: Ctx, heading: string) {
  const where = sectionPath(ctx) || "Document";
  if (node.type === "html") {
    reader.htmlRemoved += 1;
    return;
  }
  reader.htmlRemoved += countHtml(node);
  if (node.type === "table") {
    const rows = tableRows(node);
    if (phasesTable(rows, reader, ctx)) return;
    if (metricsTable(rows, reader, where) || risksTable(rows, reader) || commsTable(rows, reader, heading)) return;
    const strategyRow = rows.find((r) => /^(strategy|strategi)/i.test(r[0] ?? ""));
    const named = strategyRow ? strategyNamed(strategyRow.slice(1).join(" ")) : null;
    if (named && !reader.strategy) reader.strategy = named;
    reader.note(where, blockText(node));
    return;
  }
  if (node.type === "code" && asciiStages(node, reader)) return;
  if (isTaskList(node)) {
    listIntoChecklist(node, reader.checklist(ctx, cleanInline(heading, LIMITS.title) || "Checklist", kindFromHeading(heading), true));
    return;
  }
  reader.note(where, blockText(node));
}

function listIntoChecklist(list: List, checklist: ChecklistDraft) {
  for (const item of list.children) {
    const text = itemText(item, LIMITS.itemText);
    if (text) checklist.items.push({ text, done: item.checked === true });
  }
}

function typeLine(section: Section): { kind: Kind; window: DocChecklist["window"] } | null {
  for (const node of section.content) {
    if (node.type !== "paragraph") continue;
    const match = TYPE_LINE.exec(inlineText(node));
    if (!match) continue;
    const text = normaliseHeading(match[2]!);
    const kind: Kind = /rollback/.test(text) ? "post_rollback" : /post|pasca|setelah|validation|validasi/.test(text) ? "post_deployment" : /go\s*\/?\s*no/.test(text) ? "go_no_go" : "pre_deployment";
    return { kind, window: kind === "post_deployment" ? windowFromHeading(text) : null };
  }
  return null;
}

function triggerActionOf(heading: string, fallback: DocTrigger["action"] | null): DocTrigger["action"] | null {
  const h = normaliseHeading(heading);
  if (/automatic|otomatis|auto/.test(h)) return "automatic_rollback";
  if (/manual|alert|peringatan|decision|keputusan/.test(h)) return "alert_only";
  return fallback;
}

function classify(section: Section, ctx: Ctx): Ctx {
  const h = normaliseHeading(section.heading);
  const path = [...ctx.path, section.heading];
  const base = { ...ctx, path };
  if (ctx.mode === "notes") return base;
  if (V.phase.test(section.heading.trim())) return { ...base, mode: "phase", phase: Number(V.phase.exec(section.heading.trim())![2]), kind: null, action: null };
  if (typeLine(section)) return { ...base, mode: "checklist" };
  if (V.notes.test(h)) return { ...base, mode: "notes" };
  if (V.alerts.test(h)) return { ...base, mode: "triggers", action: "alert_only" };
  if (ctx.mode === "triggers" || V.triggers.test(h)) return { ...base, mode: "triggers", action: triggerActionOf(h, ctx.mode === "triggers" ? ctx.action : null) };
  for (const inherited of ["comms", "roles", "risks", "escalation"] as const) if (ctx.mode === inherited) return base;
  if (V.checklist.test(h) || V.prePost.test(h) || ctx.mode === "checklist") return { ...base, mode: "checklist", kind: kindFromHeading(h) ?? ctx.kind };
  if (V.risks.test(h)) return { ...base, mode: "risks" };
  if (V.escalation.test(h)) return { ...base, mode: "escalation" };
  if (V.roles.test(h)) return { ...base, mode: "roles" };
  if (V.comms.test(h)) return { ...base, mode: "comms" };
  if (V.metrics.test(h) || ctx.mode === "metrics") return { ...base, mode: "metrics" };
  if (V.overview.test(h) && ctx.phase === null) return { ...base, mode: "overview" };
  return { ...base, mode: ctx.phase !== null ? "phase" : "generic" };
}

function phaseField(section: Section, reader: Reader, ctx: Ctx, number: number): boolean {
  const h = normaliseHeading(section.heading);
  if (typeLine(section)) return false;
  const field = V.audience.test(h) ? "audience" : V.duration.test(h) ? "durationText" : V.goal.test(h) ? "goal" : V.traffic.test(h) ? "traffic" : null;
  if (!field || section.children.length) return false;
  const parts: string[] = [];
  for (const node of section.content) {
    if (node.type === "list") parts.push(...node.children.map((i) => itemText(i)));
    else if (node.type === "paragraph") parts.push(inlineText(node));
    else genericBlock(node, reader, { ...ctx, path: [...ctx.path, section.heading] }, section.heading);
  }
  const text = parts.filter(Boolean).join("; ");
  if (field === "traffic") {
    const pct = readPercent(text) ?? readPercent(`${text}%`);
    if (pct !== null) reader.phase(number).traffic = pct;
    else reader.note([...ctx.path, section.heading].join(" › "), text);
  } else {
    reader.setPhase(number, field, text, 5);
  }
  return true;
}

function walk(section: Section, reader: Reader, parent: Ctx) {
  if (parent.mode === "phase" && parent.phase !== null && phaseField(section, reader, parent, parent.phase)) return;
  const ctx = classify(section, parent);
  const where = sectionPath(ctx);
  const heading = section.heading;

  if (ctx.mode === "notes") {
    // Notes written by the exporter (or a "Notes" section): each subsection is one note, verbatim.
    const text = section.content.map(blockText).filter(Boolean).join("\n\n");
    if (parent.mode === "notes") reader.note(heading, text);
    else reader.note(where, text);
    for (const child of section.children) walk(child, reader, ctx);
    return;
  }

  if (ctx.mode === "phase" && ctx.phase !== null && ctx.phase !== parent.phase) {
    const match = V.phase.exec(heading.trim())!;
    const rest = (match[3] ?? "").trim();
    const paren = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(rest);
    if (paren && readDays(paren[2]!) !== null) {
      reader.setPhase(ctx.phase, "name", paren[1]!, 3);
      reader.setPhase(ctx.phase, "durationText", paren[2]!, 2);
    } else {
      reader.setPhase(ctx.phase, "name", rest || `${match[1]} ${match[2]}`, rest ? 3 : 1.5);
    }
  }

  switch (ctx.mode) {
    case "checklist": {
      const typed = typeLine(section);
      const hasList = section.content.some((n) => n.type === "list");
      if (typed || hasList) {
        const list = reader.checklist(ctx, cleanInline(heading, LIMITS.title) || "Checklist", typed?.kind ?? kindFromHeading(heading));
        if (typed) {
          list.kind = typed.kind;
          list.window = typed.window;
        }
        for (const node of section.content) {
          if (node.type === "list") listIntoChecklist(node, list);
          else if (!(node.type === "paragraph" && TYPE_LINE.test(inlineText(node)))) genericBlock(node, reader, ctx, heading);
        }
        if (list.kind === "post_deployment" && !list.window) list.window = windowFromHeading(heading);
      } else {
        for (const node of section.content) genericBlock(node, reader, ctx, heading);
      }
      break;
    }
    case "metrics":
      for (const node of section.content) {
        if (node.type === "list" && !node.children.some((i) => typeof i.checked === "boolean")) {
          const unread: string[] = [];
          for (const item of node.children) {
            const metric = metricItem(itemText(item));
            if (metric) reader.addMetric(metric, where);
            else unread.push(`- ${itemText(item)}`);
          }
          reader.note(where, unread.join("\n"));
        } else genericBlock(node, reader, ctx, heading);
      }
      break;
    case "triggers":
      for (const node of section.content) {
        if (node.type === "list") for (const item of node.children) reader.rawTriggers.push({ text: itemText(item), action: ctx.action });
        else if (node.type === "paragraph" && section.inline) reader.rawTriggers.push({ text: inlineText(node), action: ctx.action });
        else genericBlock(node, reader, ctx, heading);
      }
      break;
    case "risks":
      for (const node of section.content) {
        if (node.type === "table" && risksTable(tableRows(node), reader)) continue;
        if (node.type === "list") for (const item of node.children) reader.risks.push({ description: itemText(item, LIMITS.cell), likelihood: "medium", impact: "medium", mitigation: "" });
        else genericBlock(node, reader, ctx, heading);
      }
      break;
    case "comms":
      for (const node of section.content) {
        if (node.type === "table" && commsTable(tableRows(node), reader, heading)) continue;
        if (node.type === "list") for (const item of node.children) reader.comms.push({ event: cleanInline(heading, LIMITS.cell), timing: "", channel: "", audience: "", template: itemText(item, LIMITS.cell) });
        else genericBlock(node, reader, ctx, heading);
      }
      break;
    case "escalation":
    case "roles":
      for (const node of section.content) {
        if (node.type === "table" && ((ctx.mode === "escalation" && escalationTable(tableRows(node), reader)) || rolesTable(tableRows(node), reader))) continue;
        if (node.type === "list") {
          for (const item of node.children) {
            const text = itemText(item);
            const colon = text.indexOf(":");
            reader.roles.push(colon > 0 ? { role: cleanInline(text.slice(0, colon), LIMITS.cell), who: cleanInline(text.slice(colon + 1), LIMITS.cell) } : { role: cleanInline(text, LIMITS.cell), who: "" });
          }
        } else if (node.type === "paragraph" && section.inline) reader.roles.push({ role: cleanInline(heading, LIMITS.cell), who: inlineText(node, LIMITS.cell) });
        else genericBlock(node, reader, ctx, heading);
      }
      break;
    case "overview":
      for (const node of section.content) {
        if (node.type === "paragraph") reader.summary.push(cleanBlock(plain(node)));
        else genericBlock(node, reader, ctx, heading);
      }
      break;
    default:
      for (const node of section.content) genericBlock(node, reader, ctx, heading);
  }
  for (const child of section.children) walk(child, reader, ctx);
}

/** A bold label under the title: the version and strategy, or a detail kept as a note. */
function preambleLabel(section: Section, reader: Reader): boolean {
  if (!section.inline) return false;
  const value = section.content[0]?.type === "paragraph" ? inlineText(section.content[0] as Paragraph) : "";
  const h = normaliseHeading(section.heading);
  if (/^(version|versi|release|rilis)$/.test(h)) reader.version = cleanInline(value, LIMITS.version);
  else if (/^(strategy|strategi)$/.test(h) && strategyNamed(value)) reader.strategy = strategyNamed(value);
  else reader.note(section.heading, value);
  return true;
}

function resolveTriggers(reader: Reader): DocTrigger[] {
  const metrics = [...reader.metrics.values()];
  const words = (s: string) => ` ${normaliseHeading(s).replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
  return reader.rawTriggers
    .map(({ text, action }): DocTrigger | null => {
      const explicit = EXPLICIT_TRIGGER.exec(text);
      if (explicit) {
        const metric = explicit[2] === "no metric" ? null : explicit[2]!;
        const mode = explicit[5] === "× baseline" ? "relative_to_baseline" : explicit[5] === "% degradation" ? "degradation_pct" : "absolute";
        return {
          description: cleanInline(explicit[1]!, LIMITS.description),
          metric,
          mode,
          comparison: COMPARISON_OF[explicit[3]!]!,
          value: Number(explicit[4]),
          durationMinutes: Number(explicit[6]),
          action: explicit[7] === "automatic rollback" && metric ? "automatic_rollback" : "alert_only",
        };
      }
      const description = cleanInline(text, LIMITS.description);
      if (!description) return null;
      const t = words(text);
      const degradation = /degradation|degradasi|penurunan/.test(t);
      const relative = /(\d)\s*(×|x)\s*baseline|times baseline|kali baseline/i.test(text);
      const relativeValue = /(\d+(?:[.,]\d+)?)\s*(?:×|x)\s*baseline/i.exec(text);
      const q = readQuantity(text);
      // The KPI whose label (or key in words) the text names; the longest such label wins.
      const match = q
        ? metrics
            .filter((m) => t.includes(words(m.label).trimEnd()) || t.includes(words(m.key.replace(/[_.]/g, " ")).trimEnd()))
            .sort((a, b) => b.label.length - a.label.length)[0]
        : undefined;
      const metric = match ?? null;
      const mode = degradation ? "degradation_pct" : relative ? "relative_to_baseline" : "absolute";
      const raw = relative && relativeValue ? readNumber(relativeValue[1]!) : (q?.value ?? 0);
      const value = metric && mode === "absolute" && q?.unit && metric.unit && q.unit !== metric.unit ? convertUnit(raw, q.unit, metric.unit) : raw;
      return {
        description,
        metric: metric?.key ?? null,
        mode,
        comparison: q?.comparison ?? "gt",
        value,
        durationMinutes: readHoldMinutes(text),
        action: metric && (action ?? "automatic_rollback") === "automatic_rollback" ? "automatic_rollback" : "alert_only",
      };
    })
    .filter((t): t is DocTrigger => t !== null);
}

const FULL = /(general availability|\bga\b|full rollout|all users|semua pengguna|seluruh pengguna|everyone)/i;

/** Reads a Markdown rollout plan. Pure: the same text always gives the same preview. */
const finiteOrNull = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);

/** Thrown when a document nests lists or quotes too deeply to be read. */
export class DocumentTooDeep extends Error {
  constructor() {
    super("The document nests lists or quotes too deeply to be read");
    this.name = "DocumentTooDeep";
  }
}

export function parsePlanMarkdown(markdown: string): PlanDocument {
  try {
    return readDocument(markdown);
  } catch (error) {
    // The Markdown parser and this reader recurse per level of nesting.
    if (error instanceof RangeError) throw new DocumentTooDeep();
    throw error;
  }
}

function readDocument(markdown: string): PlanDocument {
  const root = parseTree(markdown);
  const reader = new Reader();
  const { title, preamble, sections } = sectionsOf(root);
  reader.name = cleanInline(title, LIMITS.name);
  const top: Ctx = { mode: "generic", phase: null, kind: null, action: null, path: [] };
  for (const node of preamble) {
    if (node.type === "paragraph" && !reader.summary.length) reader.summary.push(cleanBlock(plain(node)));
    else genericBlock(node, reader, top, "");
  }
  for (const section of sections) if (!preambleLabel(section, reader)) walk(section, reader, top);

  const numbers = [...reader.phases.keys()].sort((a, b) => a - b);
  const phases = numbers.map((n) => {
    const p = reader.phases.get(n)!;
    const name = cleanInline(p.fields.name?.value ?? `Phase ${n}`, LIMITS.phaseName) || `Phase ${n}`;
    const audience = cleanInline(p.fields.audience?.value ?? "", LIMITS.audience);
    const goal = cleanInline(p.fields.goal?.value ?? "", LIMITS.goal);
    const durationText = cleanInline(p.fields.durationText?.value ?? "", LIMITS.durationText);
    const inferred = readPercent(audience) ?? readPercent(goal) ?? readPercent(name) ?? (FULL.test(`${name} ${audience}`) ? 100 : 0);
    return { name, audience, trafficPercent: p.traffic ?? inferred, durationText, plannedDays: readDays(durationText), goal };
  });
  const indexOf = (n: number | null) => (n === null ? null : numbers.indexOf(n));
  const checklists = reader.checklists
    .map((c) => {
      const phase = indexOf(c.phase);
      const kind: Kind = c.kind === "go_no_go" && phase === null ? "pre_deployment" : c.kind;
      return { title: c.title, kind, window: kind === "post_deployment" ? (c.window ?? windowFromHeading(c.title)) : null, phase, items: c.items.slice(0, LIMITS.items) };
    })
    // Plan-wide lists first, then each phase's in phase order: the order the plan stores them.
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.phase ?? -1) - (b.c.phase ?? -1) || a.i - b.i)
    .map(({ c }) => c);

  const fullText = plain(root);
  const notes = [...reader.notes.entries()].map(([section, parts]) => ({ section, text: cleanBlock(parts.join("\n\n"), LIMITS.noteText) }));
  if (reader.htmlRemoved) notes.push({ section: "Removed from the document", text: `${reader.htmlRemoved} piece(s) of raw HTML were removed; plans hold plain text only.` });
  // Whatever the reading produced that the plan cannot hold (a threshold of 1e309, a trigger held
  // for a year) is kept as a note instead, so the preview is always a valid plan document.
  const unusable = (section: string, what: string) => notes.push({ section, text: cleanBlock(what, LIMITS.noteText) });
  const metrics = [...reader.metrics.values()].map((m) => ({ ...m, target: finiteOrNull(m.target), alert: finiteOrNull(m.alert), critical: finiteOrNull(m.critical) }));
  const triggers = resolveTriggers(reader).filter((t) => {
    const ok = triggerSchema.safeParse(t).success;
    if (!ok) unusable("Rollback triggers (not usable as written)", t.description);
    return ok;
  });
  const escalation = reader.escalation.filter((e) => {
    const ok = escalationSchema.safeParse(e).success;
    if (!ok) unusable("Escalation (not usable as written)", `${e.who}`);
    return ok;
  });
  return {
    name: reader.name || cleanInline(sections[0]?.heading ?? "", LIMITS.name) || "Imported plan",
    version: reader.version,
    summary: cleanBlock(reader.summary.filter(Boolean).join("\n\n"), LIMITS.summary),
    strategy: reader.strategy ?? strategyMentioned(fullText),
    phases: phases.slice(0, LIMITS.phases),
    checklists: checklists.filter((c) => c.phase === null || c.phase < LIMITS.phases).slice(0, LIMITS.checklists),
    metrics: metrics.slice(0, LIMITS.rows),
    triggers: triggers.slice(0, LIMITS.rows),
    risks: reader.risks.filter((r) => r.description).slice(0, LIMITS.rows),
    comms: reader.comms.slice(0, LIMITS.rows),
    escalation: escalation.filter((e, i, all) => all.findIndex((o) => o.level === e.level) === i).slice(0, LIMITS.rows),
    roles: reader.roles.slice(0, LIMITS.rows),
    notes: notes.filter((n) => n.text).slice(0, LIMITS.notes),
  };
}

