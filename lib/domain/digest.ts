import {
  type DigestDocument,
  type DigestFacts,
  type DigestOptions,
  type Inline,
  type Line,
  digestDocument,
} from "./digest-document";

// The weekly status digest: what moved, what is at risk and why, what is blocked and on whom,
// incidents against their rollback targets, and what is due next. The facts become one document
// (sections of lines of text, emphasis and links), written out as Markdown for people and files
// and as Slack mrkdwn for chat. Every word people typed (plan, phase, checklist and item names,
// reasons) is escaped for the format it goes into, so a name can neither format nor link nor
// mention anyone.

export * from "./digest-document";

// ---- Markdown ------------------------------------------------------------------------------

/** One line of text: line breaks and other control characters become spaces. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " ");

/**
 * Text as literal Markdown: every character that could start emphasis, code, a link, an HTML
 * tag, an entity, a table cell or a heading is backslash-escaped. Text never starts a line (a
 * bullet or a heading marker always comes first), so list and heading markers need no escape, and
 * with [ escaped neither ( nor ! can make a link or an image.
 */
export function markdownEscape(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>#|~&]/g, "\\$&");
}

function markdownInline(part: Inline): string {
  if (typeof part === "string") return markdownEscape(part);
  if ("strong" in part) return `**${markdownEscape(part.strong)}**`;
  return `[${markdownEscape(part.text)}](<${part.link.replace(/[<>\s]/g, encodeURIComponent)}>)`;
}

const markdownLine = (line: Line) => line.map(markdownInline).join("");

export function documentMarkdown(doc: DigestDocument): string {
  const out = [`# ${markdownEscape(doc.title)}`, "", `_${markdownEscape(doc.period)}_`];
  for (const s of doc.sections) {
    out.push("", `## ${markdownEscape(s.heading)}`, "");
    if (s.items.length === 0) out.push(markdownEscape(s.empty));
    for (const item of s.items) {
      out.push(`- ${markdownLine(item.line)}`);
      for (const d of item.details) out.push(`  - ${markdownLine(d)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** The digest in Markdown. */
export function renderDigest(facts: DigestFacts, o: DigestOptions): string {
  return documentMarkdown(digestDocument(facts, o));
}

// ---- Slack ---------------------------------------------------------------------------------

/**
 * Text as literal Slack mrkdwn. Slack reads &, < and > as markup (links, <!channel> mentions) and
 * has no escape for its emphasis characters, so those are replaced by look-alikes that format
 * nothing.
 */
export function slackLiteral(text: string): string {
  return oneLine(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\*/g, "∗")
    .replace(/_/g, "ˍ")
    .replace(/~/g, "∼")
    .replace(/`/g, "ˋ");
}

function slackInline(part: Inline): string {
  if (typeof part === "string") return slackLiteral(part);
  if ("strong" in part) return `*${slackLiteral(part.strong)}*`;
  // A link's text ends at its closing >, which slackLiteral never leaves in; | in the text is shown as is.
  return `<${part.link.replace(/[<>|\s]/g, encodeURIComponent)}|${slackLiteral(part.text)}>`;
}

const slackLine = (line: Line) => line.map(slackInline).join("");

export function documentSlack(doc: DigestDocument): string {
  const out = [`*${slackLiteral(doc.title)}*`, `_${slackLiteral(doc.period)}_`];
  for (const s of doc.sections) {
    out.push("", `*${slackLiteral(s.heading)}*`);
    if (s.items.length === 0) out.push(slackLiteral(s.empty));
    for (const item of s.items) {
      out.push(`• ${slackLine(item.line)}`);
      for (const d of item.details) out.push(`    ◦ ${slackLine(d)}`);
    }
  }
  return out.join("\n");
}

/** The digest in Slack mrkdwn: *bold*, <url|text> links, • bullets, no headings. */
export function renderDigestSlack(facts: DigestFacts, o: DigestOptions): string {
  return documentSlack(digestDocument(facts, o));
}

// ---- Webhook body --------------------------------------------------------------------------

export interface DigestPayload {
  /** Slack reads this. */
  text: string;
  /** The same digest in Markdown, for receivers that are not Slack. */
  markdown: string;
  phasegate: {
    event: "digest";
    /** The audit event of this send: the same for every retry, so a receiver can drop repeats. */
    id: number;
    scope: "portfolio" | "project";
    project: { id: string; name: string } | null;
    /** The ISO week the digest was scheduled for ("2026-W49"). */
    period: string;
    at: string;
  };
}

/** Items per section in a sent digest: Slack cuts a message's text at 40,000 characters. */
export const SENT_ITEMS_PER_SECTION = 25;

export function buildDigestPayload(
  facts: DigestFacts,
  o: DigestOptions & { auditEventId: number; period: string; project: { id: string; name: string } | null },
): DigestPayload {
  const doc = digestDocument(facts, { limit: SENT_ITEMS_PER_SECTION, ...o });
  return {
    text: documentSlack(doc),
    markdown: documentMarkdown(doc),
    phasegate: {
      event: "digest",
      id: o.auditEventId,
      scope: o.scope.kind,
      project: o.project,
      period: o.period,
      at: o.now.toISOString(),
    },
  };
}
