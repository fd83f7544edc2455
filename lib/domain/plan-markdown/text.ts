// Plain-text rules shared by the importer, the exporter and the schema: what a clean string is,
// how numbers, shares of traffic and durations are read from the words teams write (English and
// Indonesian), and the heading vocabulary that says what a section holds.

// C0/C1 control characters (tab and newline are whitespace, handled apart), bidi overrides and
// zero-width characters that could make text read differently from what it is; U+FFFD is what
// the parser leaves of a NUL.
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFD]/g;

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
  return cleanInline(text.slice(0, 300))
    .toLowerCase()
    .replace(/[*_`#:]+/g, " ")
    .replace(/^\s*(\d+(\.\d+)*[.)]?|[a-h][.)])\s+/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** A bracketed placeholder of a template ("[X]", "[Name]") is no value. */
export function isPlaceholder(text: string): boolean {
  return /^\[[^\]]*\]$/.test(text.trim()) || text.trim() === "" || /^[—–-]+$/.test(text.trim());
}

// Numbers are found by one left-to-right scan that never restarts inside a run of digits, and
// everything around a number (a comparison before it, a unit, a "%" or a range after it) is read
// from a short window next to it. Every reader is therefore linear in its text, whatever the text
// holds (a 16,000-digit cell takes as long to read as 16,000 letters).

/** Longest text any reader looks at: cells and lines are far shorter; a whole section is capped. */
export const MAX_READ_CHARS = 20_000;
const WINDOW = 48;

export interface NumberToken {
  value: number;
  start: number;
  end: number;
}

// Starts only where no letter, digit, "." or "," precedes ("p95" and "v1.2" are not numbers), so
// a digit run is tried once, at its start.
const NUMBER_SCAN = /(?<![\p{L}\p{N}.,_])-?\d+(?:[.,]\d+)*/gu;

/**
 * How a document writes numbers: "point" (1,000.5) or "comma" (1.000,5, as Indonesian documents
 * do). Either way "1,5" is one and a half; only "1.500" depends on it (1.5 or 1500).
 */
export type NumberStyle = "point" | "comma";

/** The style most of a document's decimals use ("0,5%" against "0.5%"). */
export function numberStyleOf(text: string): NumberStyle {
  const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
  // Decimals ("0,5" / "0.5") and thousands ("1.500" / "1,500"); versions ("2.0.0") are neither.
  const commas =
    (sample.match(/(?<![\d.,])\d+,\d{1,2}(?![\d.,])/g)?.length ?? 0) +
    (sample.match(/(?<![\d.,])\d{1,3}(\.\d{3})+(?![\d.,])/g)?.length ?? 0);
  const points =
    (sample.match(/(?<![\d.,])\d+\.\d{1,2}(?![\d.,])/g)?.length ?? 0) +
    (sample.match(/(?<![\d.,])\d{1,3}(,\d{3})+(?![\d.,])/g)?.length ?? 0);
  return commas > points ? "comma" : "point";
}

/** "1.5", "1,5" (Indonesian decimal comma), "1,000" and, in a comma document, "1.000" as numbers; NaN otherwise. */
export function readNumber(token: string, style: NumberStyle = "point"): number {
  if (token.replace(/\D/g, "").length > 15) return Number.NaN;
  if (/^-?\d{1,3}(,\d{3})+$/.test(token)) return Number(token.replace(/,/g, ""));
  if (style === "comma" && /^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(token))
    return Number(token.replace(/\./g, "").replace(",", "."));
  if (/^-?\d+([.,]\d+)?$/.test(token)) return Number(token.replace(",", "."));
  return Number.NaN;
}

/** Every number in the text, in order (at most the first MAX_READ_CHARS characters). */
export function numbersIn(text: string, style: NumberStyle = "point"): NumberToken[] {
  const t = text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text;
  const out: NumberToken[] = [];
  for (const m of t.matchAll(NUMBER_SCAN)) {
    // Rupiah amounts are written with thousands points whatever the document's style: "Rp 4.000".
    const rupiah = /(rp|idr)\.?\s*$/i.test(t.slice(Math.max(0, m.index - 5), m.index));
    const value = readNumber(m[0], rupiah ? "comma" : style);
    if (Number.isFinite(value)) out.push({ value, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const before = (text: string, at: number) => text.slice(Math.max(0, at - WINDOW), at);
const after = (text: string, at: number) => text.slice(at, at + WINDOW);

const UNIT_WORDS: [RegExp, string][] = [
  [/^(ms|msec|milidetik|milliseconds?)\b/i, "ms"],
  [/^(s|sec|secs|seconds?|detik|dtk)\b/i, "s"],
  [/^(min|mins|minutes?|menit|mnt)\b/i, "min"],
  [/^(h|hrs?|hours?|jam)\b/i, "h"],
];

/** The unit written right after a number ("500ms", "3 detik", "80 %"); "" when none is known. */
function unitAfter(text: string, end: number): string {
  const rest = after(text, end).replace(/^\s*/, "");
  if (rest.startsWith("%") || /^persen\b/i.test(rest)) return "%";
  for (const [pattern, unit] of UNIT_WORDS) {
    const m = pattern.exec(rest);
    if (m) return unit || m[0].toLowerCase();
  }
  return "";
}

/** Units a KPI may be stated in, as the plan stores them ("detik" → "s", "menit" → "min"). */
export function normaliseUnit(unit: string): string {
  const u = unit.trim().toLowerCase();
  if (u === "%" || u === "persen") return "%";
  for (const [pattern, normal] of UNIT_WORDS) if (pattern.test(u)) return normal || u;
  return u.slice(0, 20);
}

const KNOWN_UNITS = new Set(["%", "ms", "s", "min", "h"]);

export interface Quantity {
  comparison: "lt" | "lte" | "gt" | "gte" | null;
  value: number;
  unit: string;
}

// Comparison words and signs, English and Indonesian, as they end the text before a number.
const COMPARISONS: [RegExp, NonNullable<Quantity["comparison"]>][] = [
  [
    /(>=|≥|=>|\bat least|\bno less than|\bnot below|\bminimal|\bminimum|\bmin\.|\bsekurang-kurangnya|\bpaling sedikit|\btidak kurang dari)\s*$/i,
    "gte",
  ],
  [
    /(<=|≤|=<|\bat most|\bno more than|\bnot above|\bmaksimal|\bmaksimum|\bmaks\.?|\bmax\.?|\bup to|\bhingga maksimal|\bpaling banyak|\btidak lebih dari)\s*$/i,
    "lte",
  ],
  [
    /(>|\babove|\bover|\bmore than|\bgreater than|\bhigher than|\bexceeds?|\bexceeding|\bexceeded|\bbeyond|\blebih dari|\blebih besar dari|\blebih tinggi dari|\bdi atas|\bmelebihi|\bmelewati|\bmelampaui|\bnaik di atas)\s*$/i,
    "gt",
  ],
  [
    /(<|\bbelow|\bunder|\bless than|\blower than|\bfalls? below|\bdrops? below|\bkurang dari|\bdi bawah|\bturun di bawah|\blebih rendah dari|\blebih kecil dari)\s*$/i,
    "lt",
  ],
];

function comparisonBefore(text: string, start: number): Quantity["comparison"] {
  // A currency between the sign and the amount ("> Rp 6.000", "< $5") does not hide the sign.
  const window = before(text, start).replace(/(rp|idr|usd|us\$|\$|€|£)\.?\s*$/i, "");
  for (const [pattern, comparison] of COMPARISONS) if (pattern.test(window)) return comparison;
  return null;
}

/**
 * The quantity a text states, with its comparison and a known unit: a number right after a
 * comparison sign or word wins ("p95 < 500ms" → < 500 ms), else the first standalone number.
 */
export function readQuantity(text: string, style: NumberStyle = "point"): Quantity | null {
  const numbers = numbersIn(text, style);
  const compared = numbers.find((n) => comparisonBefore(text, n.start) !== null);
  const chosen = compared ?? numbers[0];
  if (!chosen) return null;
  const unit = unitAfter(text, chosen.end);
  return {
    comparison: compared ? comparisonBefore(text, compared.start) : null,
    value: chosen.value,
    unit: KNOWN_UNITS.has(unit) ? unit : "",
  };
}

const RANGE_JOIN = /^\s*%?\s*(?:-|–|—|to|sampai|hingga|s\/d|s\.d\.)\s*$/i;

/** The share of traffic a text states: "25%" → 25, a range "5-10%" → 10 (its upper bound), none → null. */
export function readPercent(text: string, style: NumberStyle = "point"): number | null {
  const numbers = numbersIn(text, style);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    if (unitAfter(text, n.end) !== "%") {
      // "5-10%" and "5 to 10 %": the upper bound of a range carries the sign.
      const next = numbers[i + 1];
      if (!next || !RANGE_JOIN.test(text.slice(n.end, next.start)) || unitAfter(text, next.end) !== "%") continue;
      return clampPercent(next.value);
    }
    const next = numbers[i + 1];
    if (next && RANGE_JOIN.test(text.slice(n.end, next.start)) && unitAfter(text, next.end) === "%")
      return clampPercent(next.value);
    return clampPercent(n.value);
  }
  return null;
}

const clampPercent = (value: number) => Math.min(100, Math.max(0, value));

const DAY_UNITS: [RegExp, number][] = [
  [/^(minutes?|mins?|menit)\b/i, 1 / 1440],
  [/^(hours?|hrs?|h|jam)\b/i, 1 / 24],
  [/^(days?|hari)\b/i, 1],
  [/^(weeks?|minggu|pekan)\b/i, 7],
  [/^(months?|bulan)\b/i, 30],
];

/**
 * Planned days of a duration text, whole days rounded up: "1-2 days" → 2, "1-2 weeks" → 14,
 * "48 hours" → 2, "Week 3" (one week of a schedule) → 7, "Week 1–2" → 14, "Ongoing" or
 * "[X] days" → null.
 */
export function readDays(text: string): number | null {
  const t = spellNumbers(
    cleanInline(text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text).toLowerCase(),
  );
  const schedule = /^(week|minggu|pekan|day|hari)\s+(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?$/.exec(t);
  if (schedule) {
    const span = schedule[3] ? Number(schedule[3]) - Number(schedule[2]) + 1 : 1;
    return Math.min(3650, Math.max(1, span) * (/^(day|hari)/.test(schedule[1]!) ? 1 : 7));
  }
  for (const n of numbersIn(t)) {
    const rest = after(t, n.end).replace(/^\+?\s*/, "");
    // "1-2 weeks": the upper bound carries the unit, and is the one read.
    const unit = DAY_UNITS.find(([pattern]) => pattern.test(rest));
    if (!unit) continue;
    if (n.value < 0) return null;
    return Math.min(3650, Math.ceil(n.value * unit[1] - 1e-9));
  }
  return null;
}

const HOLD_WORDS =
  /(\bfor|\bselama|\bduring|\bover|\bdalam|\bwithin|\bsustained|\bberturut-turut selama|\bterus-menerus selama)(\s+(more than|longer than|over|at least|another|lebih dari|minimal|setidaknya))?\s*$/i;

// Durations are often spelled out: "for two days", "selama dua hari".
const SPELLED: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  a: 1,
  an: 1,
  satu: 1,
  dua: 2,
  tiga: 3,
  empat: 4,
  lima: 5,
  enam: 6,
  tujuh: 7,
  delapan: 8,
  sembilan: 9,
  sepuluh: 10,
  sehari: 1,
  seminggu: 7,
};
const SPELLED_DURATION =
  /\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|an?|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)(\s+(?:more\s+|lagi\s+)?)(minutes?|hours?|days?|weeks?|months?|menit|jam|hari|minggu|pekan|bulan)\b|\b(sehari|seminggu)\b/gi;

/** "two days" → "2 days", "seminggu" → "1 minggu": spelled-out durations as digits. */
export function spellNumbers(text: string): string {
  return text.replace(SPELLED_DURATION, (whole, word?: string, gap?: string, unit?: string, compact?: string) => {
    if (compact) return compact.toLowerCase() === "sehari" ? "1 hari" : "1 minggu";
    return `${SPELLED[word!.toLowerCase()]}${gap}${unit}`;
  });
}

/** Minutes a trigger must hold: "for 5 min" → 5, "for 1+ hour" → 60, "selama 2 jam" → 120; none → 0. */
export function readHoldMinutes(text: string): number {
  text = spellNumbers(text.length > MAX_READ_CHARS ? text.slice(0, MAX_READ_CHARS) : text);
  for (const n of numbersIn(text)) {
    if (!HOLD_WORDS.test(before(text, n.start))) continue;
    const rest = after(text, n.end).replace(/^\+?\s*/, "");
    const unit = /^(minutes?|mins?|menit|m\b|hours?|hrs?|h\b|jam|days?|hari|seconds?|secs?|detik)/i
      .exec(rest)?.[0]
      ?.toLowerCase();
    if (!unit) continue;
    const factor = /^(hours?|hrs?|h|jam)$/.test(unit)
      ? 60
      : /^(days?|hari)$/.test(unit)
        ? 1440
        : /^(seconds?|secs?|detik)$/.test(unit)
          ? 1 / 60
          : 1;
    return Math.max(0, Math.round(n.value * factor));
  }
  return 0;
}

/** Converts a value between time units a trigger and its KPI may use ("> 1s" against a KPI in ms). */
export function convertUnit(value: number, from: string, to: string): number {
  const ms: Record<string, number> = {
    ms: 1,
    s: 1000,
    sec: 1000,
    secs: 1000,
    seconds: 1000,
    detik: 1000,
    min: 60_000,
    mins: 60_000,
    minutes: 60_000,
    menit: 60_000,
    h: 3_600_000,
    hours: 3_600_000,
    jam: 3_600_000,
  };
  const a = ms[from];
  const b = ms[to];
  return a && b ? (value * a) / b : value;
}

/** What a heading announces, in English and Indonesian. Order matters: the first match wins. */
export const VOCABULARY = {
  phase: /^(stage|phase|tahap|fase|tahapan)\s+(\d+)\s*(?:[:.\-–—]\s*)?(.*)$/i,
  notes: /^(notes|catatan|kept as notes)$/,
  triggers:
    /(rollback triggers?|triggers?|pemicu( rollback)?|kondisi rollback|kriteria rollback|rollback criteria|kapan (harus )?rollback|when (we|to) roll ?back|roll ?back (if|when|kalau|jika|apabila|bila)|syarat rollback|abort criteria|kill criteria|stop conditions?)/,
  alerts: /^(alerts?|alerting|peringatan|notifikasi peringatan)$/,
  checklist:
    /(checklist|check list|daftar periksa|success criteria|kriteria (keberhasilan|sukses)|go\s*\/?\s*no[\s-]*go|exit criteria|validation|validasi)/,
  prePost: /^(pre|post|pasca|pra|sebelum|setelah|sesudah)\b/,
  risks: /(risks?|risiko|resiko)/,
  escalation: /(escalation|eskalasi)/,
  roles:
    /(^roles?\b|\broles\b|peran|responsib|penanggung jawab|tanggung jawab|^owners?$|^pic$|kontak|contacts?|who'?s who|who is who|siapa|\braci\b|^people$|^team$|^tim$|who does what|siapa (ngapain|melakukan apa|mengerjakan apa))/,
  comms:
    /(communication|comms|komunikasi|announcements?|pengumuman|messages?\b|pesan|info ke|status updates?|notifikasi ke|notifications? to|templates? (info|pesan|komunikasi|message))/,
  metrics:
    /(metrics?|kpis?|metrik|monitoring|pemantauan|indikator|what .?good.? looks like|what healthy looks like|health signals?|slos?\b|sli\b)/,
  phases:
    /(stages|phases|tahapan|fase rollout|tahap rollout|rollout|roll it out|schedule|jadwal|steps|langkah|ramp|urutan canary|canary sequence)/,
  overview: /^(overview|summary|ringkasan|ikhtisar|gambaran umum|pendahuluan|latar belakang)$/,
  audience: /^(audience|audiens|target audience|target pengguna|pengguna|peserta|cakupan)$/,
  duration: /^(duration|durasi|lama|jangka waktu)$/,
  goal: /^(goal|goals|objective|purpose|tujuan|sasaran)$/,
  traffic: /^(traffic|lalu lintas|trafik|persentase lalu lintas)$/,
} as const;

/** The checklist kind a heading names, if any; go/no-go only makes sense inside a phase. */
export function kindFromHeading(
  heading: string,
): "pre_deployment" | "go_no_go" | "post_deployment" | "post_rollback" | null {
  const h = normaliseHeading(heading);
  if (/(post|after|pasca|setelah|sesudah)[\s-]*(the\s+)?rollback/.test(h)) return "post_rollback";
  if (
    /go\s*\/?\s*no[\s-]*go|success criteria|kriteria (keberhasilan|sukses|lanjut|naik)|exit criteria|exit checks?|\bexit\b/.test(
      h,
    )
  )
    return "go_no_go";
  if (/\b(post|pasca|setelah|sesudah|after)\b|post-deploy|validation|validasi|verification|verifikasi|verify/.test(h))
    return "post_deployment";
  if (/\b(pre|pra|sebelum|before)\b|pre-deploy|readiness|kesiapan/.test(h)) return "pre_deployment";
  if (/kriteria/.test(h)) return "go_no_go";
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
  let best: { count: number; strategy: "canary" | "blue_green" | "rolling" | "flag_based" } = {
    count: 0,
    strategy: "rolling",
  };
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
