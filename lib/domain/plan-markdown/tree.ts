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

export const MAX_DOCUMENT_CHARS = 500_000;
const MAX_EMBED_DEPTH = 3;

export function parseTree(markdown: string): Root {
  return fromMarkdown(markdown.slice(0, MAX_DOCUMENT_CHARS), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
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
export function itemText(item: List["children"][number], max?: number): string {
  return cleanInline(item.children.map((c) => (c.type === "list" ? c.children.map((i) => itemText(i)).join("; ") : plain(c))).join(" "), max);
}

export function tableRows(table: Table): string[][] {
  return table.children.map((row) => row.children.map((cell) => inlineText(cell)));
}

/** A block as readable plain text, for the notes: lists keep their markers, tables their cells. */
export function blockText(node: RootContent): string {
  switch (node.type) {
    case "list":
      return node.children
        .map((item, i) => `${node.ordered ? `${(node.start ?? 1) + i}.` : "-"}${item.checked === true ? " [x]" : item.checked === false ? " [ ]" : ""} ${itemText(item)}`)
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

/** "**Label:** value" or "**Label**: value" → the label and the rest of the line. */
function labelOf(paragraph: Paragraph): { label: string; rest: string } | null {
  const [first, ...others] = paragraph.children;
  if (!first || first.type !== "strong") return null;
  const strong = inlineText(first);
  const restRaw = cleanInline(others.map((c) => plain(c)).join(""));
  const endsWithColon = /[:：]$/.test(strong);
  const restStartsWithColon = /^[:：]/.test(restRaw);
  if (!endsWithColon && !restStartsWithColon) return null;
  const label = strong.replace(/[:：]$/, "").trim();
  if (!label || label.length > 60) return null;
  return { label, rest: restRaw.replace(/^[:：]\s*/, "") };
}

/** Bold labels become subsections: an inline value, or the blocks that follow an empty label. */
function splitLabels(section: Section): Section {
  const content: RootContent[] = [];
  const labelled: Section[] = [];
  let open: Section | null = null;
  for (const node of section.content) {
    const label = node.type === "paragraph" ? labelOf(node) : null;
    if (label) {
      const value: RootContent[] = label.rest ? [{ type: "paragraph", children: [{ type: "text", value: label.rest }] }] : [];
      const pseudo: Section = { heading: label.label, depth: section.depth + 1, content: value, children: [], inline: Boolean(label.rest) };
      labelled.push(pseudo);
      open = label.rest ? null : pseudo;
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
