// Plain-text rules shared by the importer, the exporter and the schema: what a clean string is,
// how numbers, shares of traffic and durations are read from the words teams write (English and
// Indonesian), and the heading vocabulary that says what a section holds.

// C0/C1 control characters (tab and newline are whitespace, handled apart), bidi overrides and
// zero-width characters that could make text read differently from what it is; U+FFFD is what
// the parser leaves of a NUL.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFD]/g;

/** One line of plain text: no control characters, whitespace collapsed, capped at `max` characters. */
export function cleanInline(value: string, max = Infinity): string {
  const text = value.replace(CONTROL, "").replace(/\s+/g, " ").trim();
  return text.length > max ? text.slice(0, max).trimEnd() : text;
}

/** Paragraphs of plain text: lines trimmed, at most one blank line between paragraphs. */
export function cleanBlock(value: string, max = Infinity): string {
  const text = value
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, "")
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return text.length > max ? text.slice(0, max).trimEnd() : text;
}

/** Lowercase words for vocabulary matching: "Go/No-Go Checklist" → "go/no-go checklist". */
export function normaliseHeading(text: string): string {
  return cleanInline(text).toLowerCase().replace(/[*_`#:]+/g, " ").replace(/\s+/g, " ").trim();
}

/** A bracketed placeholder of a template ("[X]", "[Name]") is no value. */
export function isPlaceholder(text: string): boolean {
  return /^\[[^\]]*\]$/.test(text.trim()) || text.trim() === "" || /^[—–-]+$/.test(text.trim());
}

const NUMBER = String.raw`-?\d+(?:[.,]\d+)?`;

/** "1.5", "1,5" (Indonesian decimal comma) and "1,000" (thousands) as numbers. */
export function readNumber(token: string): number {
  if (/^-?\d{1,3}(,\d{3})+$/.test(token)) return Number(token.replace(/,/g, ""));
  return Number(token.replace(",", "."));
}

const KNOWN_UNITS = ["%", "ms", "s", "sec", "secs", "seconds", "min", "mins", "minutes", "h", "hours", "rps", "req/s", "qps", "mb", "gb", "kb", "detik", "menit", "jam"];

export interface Quantity {
  comparison: "lt" | "lte" | "gt" | "gte" | null;
  value: number;
  unit: string;
}

const OPERATORS: [RegExp, Quantity["comparison"]][] = [
  [/(>=|≥|at least|minimal|min\.?)\s*$/i, "gte"],
  [/(<=|≤|at most|maksimal|maks\.?|max\.?)\s*$/i, "lte"],
  [/(>|above|over|more than|greater than|lebih dari|di atas)\s*$/i, "gt"],
  [/(<|below|under|less than|kurang dari|di bawah)\s*$/i, "lt"],
];

const UNIT = String.raw`(%|[a-zA-Z/]+)?`;

/**
 * The quantity a text states, with its comparison and a known unit: a number right after a
 * comparison sign or word wins ("p95 < 500ms" → < 500 ms), else the first standalone number.
 */
export function readQuantity(text: string): Quantity | null {
  const signed = new RegExp(String.raw`(>=|<=|≥|≤|>|<)\s*(${NUMBER})\s*${UNIT}`).exec(text);
  const worded = new RegExp(String.raw`\b(at least|at most|more than|greater than|less than|above|below|over|under|lebih dari|kurang dari|di atas|di bawah|minimal|maksimal)\s+(${NUMBER})\s*${UNIT}`, "i").exec(text);
  const bare = new RegExp(String.raw`(?<![\w.])(${NUMBER})\s*${UNIT}`).exec(text);
  const found = signed ?? worded ?? (bare ? [bare[0], "", bare[1], bare[2]] : null);
  if (!found) return null;
  const word = (found[1] ?? "").toLowerCase();
  const comparison = OPERATORS.find(([pattern]) => word && pattern.test(word))?.[1] ?? null;
  const rawUnit = (found[3] ?? "").toLowerCase();
  return { comparison, value: readNumber(found[2]!), unit: KNOWN_UNITS.includes(rawUnit) ? rawUnit : "" };
}

/** The share of traffic a text states: "25%" → 25, a range "5-10%" → 10 (its upper bound), none → null. */
export function readPercent(text: string): number | null {
  const range = new RegExp(`(${NUMBER})\\s*%?\\s*(?:-|–|—|to|sampai|hingga|s/d)\\s*(${NUMBER})\\s*%`, "i").exec(text);
  const single = new RegExp(`(${NUMBER})\\s*%`).exec(text);
  const value = range ? readNumber(range[2]!) : single ? readNumber(single[1]!) : null;
  if (value === null || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value));
}

const DAY_UNITS: [RegExp, number][] = [
  [/^(minutes?|mins?|menit)$/i, 1 / 1440],
  [/^(hours?|hrs?|h|jam)$/i, 1 / 24],
  [/^(days?|hari)$/i, 1],
  [/^(weeks?|minggu|pekan)$/i, 7],
  [/^(months?|bulan)$/i, 30],
];

/**
 * Planned days of a duration text, whole days rounded up: "1-2 days" → 2, "1-2 weeks" → 14,
 * "48 hours" → 2, "Week 3" (one week of a schedule) → 7, "Ongoing" or "[X] days" → null.
 */
export function readDays(text: string): number | null {
  const t = cleanInline(text).toLowerCase();
  const schedule = /^(week|minggu|pekan)\s+\d+(\s*[-–]\s*\d+)?$/.exec(t);
  if (schedule) {
    const span = /(\d+)\s*[-–]\s*(\d+)/.exec(t);
    return span ? 7 * (Number(span[2]) - Number(span[1]) + 1) : 7;
  }
  const match = new RegExp(`(${NUMBER})(?:\\+)?(?:\\s*(?:-|–|to|sampai|hingga)\\s*(${NUMBER}))?\\s*([a-z]+)`).exec(t);
  if (!match) return null;
  const unit = DAY_UNITS.find(([pattern]) => pattern.test(match[3]!));
  if (!unit) return null;
  const amount = readNumber(match[2] ?? match[1]!);
  if (!Number.isFinite(amount) || amount < 0) return null;
  return Math.min(3650, Math.ceil(amount * unit[1] - 1e-9));
}

/** Minutes a trigger must hold: "for 5 min" → 5, "for 1+ hour" → 60, "selama 2 jam" → 120; none → 0. */
export function readHoldMinutes(text: string): number {
  const match = new RegExp(`(?:for|selama|during)\\s+(${NUMBER})\\+?\\s*(minutes?|mins?|menit|m|hours?|hrs?|h|jam|days?|hari)\\b`, "i").exec(text);
  if (!match) return 0;
  const amount = readNumber(match[1]!);
  const unit = match[2]!.toLowerCase();
  const factor = /^(hours?|hrs?|h|jam)$/.test(unit) ? 60 : /^(days?|hari)$/.test(unit) ? 1440 : 1;
  return Math.max(0, Math.round(amount * factor));
}

/** Converts a value between time units a trigger and its KPI may use ("> 1s" against a KPI in ms). */
export function convertUnit(value: number, from: string, to: string): number {
  const ms: Record<string, number> = { ms: 1, s: 1000, sec: 1000, secs: 1000, seconds: 1000, detik: 1000, min: 60_000, mins: 60_000, minutes: 60_000, menit: 60_000, h: 3_600_000, hours: 3_600_000, jam: 3_600_000 };
  const a = ms[from];
  const b = ms[to];
  return a && b ? (value * a) / b : value;
}

/** What a heading announces, in English and Indonesian. Order matters: the first match wins. */
export const VOCABULARY = {
  phase: /^(stage|phase|tahap|fase|tahapan)\s+(\d+)\s*(?:[:.\-–—]\s*)?(.*)$/i,
  notes: /^(notes|catatan|kept as notes)$/,
  triggers: /(rollback triggers?|triggers?|pemicu( rollback)?|kondisi rollback)/,
  alerts: /^(alerts?|alerting|peringatan|notifikasi peringatan)$/,
  checklist: /(checklist|check list|daftar periksa|success criteria|kriteria (keberhasilan|sukses)|go\s*\/?\s*no[\s-]*go|exit criteria|validation|validasi)/,
  prePost: /^(pre|post|pasca|pra|sebelum|setelah|sesudah)\b/,
  risks: /(risks?|risiko|resiko)/,
  escalation: /(escalation|eskalasi)/,
  roles: /(^roles?\b|\broles\b|peran|responsib|penanggung jawab|tanggung jawab|^owners?$|^pic$|kontak)/,
  comms: /(communication|comms|komunikasi)/,
  metrics: /(metrics?|kpis?|metrik|monitoring|pemantauan|indikator)/,
  phases: /(stages|phases|tahapan|fase rollout|tahap rollout|rollout)/,
  overview: /^(overview|summary|ringkasan|ikhtisar|gambaran umum|pendahuluan|latar belakang)$/,
  audience: /^(audience|audiens|target audience|target pengguna|pengguna|peserta|cakupan)$/,
  duration: /^(duration|durasi|lama|jangka waktu)$/,
  goal: /^(goal|goals|objective|purpose|tujuan|sasaran)$/,
  traffic: /^(traffic|lalu lintas|trafik|persentase lalu lintas)$/,
} as const;

/** The checklist kind a heading names, if any; go/no-go only makes sense inside a phase. */
export function kindFromHeading(heading: string): "pre_deployment" | "go_no_go" | "post_deployment" | "post_rollback" | null {
  const h = normaliseHeading(heading);
  if (/(post|after|pasca|setelah|sesudah)[\s-]*rollback/.test(h)) return "post_rollback";
  if (/^(post|pasca|setelah|sesudah|after)\b|post-deploy|validation|validasi/.test(h)) return "post_deployment";
  if (/^(pre|pra|sebelum|before)\b|pre-deploy/.test(h)) return "pre_deployment";
  if (/go\s*\/?\s*no[\s-]*go|success criteria|kriteria|exit criteria/.test(h)) return "go_no_go";
  return null;
}

/** The validation window a heading suggests; immediate (0–30 min) when it names none. */
export function windowFromHeading(heading: string): "immediate" | "short_term" | "long_term" {
  const h = normaliseHeading(heading);
  if (/long|24|jangka panjang|week|minggu|48/.test(h)) return "long_term";
  if (/short|4 ?h|jangka pendek/.test(h)) return "short_term";
  return "immediate";
}

const STRATEGY_WORDS: [RegExp, "canary" | "blue_green" | "rolling" | "flag_based"][] = [
  [/canary|kenari/i, "canary"],
  [/blue[\s/-]*green|biru[\s/-]*hijau/i, "blue_green"],
  [/rolling/i, "rolling"],
  [/feature[\s-]*flags?|flag[\s-]*based|bendera fitur/i, "flag_based"],
];

/** The strategy a short text names first ("[Rolling update / Blue-green / Canary]" → rolling). */
export function strategyNamed(text: string): "canary" | "blue_green" | "rolling" | "flag_based" | null {
  let best: { at: number; strategy: "canary" | "blue_green" | "rolling" | "flag_based" } | null = null;
  for (const [pattern, strategy] of STRATEGY_WORDS) {
    const at = text.search(pattern);
    if (at >= 0 && (!best || at < best.at)) best = { at, strategy };
  }
  return best?.strategy ?? null;
}

/** The strategy a whole document mentions most; rolling when it names none. */
export function strategyMentioned(text: string): "canary" | "blue_green" | "rolling" | "flag_based" {
  let best: { count: number; strategy: "canary" | "blue_green" | "rolling" | "flag_based" } = { count: 0, strategy: "rolling" };
  for (const [pattern, strategy] of STRATEGY_WORDS) {
    const count = text.match(new RegExp(pattern.source, "gi"))?.length ?? 0;
    if (count > best.count) best = { count, strategy };
  }
  return best.strategy;
}

export const strategyWords: Record<"canary" | "blue_green" | "rolling" | "flag_based", string> = {
  canary: "Canary",
  blue_green: "Blue-green",
  rolling: "Rolling update",
  flag_based: "Feature flag",
};

/** "Low" / "Rendah" / "Med" → a risk level; medium when the cell says nothing usable. */
export function readLevel(text: string): "low" | "medium" | "high" {
  const t = normaliseHeading(text);
  if (/^(low|rendah|kecil)/.test(t)) return "low";
  if (/^(high|tinggi|besar|critical|kritis)/.test(t)) return "high";
  return "medium";
}
