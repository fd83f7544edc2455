import type { BlockContent, List, PhrasingContent, Root, RootContent, Table, TableCell } from "mdast";
import { gfmToMarkdown } from "mdast-util-gfm";
import { toMarkdown } from "mdast-util-to-markdown";
import type { DocChecklist, DocTrigger, PlanDocument } from "./schema";
import { strategyWords } from "./text";

// A plan → the Markdown teams already write: title and meta lines, an overview, a stages table
// and one section per stage (audience, traffic, duration, goal, its checklists as task lists),
// KPI, risk, comms, escalation and role tables, rollback triggers as a list, and the notes.
// The document is built as a syntax tree and serialised, so every text is escaped as text:
// nothing in a plan can turn into markup, a link or HTML. Reading the result back with
// parsePlanMarkdown gives the same plan (the round-trip tests hold it to that).

const text = (value: string): PhrasingContent => ({ type: "text", value });
const paragraph = (...children: PhrasingContent[]): BlockContent => ({ type: "paragraph", children });
const heading = (depth: 1 | 2 | 3, value: string): RootContent => ({ type: "heading", depth, children: [text(value)] });
const label = (name: string, value: string): BlockContent =>
  paragraph({ type: "strong", children: [text(`${name}:`)] }, text(` ${value}`));
const paragraphs = (value: string): BlockContent[] => value.split(/\n{2,}/).map((p) => paragraph(text(p)));

function table(header: string[], rows: string[][]): Table {
  const cell = (value: string): TableCell => ({ type: "tableCell", children: value ? [text(value)] : [] });
  return {
    type: "table",
    align: header.map(() => null),
    children: [header, ...rows].map((r) => ({ type: "tableRow", children: r.map(cell) })),
  };
}

function list(items: { value: PhrasingContent[]; checked?: boolean }[]): List {
  return {
    type: "list",
    ordered: false,
    spread: false,
    children: items.map((i) => ({
      type: "listItem",
      spread: false,
      checked: i.checked ?? null,
      children: [paragraph(...i.value)],
    })),
  };
}

export const planKindWords: Record<PlanDocument["kind"], string> = {
  rollout: "Rollout",
  rollback_runbook: "Rollback runbook",
};

const num = (value: number | null) => (value === null ? "—" : String(value));

export const kindWords: Record<DocChecklist["kind"], string> = {
  pre_deployment: "pre-deployment",
  go_no_go: "go/no-go",
  post_deployment: "post-deployment validation",
  post_rollback: "post-rollback",
};
export const windowWords: Record<NonNullable<DocChecklist["window"]>, string> = {
  immediate: "immediate (0–30 min)",
  short_term: "short-term (30 min–4 h)",
  long_term: "long-term (4–24 h)",
};

function checklistBlocks(c: DocChecklist): RootContent[] {
  const type =
    c.kind === "post_deployment" && c.window
      ? `${kindWords[c.kind]}, window: ${windowWords[c.window]}`
      : kindWords[c.kind];
  return [
    heading(3, c.title),
    paragraph(text(`Type: ${type}`)),
    ...(c.items.length ? [list(c.items.map((i) => ({ value: [text(i.text)], checked: i.done })))] : []),
  ];
}

const SIGN: Record<DocTrigger["comparison"], string> = { gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The description, then the exact rule (so a re-import keeps it even when the words are loose). */
function triggerLine(t: DocTrigger): PhrasingContent[] {
  const action = t.action === "automatic_rollback" ? "automatic rollback" : "alert only";
  if (t.mode === "canary_worse" && t.metric) {
    const j = t.judge;
    const settings = j
      ? ` (${j.method}, alpha ${j.alpha}, min ${j.minSample} per cohort, tolerance ${j.tolerance}, smallest regression ${j.smallestRegression})`
      : "";
    return [
      text(`${t.description} — when `),
      { type: "inlineCode", value: t.metric },
      text(` is worse on the canary than the baseline${settings}, ${action}`),
    ];
  }
  const suffix = t.mode === "relative_to_baseline" ? "× baseline" : t.mode === "degradation_pct" ? "% degradation" : "";
  const rule = ` ${SIGN[t.comparison]} ${t.value}${suffix} for ${t.durationMinutes} min, ${action}`;
  return t.metric
    ? [text(`${t.description} — when `), { type: "inlineCode", value: t.metric }, text(rule)]
    : [text(`${t.description} — when no metric${rule}`)];
}

/** Only the roles and notes, as the plan keeps them (a plan's notes column holds this Markdown). */
export function notesBlocks(plan: Pick<PlanDocument, "roles" | "notes">): RootContent[] {
  const out: RootContent[] = [];
  if (plan.roles.length)
    out.push(
      heading(2, "Roles"),
      table(
        ["Role", "Who"],
        plan.roles.map((r) => [r.role, r.who]),
      ),
    );
  if (plan.notes.length) {
    out.push(heading(2, "Notes"));
    for (const n of plan.notes) out.push(heading(3, n.section || "Document"), ...paragraphs(n.text));
  }
  return out;
}

function serialise(children: RootContent[]): string {
  const root: Root = { type: "root", children };
  return toMarkdown(root, {
    extensions: [gfmToMarkdown()],
    bullet: "-",
    rule: "-",
    listItemIndent: "one",
    fences: true,
  });
}

export function notesToMarkdown(plan: Pick<PlanDocument, "roles" | "notes">): string {
  const blocks = notesBlocks(plan);
  return blocks.length ? serialise(blocks) : "";
}

export function planToMarkdown(plan: PlanDocument): string {
  const out: RootContent[] = [heading(1, plan.name)];
  if (plan.version) out.push(label("Version", plan.version));
  out.push(label("Strategy", strategyWords[plan.strategy]));
  out.push(label("Plan kind", planKindWords[plan.kind]));
  if (plan.summary) out.push(heading(2, "Overview"), ...paragraphs(plan.summary));

  const planWide = plan.checklists.filter((c) => c.phase === null);
  if (planWide.length) {
    out.push(heading(2, "Checklists"));
    for (const c of planWide) out.push(...checklistBlocks(c));
  }

  if (plan.phases.length) {
    out.push(
      heading(2, "Rollout Stages"),
      table(
        ["Stage", "Name", "Audience", "Traffic", "Duration", "Goal"],
        plan.phases.map((p, i) => [String(i + 1), p.name, p.audience, `${p.trafficPercent}%`, p.durationText, p.goal]),
      ),
    );
    plan.phases.forEach((p, i) => {
      out.push(heading(2, `Stage ${i + 1}: ${p.name}`));
      if (p.audience) out.push(heading(3, "Audience"), paragraph(text(p.audience)));
      out.push(heading(3, "Traffic"), paragraph(text(`${p.trafficPercent}%`)));
      if (p.durationText) out.push(heading(3, "Duration"), paragraph(text(p.durationText)));
      if (p.goal) out.push(heading(3, "Goal"), paragraph(text(p.goal)));
      for (const c of plan.checklists.filter((c) => c.phase === i)) out.push(...checklistBlocks(c));
    });
  }

  if (plan.metrics.length) {
    out.push(
      heading(2, "Key Metrics"),
      table(
        ["KPI", "Key", "Unit", "Direction", "Target", "Alert", "Critical"],
        plan.metrics.map((m) => [
          m.label,
          m.key,
          m.unit,
          m.direction === "lower_is_better" ? "lower is better" : "higher is better",
          num(m.target),
          num(m.alert),
          num(m.critical),
        ]),
      ),
    );
  }
  if (plan.triggers.length)
    out.push(heading(2, "Rollback Triggers"), list(plan.triggers.map((t) => ({ value: triggerLine(t) }))));
  if (plan.risks.length) {
    out.push(
      heading(2, "Risks"),
      table(
        ["Risk", "Likelihood", "Impact", "Mitigation"],
        plan.risks.map((r) => [r.description, cap(r.likelihood), cap(r.impact), r.mitigation]),
      ),
    );
  }
  if (plan.comms.length) {
    out.push(
      heading(2, "Communication Plan"),
      table(
        ["Event", "When", "Channel", "Audience", "Message"],
        plan.comms.map((c) => [c.event, c.timing, c.channel, c.audience, c.template]),
      ),
    );
  }
  if (plan.escalation.length) {
    out.push(
      heading(2, "Escalation"),
      table(
        ["Level", "Who", "After (min)"],
        plan.escalation.map((e) => [String(e.level), e.who, String(e.afterMinutes)]),
      ),
    );
  }
  out.push(...notesBlocks(plan));
  return serialise(out);
}

function cap(level: string): string {
  return level.charAt(0).toUpperCase() + level.slice(1);
}

/** The plan as JSON, in the same shape the importer previews (and `parsePlanJson` reads back). */
export function planToJson(plan: PlanDocument): string {
  return `${JSON.stringify({ format: "phasegate.plan.v1", plan }, null, 2)}\n`;
}
