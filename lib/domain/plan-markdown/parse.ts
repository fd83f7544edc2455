import type { Blockquote, Code, List, ListItem, Paragraph, RootContent } from "mdast";
import { actionOf, clausesOf, resolveCriteria } from "./criteria";
import { type ChecklistDraft, type Ctx, type Kind, Reader } from "./reader";
import type { DocChecklist, DocPhase, DocSequence, PlanDocument } from "./schema";
import { escalationSchema, LIMITS, triggerSchema } from "./schema";
import { type StepDraft, stepsOfList, stepsOfProse, targetShare } from "./steps";
import {
  asciiStages,
  commsTable,
  escalationTable,
  metricItem,
  metricsTable,
  minutesOf,
  phasesTable,
  risksTable,
  rolesTable,
} from "./tables";
import {
  cleanBlock,
  cleanInline,
  kindFromHeading,
  normaliseHeading,
  numberStyleOf,
  readDays,
  readPercent,
  strategyMentioned,
  strategyNamed,
  VOCABULARY as V,
  windowFromHeading,
} from "./text";
import {
  blockText,
  countHtml,
  inlineText,
  itemText,
  parseTree,
  plain,
  type Section,
  sectionsOf,
  tableRows,
} from "./tree";

// Markdown rollout plan → what Phasegate understood. Headings say what a section holds (English
// or Indonesian words); tables, lists, bold labels and sentences carry the values: traffic steps
// wherever a share of users is stated (sub-headings with a "Target" line, numbered lists, tables,
// prose, week or day schedules), KPIs with their thresholds, rollback criteria as triggers bound
// to their KPI. Whatever is not understood is kept as a note with the heading it came from,
// never dropped. Every reader works in time linear in the document.

const TYPE_LINE = /^(type|jenis)\s*:\s*(.+)$/i;
const TRAFFIC_LABEL = /^(target|sasaran|traffic|trafik|lalu lintas|exposure|rollout|share|porsi|cakupan trafik)$/;
const KEY_VALUE = /^([^:]{2,30}):\s*(.+)$/;
const SHELL = /^(bash|sh|shell|zsh|console|sql|yaml|yml|json|terraform|hcl|python|js|ts|go)$/i;

function isTaskList(node: RootContent): boolean {
  return node.type === "list" && node.children.some((i) => typeof i.checked === "boolean");
}

function sectionPath(ctx: Ctx): string {
  return ctx.path.filter(Boolean).join(" › ");
}

const rolloutish = (ctx: Ctx) => ctx.path.some((h) => V.phases.test(normaliseHeading(h)));

/** Blocks of a section that no structure claimed: tables, lists and prose may still be phases. */
function genericBlock(node: RootContent, reader: Reader, ctx: Ctx, heading: string) {
  const where = sectionPath(ctx) || "Document";
  if (node.type === "html") {
    reader.htmlRemoved += 1;
    return;
  }
  reader.htmlRemoved += countHtml(node);
  if (node.type === "table") {
    const rows = tableRows(node);
    if (
      phasesTable(rows, reader) ||
      metricsTable(rows, reader, where) ||
      risksTable(rows, reader) ||
      commsTable(rows, reader, heading)
    ) {
      reader.read();
      return;
    }
    const strategyRow = rows.find((r) => /^(strategy|strategi)/i.test(r[0] ?? ""));
    const named = strategyRow ? strategyNamed(strategyRow.slice(1).join(" ")) : null;
    if (named && !reader.strategy) reader.strategy = named;
    reader.note(where, blockText(node));
    return;
  }
  if (node.type === "code" && asciiStages(node, reader)) {
    reader.read();
    return;
  }
  if (node.type === "list" && isTaskList(node)) {
    listIntoChecklist(
      node,
      reader.checklist(ctx, cleanInline(heading, LIMITS.title) || "Checklist", kindFromHeading(heading), true),
    );
    reader.read();
    return;
  }
  if (node.type === "list" && stepList(node, reader, ctx, heading)) return;
  if (node.type === "paragraph" && stepProse(node, reader, ctx, heading)) return;
  reader.note(where, blockText(node));
}

/** A list whose items state rising shares of traffic is a traffic sequence. */
function stepList(list: List, reader: Reader, ctx: Ctx, heading: string): boolean {
  const steps = stepsOfList(list, reader.style);
  if (!steps) return false;
  reader.addSteps(heading || "Steps", steps);
  reader.read();
  return true;
}

/** A paragraph that walks through rising shares of traffic ("1% on Monday, 10% on Wednesday…"). */
function stepProse(paragraph: Paragraph, reader: Reader, ctx: Ctx, heading: string): boolean {
  const text = inlineText(paragraph);
  const steps = stepsOfProse(text, reader.style, rolloutish(ctx));
  if (!steps) return false;
  reader.addSteps(heading || "Steps", steps);
  reader.note(sectionPath(ctx) || "Document", text);
  reader.read();
  return true;
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
    const kind: Kind = /rollback/.test(text)
      ? "post_rollback"
      : /post|pasca|setelah|validation|validasi/.test(text)
        ? "post_deployment"
        : /go\s*\/?\s*no/.test(text)
          ? "go_no_go"
          : "pre_deployment";
    return { kind, window: kind === "post_deployment" ? windowFromHeading(text) : null };
  }
  return null;
}

function classify(section: Section, ctx: Ctx): Ctx {
  const h = normaliseHeading(section.heading);
  const path = [...ctx.path, section.heading];
  const base = { ...ctx, path };
  if (ctx.mode === "notes") return base;
  // A "Type:" line says outright that the section is a checklist, whatever its heading.
  if (typeLine(section)) return { ...base, mode: "checklist" };
  if (V.phase.test(section.heading.trim()))
    return {
      ...base,
      mode: "phase",
      phase: Number(V.phase.exec(section.heading.trim())![2]),
      kind: null,
      action: null,
    };
  if (V.notes.test(h)) return { ...base, mode: "notes" };
  if (V.alerts.test(h)) return { ...base, mode: "triggers", action: "alert_only" };
  if (ctx.mode === "triggers" || V.triggers.test(h))
    return { ...base, mode: "triggers", action: actionOf(h, ctx.mode === "triggers" ? ctx.action : null) };
  for (const inherited of ["comms", "roles", "risks", "escalation"] as const) if (ctx.mode === inherited) return base;
  if (V.checklist.test(h) || V.prePost.test(h) || ctx.mode === "checklist")
    return { ...base, mode: "checklist", kind: kindFromHeading(h) ?? ctx.kind };
  if (V.risks.test(h)) return { ...base, mode: "risks" };
  if (V.escalation.test(h)) return { ...base, mode: "escalation" };
  if (V.roles.test(h)) return { ...base, mode: "roles" };
  if (V.comms.test(h)) return { ...base, mode: "comms" };
  if (V.metrics.test(h) || ctx.mode === "metrics") return { ...base, mode: "metrics" };
  if (V.overview.test(h) && ctx.phase === null) return { ...base, mode: "overview" };
  return { ...base, mode: ctx.phase !== null ? "phase" : "generic" };
}

/** The fields a phase section states as "Label: value" lines or bold labels. */
function phaseFieldOf(label: string): "audience" | "durationText" | "goal" | "traffic" | null {
  const h = normaliseHeading(label);
  if (TRAFFIC_LABEL.test(h)) return "traffic";
  if (V.audience.test(h)) return "audience";
  if (V.duration.test(h)) return "durationText";
  if (V.goal.test(h) || /^(focus|fokus|fokus verifikasi|tujuan utama)$/.test(h)) return "goal";
  return null;
}

/** A phase's traffic, audience, duration or goal, from a label ("**Target:** 10% pengguna"). */
function setPhaseField(
  reader: Reader,
  number: number,
  field: NonNullable<ReturnType<typeof phaseFieldOf>>,
  text: string,
  where: string,
) {
  if (field === "traffic") {
    const pct = targetShare(text, reader.style) ?? readPercent(`${text}%`, reader.style);
    // "Sasaran: hanya akun karyawan" names who, not how many.
    if (pct !== null) reader.phase(number).traffic = pct;
    else if (text) reader.setPhase(number, "audience", text, 4);
    else reader.note(where, text);
    return;
  }
  reader.setPhase(number, field, text, 5);
}

function phaseField(section: Section, reader: Reader, ctx: Ctx, number: number): boolean {
  if (typeLine(section) || section.children.length) return false;
  const field = phaseFieldOf(section.heading);
  if (!field) return false;
  const parts: string[] = [];
  for (const node of section.content) {
    if (node.type === "list") parts.push(...node.children.map((i) => itemText(i)));
    else if (node.type === "paragraph")
      parts.push(...keyValueLines(node, reader, number, [...ctx.path, section.heading]));
    else genericBlock(node, reader, { ...ctx, path: [...ctx.path, section.heading] }, section.heading);
  }
  setPhaseField(reader, number, field, parts.filter(Boolean).join("; "), [...ctx.path, section.heading].join(" › "));
  reader.read();
  return true;
}

/**
 * The lines of a paragraph: "Durasi: 2 hari" and "Duration: 4 days" lines set the phase's
 * fields; the rest is returned as the paragraph's own text.
 */
function keyValueLines(paragraph: Paragraph, reader: Reader, number: number, path: string[]): string[] {
  const lines = plain(paragraph).split("\n");
  const rest: string[] = [];
  for (const line of lines) {
    const kv = KEY_VALUE.exec(cleanInline(line));
    const field = kv ? phaseFieldOf(kv[1]!) : null;
    if (kv && field) setPhaseField(reader, number, field, kv[2]!, path.join(" › "));
    else if (cleanInline(line)) rest.push(cleanInline(line));
  }
  return rest;
}

/**
 * A section that is not a numbered stage but states a traffic share on a "Target" line (or a
 * bold label) is a step: sibling sections of one parent form one sequence.
 */
function labelledStep(section: Section, reader: Reader, parent: Ctx): StepDraft | null {
  if (!["generic", "phase", "overview"].includes(parent.mode) || V.phase.test(section.heading.trim())) return null;
  let traffic: number | null = null;
  let durationText = "";
  let audience = "";
  const take = (label: string, value: string) => {
    const field = phaseFieldOf(label);
    if (field === "traffic") {
      const share = targetShare(value, reader.style);
      if (share !== null) traffic = share;
      else audience ||= value;
    } else if (field === "durationText") durationText ||= value;
    else if (field === "audience") audience ||= value;
  };
  for (const child of section.children)
    if (child.inline && child.content[0]?.type === "paragraph") take(child.heading, inlineText(child.content[0]));
  for (const node of section.content) {
    if (node.type !== "paragraph") continue;
    for (const line of plain(node).split("\n")) {
      const kv = KEY_VALUE.exec(cleanInline(line));
      if (kv) take(kv[1]!, kv[2]!);
    }
  }
  if (traffic === null) return null;
  return {
    name: cleanInline(section.heading.replace(/^\s*\d+(\.\d+)*[.)]?\s+/, ""), LIMITS.phaseName),
    traffic,
    durationText: cleanInline(durationText, LIMITS.durationText),
    plannedDays: readDays(durationText),
    audience: cleanInline(audience, LIMITS.audience),
  };
}

/** Rollback criteria: list items (a numbered category's nested bullets one by one), table rows, prose. */
function readCriteria(node: RootContent, reader: Reader, ctx: Ctx, section: Section) {
  if (node.type === "list") {
    for (const item of node.children) criteriaOfItem(item, reader, ctx);
    reader.read();
    return;
  }
  if (node.type === "table") {
    const rows = tableRows(node);
    const [header, ...body] = rows;
    const col = (pattern: RegExp) => (header ? header.findIndex((h) => pattern.test(normaliseHeading(h))) : -1);
    const duration = col(
      /^(duration|durasi|for|selama|window|jangka|sustained|sustained for|held for|hold|tahan|lama|time|waktu)$/,
    );
    const action = col(/^(action|tindakan|aksi|response|respons|what we do)$/);
    if (!header || !body.length) return;
    for (const cells of body) {
      const text = cells.filter((_, i) => i !== action && i !== duration).join(" ");
      const minutes = duration >= 0 && cells[duration] ? minutesOf(cells[duration]!, reader.style) : null;
      reader.rawTriggers.push({
        text,
        action: action >= 0 ? actionOf(cells[action] ?? "", ctx.action) : ctx.action,
        minutes: minutes === null || /^[—–-]?$/.test(cells[duration]?.trim() ?? "") ? null : minutes,
      });
    }
    reader.read();
    return;
  }
  if (node.type === "paragraph") {
    if (section.inline) {
      reader.rawTriggers.push({ text: inlineText(node), action: ctx.action });
      reader.read();
      return;
    }
    const text = inlineText(node);
    const before = reader.rawTriggers.length;
    for (const clause of clausesOf(text)) reader.rawTriggers.push({ text: clause, action: ctx.action, prose: true });
    // Prose is kept as written too: what no clause turned into a trigger is still there to read.
    reader.note(sectionPath(ctx), text);
    if (reader.rawTriggers.length > before) reader.read();
    return;
  }
  genericBlock(node, reader, ctx, section.heading);
}

/** "1. **Performa**" with nested "- Waktu respons > 3 detik": each nested bullet is a criterion. */
function criteriaOfItem(item: ListItem, reader: Reader, ctx: Ctx) {
  const nested = item.children.filter((c): c is List => c.type === "list");
  if (!nested.length) {
    reader.rawTriggers.push({ text: itemText(item), action: ctx.action });
    return;
  }
  const category = cleanInline(
    item.children
      .filter((c) => c.type !== "list")
      .map((c) => plain(c))
      .join(" "),
  );
  for (const list of nested)
    for (const child of list.children)
      criteriaOfItem(child, reader, { ...ctx, action: actionOf(category, ctx.action) });
}

/** "1. **Level 1 – On-call** (waktu respons: 0–10 menit)" or "2. Tech lead — 15–30 menit". */
function escalationItems(list: List, reader: Reader): boolean {
  if (!list.ordered && list.children.length < 2) return false;
  list.children.forEach((item, i) => {
    const text = itemText(item);
    const stated = /\b(level|tingkat|tier|lvl)\s*(\d{1,2})\b/i.exec(text);
    const level = stated ? Number(stated[2]) : (list.start ?? 1) + i;
    // The time is the last parenthesis ("(waktu respons: 0–10 menit)") or what follows the last spaced dash.
    const paren = /\(([^)]*)\)\s*$/.exec(text);
    const parts = text.split(/\s+[—–-]+\s+/);
    const timed = (t: string) => /\d|langsung|immediately|segera|right away/i.test(t);
    const first = parts.findIndex((part, k) => k > 0 && timed(part));
    const useParen = paren !== null && timed(paren[1]!);
    const timeText = useParen ? paren[1]! : first > 0 ? parts.slice(first).join(" – ") : "";
    const head = useParen ? text.slice(0, paren.index) : first > 0 ? parts.slice(0, first).join(" — ") : text;
    const who =
      cleanInline(head.replace(/^\s*(level|tingkat|tier|lvl)\s*\d{1,2}\s*[:.\-–—]?\s*/i, ""), LIMITS.cell) ||
      `Level ${level}`;
    const immediate = /langsung|immediately|segera|right away|saat alert/i.test(timeText) && !/\d/.test(timeText);
    reader.escalation.push({ level, who, afterMinutes: immediate ? 0 : minutesOf(timeText, reader.style) });
  });
  return true;
}

/** A message template in a fenced block or a block quote, named by the line before it. */
function commsBlock(node: Code | Blockquote, reader: Reader, event: string, heading: string): boolean {
  if (
    node.type === "code" &&
    (SHELL.test(node.lang ?? "") || /^\s*(\$ |kubectl|helm|curl|psql|flagctl|aws|gcloud)/m.test(node.value))
  )
    return false;
  const text = node.type === "code" ? node.value : blockText(node);
  const template = cleanInline(text, LIMITS.cell);
  if (!template) return false;
  const name = cleanInline(event.replace(/[:：]\s*$/, ""), LIMITS.cell) || cleanInline(heading, LIMITS.cell);
  const channel = /\(([^)]*)\)/.exec(event)?.[1] ?? "";
  reader.comms.push({
    event: name.replace(/\s*\([^)]*\)\s*$/, "") || name,
    timing: "",
    channel: cleanInline(channel, LIMITS.cell),
    audience: "",
    template,
  });
  return true;
}

function walk(section: Section, reader: Reader, parent: Ctx) {
  if (parent.path.length === 0) startTopSection(section, reader);
  if (parent.mode === "phase" && parent.phase !== null && phaseField(section, reader, parent, parent.phase)) return;
  const step = labelledStep(section, reader, parent);
  if (step) {
    reader.addSteps(parent.path.at(-1) ?? "Phases", [step], `labelled:${parent.path.join("›")}`);
    reader.read();
  }
  const ctx = classify(section, parent);
  if (ctx.mode === "notes") {
    notesSection(section, reader, ctx, parent);
    return;
  }
  if (ctx.mode === "phase" && ctx.phase !== null && ctx.phase !== parent.phase)
    phaseHeading(section, reader, ctx.phase, parent);
  if (ctx.mode === "phase") phaseContent(section, reader, ctx, step !== null);
  else (SECTION_READERS[ctx.mode] ?? otherContent)(section, reader, ctx);
  for (const child of section.children) walk(child, reader, ctx);
}

/** A top-level section starts its own tally of what became structure and what stayed notes. */
function startTopSection(section: Section, reader: Reader) {
  reader.current = { heading: cleanInline(section.heading, LIMITS.noteSection), read: 0, noted: 0 };
  reader.sections.push(reader.current);
}

/** Notes written by the exporter (or a "Notes" section): each subsection is one note, verbatim. */
function notesSection(section: Section, reader: Reader, ctx: Ctx, parent: Ctx) {
  const text = section.content.map(blockText).filter(Boolean).join("\n\n");
  reader.note(parent.mode === "notes" ? section.heading : sectionPath(ctx), text);
  for (const child of section.children) walk(child, reader, ctx);
}

/** A phase's heading names it ("Phase 2: Beta (7 days)"), and may give its duration in parentheses. */
function phaseHeading(section: Section, reader: Reader, phase: number, parent: Ctx) {
  reader.stagesLabel ??= parent.path.at(-1) ?? null;
  const match = V.phase.exec(section.heading.trim())!;
  const rest = (match[3] ?? "").trim();
  const paren = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(rest);
  if (paren && readDays(paren[2]!) !== null) {
    reader.setPhase(phase, "name", paren[1]!, 3);
    reader.setPhase(phase, "durationText", paren[2]!, 2);
  } else {
    reader.setPhase(phase, "name", rest || `${match[1]} ${match[2]}`, rest ? 3 : 1.5);
  }
  reader.read();
}

/** A phase's paragraphs are "Audience: …" lines (unless the section is a labelled step); the rest is generic. */
function phaseContent(section: Section, reader: Reader, ctx: Ctx, labelled: boolean) {
  const where = sectionPath(ctx);
  for (const node of section.content) {
    if (node.type === "paragraph" && ctx.phase !== null && !labelled) {
      const rest = keyValueLines(node, reader, ctx.phase, ctx.path);
      if (rest.length) reader.note(where, rest.join("\n"));
      else reader.read();
    } else genericBlock(node, reader, ctx, section.heading);
  }
}

function checklistSection(section: Section, reader: Reader, ctx: Ctx) {
  const heading = section.heading;
  const typed = typeLine(section);
  const hasList = section.content.some((n) => n.type === "list");
  if (!typed && !hasList) {
    otherContent(section, reader, ctx);
    return;
  }
  const list = reader.checklist(
    ctx,
    cleanInline(heading, LIMITS.title) || "Checklist",
    typed?.kind ?? kindFromHeading(heading),
  );
  if (typed) {
    list.kind = typed.kind;
    list.window = typed.window;
  }
  for (const node of section.content) {
    if (node.type === "list") listIntoChecklist(node, list);
    else if (!(node.type === "paragraph" && TYPE_LINE.test(inlineText(node)))) genericBlock(node, reader, ctx, heading);
  }
  if (list.kind === "post_deployment" && !list.window) list.window = windowFromHeading(heading);
  reader.read();
}

/** A plain list (not a task list) of KPIs: what does not read as one is kept as a note. */
function metricsSection(section: Section, reader: Reader, ctx: Ctx) {
  const where = sectionPath(ctx);
  for (const node of section.content) {
    if (node.type === "list" && !node.children.some((i) => typeof i.checked === "boolean")) {
      const unread: string[] = [];
      for (const item of node.children) {
        const metric = metricItem(itemText(item), reader.style);
        if (metric) reader.addMetric(metric, where);
        else unread.push(`- ${itemText(item)}`);
      }
      reader.note(where, unread.join("\n"));
      reader.read();
    } else genericBlock(node, reader, ctx, section.heading);
  }
}

function triggersSection(section: Section, reader: Reader, ctx: Ctx) {
  for (const node of section.content) readCriteria(node, reader, ctx, section);
}

/** A risk table, or a list whose items are risks of medium likelihood and impact. */
function risksSection(section: Section, reader: Reader, ctx: Ctx) {
  for (const node of section.content) {
    if (node.type === "table" && risksTable(tableRows(node), reader)) {
      reader.read();
      continue;
    }
    if (node.type === "list") {
      for (const item of node.children)
        reader.risks.push({
          description: itemText(item, LIMITS.cell),
          likelihood: "medium",
          impact: "medium",
          mitigation: "",
        });
      reader.read();
    } else genericBlock(node, reader, ctx, section.heading);
  }
}

/** A comms table, message templates (each named by the line before it), or a list of messages. */
function commsSection(section: Section, reader: Reader, ctx: Ctx) {
  const heading = section.heading;
  let lead = "";
  for (const node of section.content) {
    if (node.type === "table" && commsTable(tableRows(node), reader, heading)) {
      reader.read();
      continue;
    }
    if ((node.type === "code" || node.type === "blockquote") && commsBlock(node, reader, lead, heading)) {
      lead = "";
      reader.read();
      continue;
    }
    if (node.type === "list") {
      for (const item of node.children)
        reader.comms.push({
          event: cleanInline(heading, LIMITS.cell),
          timing: "",
          channel: "",
          audience: "",
          template: itemText(item, LIMITS.cell),
        });
      reader.read();
      continue;
    }
    // A line that introduces the next template names it ("Rollback (post in #incidents):").
    if (node.type === "paragraph") {
      const text = inlineText(node);
      if (/[:：]\s*$/.test(text) && text.length <= 200) {
        lead = text;
        continue;
      }
    }
    genericBlock(node, reader, ctx, heading);
  }
}

/** Escalation levels and roles: tables, numbered levels, "Role: who" lists or an inline "**Role**: who". */
function peopleSection(section: Section, reader: Reader, ctx: Ctx) {
  for (const node of section.content) {
    if (
      node.type === "table" &&
      ((ctx.mode === "escalation" && escalationTable(tableRows(node), reader)) || rolesTable(tableRows(node), reader))
    ) {
      reader.read();
      continue;
    }
    if (node.type === "list" && ctx.mode === "escalation" && escalationItems(node, reader)) {
      reader.read();
      continue;
    }
    if (node.type === "list") {
      for (const item of node.children) reader.roles.push(roleOfItem(itemText(item)));
      reader.read();
    } else if (node.type === "paragraph" && section.inline) {
      reader.roles.push({ role: cleanInline(section.heading, LIMITS.cell), who: inlineText(node, LIMITS.cell) });
      reader.read();
    } else genericBlock(node, reader, ctx, section.heading);
  }
}

/** "Release manager: Dina" (or just a role, no one named yet). */
function roleOfItem(text: string) {
  const colon = text.indexOf(":");
  return colon > 0
    ? { role: cleanInline(text.slice(0, colon), LIMITS.cell), who: cleanInline(text.slice(colon + 1), LIMITS.cell) }
    : { role: cleanInline(text, LIMITS.cell), who: "" };
}

/** The overview's paragraphs are the plan's summary, unless they describe steps. */
function overviewSection(section: Section, reader: Reader, ctx: Ctx) {
  for (const node of section.content) {
    if (node.type === "paragraph" && !stepProse(node, reader, ctx, section.heading)) {
      reader.summary.push(cleanBlock(plain(node)));
      reader.read();
    } else if (node.type !== "paragraph") genericBlock(node, reader, ctx, section.heading);
  }
}

function otherContent(section: Section, reader: Reader, ctx: Ctx) {
  for (const node of section.content) genericBlock(node, reader, ctx, section.heading);
}

/** What each kind of section reads its content as (phases and notes are read by `walk` itself). */
const SECTION_READERS: Partial<Record<Ctx["mode"], (section: Section, reader: Reader, ctx: Ctx) => void>> = {
  checklist: checklistSection,
  metrics: metricsSection,
  triggers: triggersSection,
  risks: risksSection,
  comms: commsSection,
  escalation: peopleSection,
  roles: peopleSection,
  overview: overviewSection,
};

/** A bold label under the title: the version and strategy, or a detail kept as a note. */
function preambleLabel(section: Section, reader: Reader): boolean {
  if (!section.inline) return false;
  const value = section.content[0]?.type === "paragraph" ? inlineText(section.content[0] as Paragraph) : "";
  const h = normaliseHeading(section.heading);
  if (/^(version|versi|release|rilis)$/.test(h)) reader.version = cleanInline(value, LIMITS.version);
  else if (/^(strategy|strategi)$/.test(h) && strategyNamed(value)) reader.strategy = strategyNamed(value);
  else if (/^(plan kind|jenis rencana)$/.test(h) && /rollback|runbook|rollout/i.test(value))
    reader.kind = /rollback|runbook/i.test(value) ? "rollback_runbook" : "rollout";
  else reader.note(section.heading, value);
  return true;
}

const FULL = /(general availability|\bga\b|full rollout|all users|semua pengguna|seluruh pengguna|everyone)/i;
const RUNBOOK_TITLE = /\b(rollback|roll back|runbook|pemulihan|rencana mundur)\b/i;
const ROLLOUT_TITLE =
  /\b(rollout|roll out|rilis bertahap|peluncuran|staged release|release plan|migration plan|rencana rilis)\b/i;
const PROCEDURE =
  /(procedure|prosedur|alur|langkah|steps|flow|runbook|cara|tahapan rollback|rollback steps|how to roll ?back)/;

const finiteOrNull = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);

/** Thrown when a document nests lists or quotes too deeply to be read. */
export class DocumentTooDeep extends Error {
  constructor() {
    super("The document nests lists or quotes too deeply to be read");
    this.name = "DocumentTooDeep";
  }
}

/** Reads a Markdown rollout plan. Pure: the same text always gives the same preview. */
export function parsePlanMarkdown(markdown: string): PlanDocument {
  try {
    return readDocument(markdown);
  } catch (error) {
    // The Markdown parser and this reader recurse per level of nesting.
    if (error instanceof RangeError) throw new DocumentTooDeep();
    throw error;
  }
}

function toPhase(step: StepDraft): DocPhase {
  return {
    name: step.name,
    audience: step.audience,
    trafficPercent: step.traffic,
    durationText: cleanInline(step.durationText, LIMITS.durationText),
    plannedDays: step.plannedDays,
    goal: "",
  };
}

/** Numbered sub-headings under a runbook's procedure ("### 1. Deteksi", "### 2. Keputusan"): its steps. */
function runbookSteps(sections: readonly Section[]): DocPhase[] {
  for (const section of sections) {
    const numbered = section.children.filter((c) => !c.inline && /^\s*\d+[.)]\s+\S/.test(c.heading));
    if (PROCEDURE.test(normaliseHeading(section.heading)) && numbered.length >= 2) {
      return numbered.map((c) => ({
        name: cleanInline(c.heading.replace(/^\s*\d+[.)]\s+/, ""), LIMITS.phaseName),
        audience: "",
        trafficPercent: 0,
        durationText: "",
        plannedDays: null,
        goal: "",
      }));
    }
    const deeper = runbookSteps(section.children);
    if (deeper.length) return deeper;
  }
  return [];
}

function readDocument(markdown: string): PlanDocument {
  const reader = new Reader(numberStyleOf(markdown));
  const root = parseTree(markdown);
  const { title, preamble, sections } = sectionsOf(root);
  reader.name = cleanInline(title, LIMITS.name);
  const top: Ctx = { mode: "generic", phase: null, kind: null, action: null, path: [] };
  for (const node of preamble) {
    if (node.type === "paragraph" && !reader.summary.length) reader.summary.push(cleanBlock(plain(node)));
    else genericBlock(node, reader, top, "");
  }
  for (const section of sections) {
    if (preambleLabel(section, reader)) continue;
    walk(section, reader, top);
  }
  reader.current = null;

  // Said outright ("Plan kind: Rollback runbook", as the export writes), or read from the title.
  const kind: PlanDocument["kind"] =
    reader.kind ??
    (RUNBOOK_TITLE.test(reader.name || title) && !ROLLOUT_TITLE.test(reader.name || title)
      ? "rollback_runbook"
      : "rollout");

  // The numbered stages (sections, stage tables, diagrams) are one sequence; lists, prose and
  // sections with Target lines are others. The longest is the default; the person may pick.
  const numbers = [...reader.phases.keys()].sort((a, b) => a - b);
  const staged = numbers.map((n): DocPhase => {
    const p = reader.phases.get(n)!;
    const name = cleanInline(p.fields.name?.value ?? `Phase ${n}`, LIMITS.phaseName) || `Phase ${n}`;
    const audience = cleanInline(p.fields.audience?.value ?? "", LIMITS.audience);
    const goal = cleanInline(p.fields.goal?.value ?? "", LIMITS.goal);
    const durationText = cleanInline(p.fields.durationText?.value ?? "", LIMITS.durationText);
    const inferred =
      readPercent(audience, reader.style) ??
      readPercent(goal, reader.style) ??
      readPercent(name, reader.style) ??
      (FULL.test(`${name} ${audience}`) ? 100 : 0);
    return {
      name,
      audience,
      trafficPercent: p.traffic ?? inferred,
      durationText,
      plannedDays: readDays(durationText),
      goal,
    };
  });
  const candidates: DocSequence[] = [];
  const label = (text: string | null) => cleanInline((text ?? "").replace(/^\s*\d+(\.\d+)*[.)]?\s+/, ""), LIMITS.title);
  if (staged.length) candidates.push({ label: label(reader.stagesLabel) || "Stages", phases: staged });
  for (const group of reader.stepGroups) {
    if (group.steps.length < 2 && staged.length) continue;
    const phases = group.steps.map(toPhase);
    const same = candidates.find(
      (c) => c.phases.map((p) => p.trafficPercent).join() === phases.map((p) => p.trafficPercent).join(),
    );
    if (!same) candidates.push({ label: label(group.label) || "Steps", phases });
  }
  // In document order: stages come from wherever their sections were, groups as found.
  const chosen = candidates.reduce<DocSequence | null>(
    (best, c) => (!best || c.phases.length > best.phases.length ? c : best),
    null,
  );
  let phases = chosen?.phases ?? [];
  const stagesChosen = chosen !== null && chosen === candidates[0] && staged.length > 0;

  if (kind === "rollback_runbook") {
    const steps = staged.length
      ? staged.map((p) => ({ ...p, trafficPercent: 0, plannedDays: null }))
      : runbookSteps(sections);
    phases = steps.length
      ? steps
      : [{ name: "Rollback", audience: "", trafficPercent: 0, durationText: "", plannedDays: null, goal: "" }];
  }

  const stageIndex = (n: number | null) => (n === null || !stagesChosen ? null : numbers.indexOf(n));
  const checklists = reader.checklists
    .map((c) => {
      let phase = stageIndex(c.phase);
      // A go/no-go list outside the phase sections belongs to the phase its heading names.
      if ((phase === null || phase < 0) && c.kind === "go_no_go") phase = phaseNamedIn(c.heading, phases);
      if (phase !== null && phase < 0) phase = null;
      const listKind: Kind =
        kind === "rollback_runbook"
          ? "post_rollback"
          : c.kind === "go_no_go" && phase === null
            ? "pre_deployment"
            : c.kind;
      return {
        title: c.title,
        kind: listKind,
        window: listKind === "post_deployment" ? (c.window ?? windowFromHeading(c.title)) : null,
        phase: listKind === "go_no_go" || (phase !== null && kind === "rollout") ? phase : null,
        items: c.items.slice(0, LIMITS.items),
      };
    })
    // Plan-wide lists first, then each phase's in phase order: the order the plan stores them.
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (a.c.phase ?? -1) - (b.c.phase ?? -1) || a.i - b.i)
    .map(({ c }) => c);

  const fullText = plain(root);
  const notes = [...reader.notes.entries()].map(([section, parts]) => ({
    section,
    text: cleanBlock(parts.join("\n\n"), LIMITS.noteText),
  }));
  if (reader.htmlRemoved)
    notes.push({
      section: "Removed from the document",
      text: `${reader.htmlRemoved} piece(s) of raw HTML were removed; plans hold plain text only.`,
    });
  // Whatever the reading produced that the plan cannot hold (a threshold of 1e309, a trigger held
  // for a year) is kept as a note instead, so the preview is always a valid plan document.
  const unusable = (section: string, what: string) => notes.push({ section, text: cleanBlock(what, LIMITS.noteText) });
  const triggers = resolveCriteria(reader).filter((t) => {
    const ok = triggerSchema.safeParse(t).success;
    if (!ok) unusable("Rollback triggers (not usable as written)", t.description);
    return ok;
  });
  const metrics = [...reader.metrics.values()].map((m) => ({
    ...m,
    target: finiteOrNull(m.target),
    alert: finiteOrNull(m.alert),
    critical: finiteOrNull(m.critical),
  }));
  const escalation = reader.escalation.filter((e) => {
    const ok = escalationSchema.safeParse(e).success;
    if (!ok) unusable("Escalation (not usable as written)", `${e.who}`);
    return ok;
  });
  return {
    kind,
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
    sequences:
      kind === "rollout" && candidates.length > 1
        ? candidates.slice(0, 5).map((c) => ({ label: c.label, phases: c.phases.slice(0, LIMITS.phases) }))
        : [],
    sections: reader.sections
      .filter((s) => s.heading && s.read + s.noted > 0)
      .slice(0, LIMITS.notes)
      .map((s) => ({ heading: s.heading, status: s.noted === 0 ? "read" : s.read === 0 ? "note" : "partial" })),
  };
}

/**
 * The phase a checklist heading names: "Go/No-Go before Full release" and "sebelum naik ke
 * Bertahap" → the phase before it (its gate); "Canary exit" → that phase.
 */
function phaseNamedIn(heading: string, phases: readonly DocPhase[]): number | null {
  const h = ` ${normaliseHeading(heading.split(" › ").at(-1) ?? heading)} `;
  let found: { index: number; length: number } | null = null;
  phases.forEach((p, i) => {
    // "Cutover (reads + writes)" is named "Cutover" as often as in full.
    for (const name of new Set([normaliseHeading(p.name), normaliseHeading(p.name.replace(/\s*\([^)]*\)\s*$/, ""))])) {
      if (name.length < 2 || !h.includes(` ${name}`)) continue;
      if (!found || name.length > found.length) found = { index: i, length: name.length };
    }
  });
  // "Go / no-go for 50%": the phase at that share of traffic.
  const share = /(\d{1,3})\s*%/.exec(h);
  const byShare = share ? phases.findIndex((p) => p.trafficPercent === Number(share[1])) : -1;
  const index = found ? (found as { index: number }).index : byShare >= 0 ? byShare : null;
  if (index === null) return null;
  return /\b(before|sebelum|prior to|menuju|to|ke|for|untuk)\b/.test(h) && index > 0 ? index - 1 : index;
}
