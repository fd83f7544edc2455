import type { List, ListItem } from "mdast";
import { cleanInline, type NumberStyle, numbersIn, readDays, readPercent } from "./text";
import { inlineText, itemText, plain } from "./tree";

// Traffic steps written any way teams write them: a list ("2. **Canary 2** — 25% traffic, 1
// day", "Minggu 1–2: 5% pengguna — *beta tertutup*"), or prose ("We start with 1% on Monday,
// move to 10% on Wednesday and reach everyone by Friday"). Each list or paragraph is one
// sequence; the reader collects them all and the person picks one (the longest by default).

export interface StepDraft {
  name: string;
  traffic: number;
  durationText: string;
  plannedDays: number | null;
  audience: string;
}

/** Everyone: a step that reaches all users without saying "100%". */
export const EVERYONE =
  /\b(everyone|everybody|all users|all customers|all traffic|semua pengguna|seluruh pengguna|semua user|all of (our )?users|general availability|semua nasabah|seluruh nasabah)\b/i;

// A share of traffic, as opposed to a threshold ("< 1%", "error rate 2%"): what follows a number
// and what comes before it tell them apart.
const THRESHOLD_BEFORE =
  /(<|>|≤|≥|=|\b(below|above|under|over|less than|more than|at least|at most|exceeds?|kurang dari|lebih dari|di bawah|di atas|melebihi|minimal|maksimal|maks|max|min|naik|turun|rate|error|latency|latensi|cpu|memori|memory|konversi|conversion|uptime))\s*$/i;
const KPI_AFTER =
  /^\s*%?\s*(error|errors|kesalahan|cpu|memory|memori|latency|conversion|konversi|crash|uptime|availability|ketersediaan|success)/i;

function shareOf(text: string, style: NumberStyle): { traffic: number; at: number; word: string | null } | null {
  for (const n of numbersIn(text, style)) {
    const after = text.slice(n.end, n.end + 40);
    // "25–40% pengguna": a range whose upper bound carries the sign.
    const range = /^\s*%?\s*(?:-|–|—|to|sampai|hingga)\s*\d/i.test(after);
    if (!/^\s*%/.test(after) && !range) continue;
    if (THRESHOLD_BEFORE.test(text.slice(Math.max(0, n.start - 30), n.start)) || KPI_AFTER.test(after)) continue;
    const traffic = readPercent(text.slice(n.start, n.end + 40), style);
    if (traffic === null) continue;
    return { traffic, at: n.start, word: null };
  }
  const everyone = EVERYONE.exec(text);
  return everyone ? { traffic: 100, at: everyone.index, word: everyone[0] } : null;
}

const SCHEDULE = /^(week|weeks|minggu|pekan|day|days|hari)\s+\d+/i;
const ONGOING = /(\+|dst\.?|dan seterusnya|onwards?|and after|ongoing|seterusnya|berkelanjutan)/i;

/** "Canary 2", "Minggu 1–2", "Stage A (internal + QA devices)": the label a list item opens with. */
function labelOf(item: ListItem): { label: string; rest: string } | null {
  const first = item.children[0];
  if (!first || first.type !== "paragraph") return null;
  const [head, ...others] = first.children;
  if (head?.type === "strong") {
    return {
      label: inlineText(head),
      rest: cleanInline(others.map((c) => plain(c)).join("")).replace(/^[\s:—–-]+/, ""),
    };
  }
  const text = inlineText(first);
  const colon = text.indexOf(":");
  if (colon > 0 && colon <= 60 && !/%/.test(text.slice(0, colon)))
    return { label: text.slice(0, colon).trim(), rest: text.slice(colon + 1).trim() };
  return null;
}

/** A name in parentheses or italics after a schedule label: "(pilot)", "— *beta tertutup*". */
function nickname(item: ListItem, rest: string): string {
  const paren = /^\(([^)]{1,60})\)/.exec(rest.trim());
  if (paren) return paren[1]!;
  const first = item.children[0];
  if (first?.type === "paragraph") {
    const emphasis = first.children.find((c) => c.type === "emphasis");
    if (emphasis) return inlineText(emphasis);
  }
  return "";
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One step of a list, or null when the item states no share of traffic. */
function stepOfItem(item: ListItem, index: number, style: NumberStyle): StepDraft | null {
  const text = itemText(item);
  const share = shareOf(text, style);
  if (!share) return null;
  const labelled = labelOf(item);
  let name = "";
  let durationText = "";
  let audience = "";
  if (labelled && SCHEDULE.test(labelled.label)) {
    durationText = labelled.label;
    name = nickname(item, labelled.rest) || labelled.label;
  } else if (labelled && !/^\d+\s*%?$/.test(labelled.label)) {
    // "Stage A (internal + QA devices)": the name, and who it reaches.
    const paren = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(labelled.label);
    name = paren?.[1] || labelled.label;
    audience = paren?.[2] ?? "";
  } else {
    name = share.word ?? `${share.traffic}%`;
  }
  const scheduleDays = durationText ? (ONGOING.test(durationText) ? null : readDays(durationText)) : null;
  // Otherwise how long the step is held, read after the share ("25% traffic for 1 day").
  const after = text.slice(share.at);
  const heldDays = durationText ? scheduleDays : readDays(after.replace(/^[^%]*%/, ""));
  return {
    name: capital(cleanInline(name, 80)) || `Step ${index + 1}`,
    traffic: share.traffic,
    durationText: durationText || durationPhrase(after),
    plannedDays: heldDays,
    audience: cleanInline(audience, 300),
  };
}

/** The duration words of a step's text, as written ("for 2 hours", "selama 6 jam"). */
function durationPhrase(text: string): string {
  const m =
    /\b(for|selama|tahan|hold|keep it (?:there )?for)\s+([^,.;]{1,30}?\b(minutes?|hours?|days?|weeks?|menit|jam|hari|minggu|pekan))\b/i.exec(
      text.slice(0, 200),
    );
  return m ? cleanInline(`${m[1]} ${m[2]}`, 80) : "";
}

/** The steps of a list, when at least two of its items state a rising share of traffic. */
export function stepsOfList(list: List, style: NumberStyle): StepDraft[] | null {
  const steps = list.children.map((item, i) => stepOfItem(item, i, style));
  const found = steps.filter((s): s is StepDraft => s !== null);
  if (found.length < 2 || found.length < list.children.length / 2) return null;
  if (!rising(found)) return null;
  return found;
}

const rising = (steps: readonly StepDraft[]) =>
  steps.every((s, i) => i === 0 || s.traffic >= steps[i - 1]!.traffic) && steps.at(-1)!.traffic > steps[0]!.traffic;

// Words that mark a share as traffic in prose: "1% of traffic", "10% pengguna".
const TRAFFIC_WORDS =
  /^\s*%?\s*(of\s+)?(the\s+)?(search\s+|all\s+)?(traffic|trafik|users?|pengguna|customers?|sessions?|requests?|merchants?|devices?|akun|nasabah|pelanggan|for everyone|untuk semua)/i;

/**
 * The steps prose describes: every share of traffic in the paragraph, in order, each held for
 * what its clause says ("…for two days"), and "everyone" as 100%. Null unless at least two
 * shares rise.
 */
export function stepsOfProse(text: string, style: NumberStyle, rolloutSection: boolean): StepDraft[] | null {
  const t = text.length > 5_000 ? text.slice(0, 5_000) : text;
  const marks: { at: number; end: number; traffic: number; word: string | null }[] = [];
  let trafficWords = 0;
  for (const n of numbersIn(t, style)) {
    const after = t.slice(n.end, n.end + 40);
    if (!/^\s*%/.test(after)) continue;
    if (THRESHOLD_BEFORE.test(t.slice(Math.max(0, n.start - 30), n.start)) || KPI_AFTER.test(after)) continue;
    if (TRAFFIC_WORDS.test(after)) trafficWords++;
    marks.push({
      at: n.start,
      end: n.end + after.indexOf("%") + 1,
      traffic: Math.min(100, Math.max(0, n.value)),
      word: null,
    });
  }
  for (const m of t.matchAll(new RegExp(EVERYONE.source, "gi"))) {
    // "100% for everyone" is one step, not two.
    const previous = marks.filter((k) => k.at < m.index).at(-1);
    if (previous && previous.traffic === 100 && m.index - previous.end < 30) {
      previous.word = m[0];
      continue;
    }
    marks.push({ at: m.index, end: m.index + m[0].length, traffic: 100, word: m[0] });
  }
  marks.sort((a, b) => a.at - b.at);
  if (marks.length < 2 || !(rolloutSection || trafficWords >= 1)) return null;
  const steps = marks.map((mark, i): StepDraft => {
    const clause = t.slice(mark.end, marks[i + 1]?.at ?? t.length);
    const days = readDays(clause.split(/\b(then|lalu|kemudian|setelah itu|after that)\b/i)[0] ?? clause);
    return {
      name: mark.word ?? `${mark.traffic}%`,
      traffic: mark.traffic,
      durationText: durationPhrase(clause),
      plannedDays: mark.traffic === 100 && !/\bfor\s+\d/.test(clause) ? null : days,
      audience: "",
    };
  });
  return rising(steps) ? steps : null;
}

/** A share of traffic stated in a step's "Target:" line ("10% pengguna", "all users"), or null. */
export function targetShare(text: string, style: NumberStyle): number | null {
  const share = shareOf(text, style);
  return share ? share.traffic : null;
}
