import type { List, Nodes, Paragraph, Root, RootContent, Table } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { toString } from "mdast-util-to-string";
import { gfm } from "micromark-extension-gfm";
import { cleanBlock, cleanInline } from "./text";

// The document as a tree of sections (a heading with the blocks under it and its subsections),
// parsed by a CommonMark + GFM parser (tables, task lists). Text is only ever read out of the
// tree as plain text: raw HTML nodes are dropped and links keep their words, never their URL.

export interface Section {
  heading: string;
  depth: number;
  content: RootContent[];
  children: Section[];
  /** A bold label with its value on the same line ("**Objective**: Enable for 10%"). */
  inline?: boolean;
}

/** The longest document read: as much as the import's 1 MB body cap lets through. */
export const MAX_DOCUMENT_CHARS = 1_000_000;
const MAX_EMBED_DEPTH = 3;
/** Quote markers and indentation kept per line: deeper nesting than any plan needs is flattened. */
const MAX_QUOTE_DEPTH = 16;
const MAX_INDENT = 48;
/** Longest text read out of one table cell or list item; the rest is beyond any field's limit. */
const MAX_CELL_CHARS = 1_000;
const MAX_ITEM_CHARS = 2_000;

/**
 * Flattens nesting no plan needs (a thousand ">" or a line indented by ten thousand spaces), one
 * line at a time, so parsing stays linear and never recurses past what the stack holds.
 */
export function tameNesting(markdown: string): string {
  let out = "";
  let start = 0;
  while (start <= markdown.length) {
    let end = markdown.indexOf("\n", start);
    if (end < 0) end = markdown.length;
    let i = start;
    let quotes = 0;
    let indent = 0;
    let kept = "";
    while (i < end) {
      const c = markdown.charCodeAt(i);
      if (c === 62 /* > */) {
        if (++quotes <= MAX_QUOTE_DEPTH) kept += ">";
      } else if (c === 32 || c === 9) {
        if (++indent <= MAX_INDENT) kept += markdown[i];
      } else break;
      i++;
    }
    out +=
      (i - start === kept.length ? markdown.slice(start, end) : kept + markdown.slice(i, end)) +
      (end < markdown.length ? "\n" : "");
    start = end + 1;
  }
  return out;
}

/** About how much text one parse takes: the parser's time grows faster than its input. */
const CHUNK_CHARS = 32_000;

/**
 * The document cut before headings (never inside a fenced block) into pieces of about
 * CHUNK_CHARS: a heading ends every block before it, so the pieces parse as the whole would,
 * and parsing stays linear in the document's length.
 */
export function chunksOf(markdown: string): string[] {
  const chunks: string[] = [];
  let chunkStart = 0;
  let fence: string | null = null;
  let lineStart = 0;
  while (lineStart < markdown.length) {
    let lineEnd = markdown.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = markdown.length;
    const head = markdown.slice(lineStart, Math.min(lineEnd, lineStart + 8));
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(head)?.[1];
    if (marker && (fence === null || marker[0] === fence[0])) fence = fence === null ? marker : null;
    else if (fence === null && /^#{1,6}(\s|$)/.test(head) && lineStart - chunkStart >= CHUNK_CHARS) {
      chunks.push(markdown.slice(chunkStart, lineStart));
      chunkStart = lineStart;
    }
    lineStart = lineEnd + 1;
  }
  chunks.push(markdown.slice(chunkStart));
  return chunks;
}

export function parseTree(markdown: string): Root {
  const options = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };
  const chunks = chunksOf(tameNesting(markdown.slice(0, MAX_DOCUMENT_CHARS)));
  if (chunks.length === 1) return fromMarkdown(chunks[0]!, options);
  return { type: "root", children: chunks.flatMap((chunk) => fromMarkdown(chunk, options).children) };
}

/** Plain text of a node: HTML dropped, image alt text kept, a link's words without its URL. */
export function plain(node: Nodes): string {
  return toString(node, { includeHtml: false });
}

export function inlineText(node: Nodes, max?: number): string {
  return cleanInline(plain(node), max);
}

/** Counts raw HTML the importer removed, so the preview can say so. */
export function countHtml(node: Nodes): number {
  if (node.type === "html") return 1;
  return "children" in node ? (node.children as Nodes[]).reduce((n, c) => n + countHtml(c), 0) : 0;
}

/** Text of a list item: its paragraphs and nested items in one line. */
export function itemText(item: List["children"][number], max = MAX_ITEM_CHARS): string {
  return cleanInline(
    item.children
      .map((c) => (c.type === "list" ? c.children.map((i) => itemText(i)).join("; ") : plain(c)))
      .join(" ")
      .slice(0, max * 2),
    max,
  );
}

export function tableRows(table: Table): string[][] {
  return table.children.map((row) =>
    row.children.map((cell) => cleanInline(plain(cell).slice(0, MAX_CELL_CHARS * 2), MAX_CELL_CHARS)),
  );
}

/** A block as readable plain text, for the notes: lists keep their markers, tables their cells. */
export function blockText(node: RootContent): string {
  switch (node.type) {
    case "list":
      return node.children
        .map(
          (item, i) =>
            `${node.ordered ? `${(node.start ?? 1) + i}.` : "-"}${item.checked === true ? " [x]" : item.checked === false ? " [ ]" : ""} ${itemText(item)}`,
        )
        .join("\n");
    case "table":
      return tableRows(node)
        .map((cells) => cells.join(" | "))
        .join("\n");
    case "code":
      return cleanBlock(node.value);
    case "html":
    case "thematicBreak":
    case "definition":
      return "";
    case "blockquote":
      return node.children.map(blockText).filter(Boolean).join("\n\n");
    default:
      return cleanBlock(plain(node));
  }
}

/** A ```markdown block holds a template document: read it as part of the document. */
function expandEmbedded(nodes: RootContent[], depth = 0): RootContent[] {
  return nodes.flatMap((node) => {
    if (node.type === "code" && depth < MAX_EMBED_DEPTH && /^(markdown|md)$/i.test(node.lang ?? "")) {
      return expandEmbedded(parseTree(node.value).children, depth + 1);
    }
    return [node];
  });
}

/**
 * "**Label:** value" or "**Label**: value" → the label, the rest of its line, and the paragraph's
 * further lines ("Durasi: 2 hari" under a "**Target:** 1%" line), which are not the label's.
 */
function labelOf(paragraph: Paragraph): { label: string; rest: string; after: Paragraph | null } | null {
  const [first, ...others] = paragraph.children;
  if (!first || first.type !== "strong") return null;
  const strong = inlineText(first);
  const line: typeof others = [];
  const later: typeof others = [];
  let sawBreak = false;
  for (const node of others) {
    if (sawBreak) {
      later.push(node);
      continue;
    }
    if (node.type === "text" && node.value.includes("\n")) {
      const cut = node.value.indexOf("\n");
      line.push({ ...node, value: node.value.slice(0, cut) });
      const tail = node.value.slice(cut + 1);
      // The next line's own first node leads it (a "**Label:**" stays first).
      later.push({ ...node, value: tail });
      if (!tail) later.pop();
      sawBreak = true;
      continue;
    }
    if (node.type === "break") {
      sawBreak = true;
      continue;
    }
    line.push(node);
  }
  const restRaw = cleanInline(line.map((c) => plain(c)).join(""));
  const endsWithColon = /[:：]$/.test(strong);
  const restStartsWithColon = /^[:：]/.test(restRaw);
  if (!endsWithColon && !restStartsWithColon) return null;
  const label = strong.replace(/[:：]$/, "").trim();
  if (!label || label.length > 60) return null;
  const after: Paragraph | null = later.some((n) => plain(n).trim()) ? { type: "paragraph", children: later } : null;
  return { label, rest: restRaw.replace(/^[:：]\s*/, ""), after };
}

/** Bold labels become subsections: an inline value, or the blocks that follow an empty label. */
function splitLabels(section: Section): Section {
  const content: RootContent[] = [];
  const labelled: Section[] = [];
  let open: Section | null = null;
  // A paragraph of several "**Label:** value" lines yields one label per line, in order.
  const queue = [...section.content];
  for (let node = queue.shift(); node; node = queue.shift()) {
    const label = node.type === "paragraph" ? labelOf(node) : null;
    if (label) {
      const value: RootContent[] = label.rest
        ? [{ type: "paragraph", children: [{ type: "text", value: label.rest }] }]
        : [];
      const pseudo: Section = {
        heading: label.label,
        depth: section.depth + 1,
        content: value,
        children: [],
        inline: Boolean(label.rest),
      };
      labelled.push(pseudo);
      open = label.rest ? null : pseudo;
      if (label.after) queue.unshift(label.after);
    } else if (node.type === "thematicBreak") {
      open = null;
    } else if (open) {
      open.content.push(node);
    } else {
      content.push(node);
    }
  }
  return { ...section, content, children: [...labelled, ...section.children.map(splitLabels)] };
}

/** The document's sections under a root; the title is the first level-1 heading. */
export function sectionsOf(root: Root): { title: string; preamble: RootContent[]; sections: Section[] } {
  const nodes = expandEmbedded(root.children);
  const top: Section = { heading: "", depth: 0, content: [], children: [] };
  const stack: Section[] = [top];
  for (const node of nodes) {
    if (node.type === "heading") {
      while (stack.length > 1 && stack.at(-1)!.depth >= node.depth) stack.pop();
      const section: Section = { heading: inlineText(node), depth: node.depth, content: [], children: [] };
      stack.at(-1)!.children.push(section);
      stack.push(section);
    } else {
      stack.at(-1)!.content.push(node);
    }
  }
  const split = splitLabels(top);
  const titleIndex = split.children.findIndex((s) => s.depth === 1 && s.inline === undefined);
  if (titleIndex < 0) return { title: "", preamble: split.content, sections: split.children };
  const title = split.children[titleIndex]!;
  // The title section's own blocks are the preamble; its labels and subsections are the document.
  return {
    title: title.heading,
    preamble: [...split.content, ...title.content],
    sections: [...split.children.slice(0, titleIndex), ...title.children, ...split.children.slice(titleIndex + 1)],
  };
}
