import type { Code } from "mdast";
import { keyFromLabel } from "@/lib/domain/kpi-rules";
import type { Reader } from "./reader";
import type { DocMetric } from "./schema";
import { LIMITS } from "./schema";
import {
  cleanInline,
  isPlaceholder,
  normaliseHeading,
  type NumberStyle,
  numbersIn,
  readLevel,
  readNumber,
  readPercent,
  readQuantity,
  VOCABULARY as V,
} from "./text";
import { kpiNamed } from "./vocabulary";

// Tables, lists and diagrams a rollout document uses, read by their header words (English or
// Indonesian): stages, KPIs with thresholds, risks, comms, escalation and roles.

export function columnIndex(header: string[], pattern: RegExp): number {
  return header.findIndex((h) => pattern.test(normaliseHeading(h)));
}

export function asciiStages(code: Code, reader: Reader): boolean {
  const lines = code.value.split("\n").map((l) => cleanInline(l.replace(/[│├└┌┐┘┬┴┼─═║╔╗╚╝┤╠╣╦╩╬|]/g, " ")));
  if (!lines.some((l) => V.phase.test(l))) return false;
  let current: number | null = null;
  for (const line of lines) {
    const stage = V.phase.exec(line);
    if (stage) {
      current = Number(stage[2]);
      const name = (stage[3] ?? "").toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
      reader.setPhase(current, "name", name, 1);
      reader.phase(current);
      continue;
    }
    const field = /^([^:]{2,30}):\s*(.+)$/.exec(line);
    if (current === null || !field) continue;
    const key = normaliseHeading(field[1]!);
    if (V.audience.test(key)) reader.setPhase(current, "audience", field[2]!, 1);
    else if (V.duration.test(key)) reader.setPhase(current, "durationText", field[2]!, 1);
    else if (V.goal.test(key)) reader.setPhase(current, "goal", field[2]!, 1);
  }
  return true;
}

export function phasesTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const stage = columnIndex(header, /^(stage|phase|tahap|fase|tahapan)$/);
  const audience = columnIndex(header, /^(audience|audiens|pengguna|target pengguna|cakupan)$/);
  const traffic = columnIndex(
    header,
    /^(traffic|traffic %|%|lalu lintas|trafik|share|rollout|rollout %|exposure|persentase|porsi)$/,
  );
  const duration = columnIndex(header, /^(duration|durasi|lama|hold|tahan|jangka waktu)$/);
  if (stage < 0 || (audience < 0 && traffic < 0 && duration < 0)) return false;
  const name = columnIndex(header, /^(name|nama)$/);
  const goal = columnIndex(header, /^(goal|objective|tujuan|sasaran)$/);
  const criteria = columnIndex(header, /(criteria|kriteria|exit|lanjut|naik fase)/);
  const trigger = columnIndex(header, /(rollback trigger|pemicu)/);
  body.forEach((cells, i) => {
    const stageCell = cells[stage] ?? "";
    const number = Number(/\d+/.exec(stageCell)?.[0] ?? i + 1);
    const cell = (index: number) => (index >= 0 ? (cells[index] ?? "") : "");
    const named = V.phase.exec(stageCell)?.[3]?.trim();
    if (name >= 0 && cell(name)) reader.setPhase(number, "name", cell(name), 4);
    else if (named) reader.setPhase(number, "name", named, 2.5);
    else reader.setPhase(number, "name", stageCell, 1.5);
    if (!isPlaceholder(cell(audience))) reader.setPhase(number, "audience", cell(audience), 2);
    if (!isPlaceholder(cell(duration))) reader.setPhase(number, "durationText", cell(duration), 3);
    if (!isPlaceholder(cell(goal))) reader.setPhase(number, "goal", cell(goal), 2);
    // What the phase must show to move on: its goal, in the document's words.
    else if (criteria >= 0 && !isPlaceholder(cell(criteria))) reader.setPhase(number, "goal", cell(criteria), 1);
    if (traffic >= 0 && !isPlaceholder(cell(traffic))) {
      const pct = readPercent(cell(traffic), reader.style) ?? readPercent(`${cell(traffic)}%`, reader.style);
      if (pct !== null) reader.phase(number).traffic = pct;
    }
    reader.phase(number);
    if (trigger >= 0 && !isPlaceholder(cell(trigger))) reader.rawTriggers.push({ text: cell(trigger), action: null });
  });
  return true;
}

export function metricsTable(rows: string[][], reader: Reader, where: string): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const label = columnIndex(header, /^(metric|metrics|kpi|kpis|metrik|indikator|name|nama)$/);
  const target = columnIndex(header, /^(target|sasaran|goal)$/);
  const alert = columnIndex(
    header,
    /^(alert|alert threshold|threshold|ambang|ambang batas|peringatan|batas peringatan|warning|warn|warning threshold|waspada)$/,
  );
  const critical = columnIndex(header, /^(critical|critical threshold|kritis|batas kritis)$/);
  if (label < 0 || (target < 0 && alert < 0 && critical < 0)) return false;
  const key = columnIndex(header, /^(key|kunci)$/);
  const unit = columnIndex(header, /^(unit|satuan)$/);
  const direction = columnIndex(header, /^(direction|arah)$/);
  for (const cells of body) {
    const name = cleanInline(cells[label] ?? "", LIMITS.label);
    if (!name) continue;
    const read = (index: number) =>
      index >= 0 && !isPlaceholder(cells[index] ?? "") ? readQuantity(cells[index] ?? "", reader.style) : null;
    const [t, a, c] = [read(target), read(alert), read(critical)];
    const stated = direction >= 0 ? normaliseHeading(cells[direction] ?? "") : "";
    const common = kpiNamed(name);
    const higher = stated
      ? /higher|lebih tinggi|naik/.test(stated)
      : t?.comparison
        ? t.comparison === "gt" || t.comparison === "gte"
        : a?.comparison === "lt" ||
          a?.comparison === "lte" ||
          (common?.direction ?? (t && a && a.value < t.value ? "higher_is_better" : "lower_is_better")) ===
            "higher_is_better";
    const keyCell = key >= 0 ? cleanInline(cells[key] ?? "") : "";
    reader.addMetric(
      {
        key: /^[a-z][a-z0-9_.]{0,63}$/.test(keyCell) ? keyCell : (common?.key ?? (keyFromLabel(name) || "kpi")),
        label: name,
        unit: unit >= 0 ? cleanInline(cells[unit] ?? "", LIMITS.unit) : t?.unit || a?.unit || c?.unit || "",
        direction: higher ? "higher_is_better" : "lower_is_better",
        target: t?.value ?? null,
        alert: a?.value ?? null,
        critical: c?.value ?? null,
      },
      where,
    );
  }
  const mapped = [label, target, alert, critical, key, unit, direction].filter((i) => i >= 0).length;
  if (mapped < header.length) reader.note(where, rows.map((r) => r.join(" | ")).join("\n"));
  return true;
}

const WARN = /(warn(?:ing)?(?:\s+at)?|alert(?:\s+at)?|peringatan(?:\s+di)?|waspada)\s*(?:at|di|if|jika|when)?\s*$/i;
const CRIT = /(crit(?:ical)?(?:\s+at)?|kritis(?:\s+di)?|page(?:\s+at)?)\s*(?:at|di|if|jika|when)?\s*$/i;

/**
 * "Error Rate: < 1%", "Response time p95 < 500ms" or "Tingkat error: < 0,5% (peringatan 1%,
 * kritis 3%)" → a KPI with its target and, when the line gives them, its alert and critical values.
 */
export function metricItem(text: string, style: NumberStyle = "point"): DocMetric | null {
  const colon = text.indexOf(":");
  const operator =
    /(<=|>=|≤|≥|<|>|\b(under|below|above|over|at least|at most|minimal|maksimal|kurang dari|lebih dari|di bawah|di atas)\b)/i.exec(
      text,
    );
  const labelEnd = colon > 0 && (!operator || colon < operator.index) ? colon : (operator?.index ?? -1);
  if (labelEnd <= 0) return null;
  const label = cleanInline(text.slice(0, labelEnd), LIMITS.label);
  const rest = text.slice(labelEnd).replace(/^:\s*/, "");
  // The target is stated before any warning / critical remark.
  const remark = rest.search(/\b(warn|warning|alert|peringatan|waspada|crit|critical|kritis|page)\b/i);
  const q = readQuantity(remark > 0 ? rest.slice(0, remark) : rest, style);
  const marks = numbersIn(rest, style).map((n) => {
    const before = rest
      .slice(Math.max(0, n.start - 40), n.start)
      .replace(/\b(di bawah|di atas|below|above|under|over)\s*$|(<|>|=)\s*$/i, "")
      .trimEnd();
    return { n, warn: WARN.test(before), crit: CRIT.test(before) };
  });
  if (!label || !q) return null;
  const common = kpiNamed(label);
  const higher = q.comparison
    ? q.comparison === "gt" || q.comparison === "gte"
    : common?.direction === "higher_is_better";
  if (!q.comparison && !common) return null;
  const value = (pick: (m: (typeof marks)[number]) => boolean) => marks.find(pick)?.n.value ?? null;
  return {
    key: common?.key ?? (keyFromLabel(label) || "kpi"),
    label,
    unit: q.unit,
    direction: higher ? "higher_is_better" : "lower_is_better",
    target: q.value,
    alert: value((m) => m.warn),
    critical: value((m) => m.crit),
  };
}

export function risksTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const description = columnIndex(header, /^(risk|risks|risiko|resiko|description|deskripsi)$/);
  const likelihood = columnIndex(header, /^(likelihood|probability|kemungkinan|peluang)$/);
  const impact = columnIndex(header, /^(impact|dampak)$/);
  if (description < 0 || (likelihood < 0 && impact < 0)) return false;
  const mitigation = columnIndex(header, /^(mitigation|mitigasi|penanganan)$/);
  for (const cells of body) {
    const text = cleanInline(cells[description] ?? "", LIMITS.cell);
    if (!text) continue;
    reader.risks.push({
      description: text,
      likelihood: readLevel(likelihood >= 0 ? (cells[likelihood] ?? "") : ""),
      impact: readLevel(impact >= 0 ? (cells[impact] ?? "") : ""),
      mitigation: mitigation >= 0 ? cleanInline(cells[mitigation] ?? "", LIMITS.cell) : "",
    });
  }
  return true;
}

export function commsTable(rows: string[][], reader: Reader, heading: string): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const event = columnIndex(header, /^(event|stage|phase|tahap|acara|peristiwa)$/);
  const timing = columnIndex(header, /^(when|timing|waktu|kapan)$/);
  const channel = columnIndex(header, /^(channel|method|saluran|media|metode)$/);
  const audience = columnIndex(header, /^(audience|to|kepada|audiens|penerima)$/);
  const template = columnIndex(header, /^(message|template|pesan|isi pesan)$/);
  if ((channel < 0 && template < 0) || (event < 0 && timing < 0)) return false;
  const fallbackAudience = cleanInline(
    heading.replace(/communications?|comms|komunikasi|plan|rencana|untuk|dengan/gi, ""),
  );
  const cell = (cells: string[], i: number) => (i >= 0 ? cleanInline(cells[i] ?? "", LIMITS.cell) : "");
  for (const cells of body) {
    const name = cell(cells, event) || cell(cells, timing);
    if (!name) continue;
    reader.comms.push({
      event: name,
      timing: cell(cells, timing),
      channel: cell(cells, channel),
      audience: audience >= 0 ? cell(cells, audience) : fallbackAudience,
      template: cell(cells, template),
    });
  }
  return true;
}

/** When a level is called: "after 15 min" → 15, "0–10 menit" → 0 (a window's start), "2 h" → 120. */
export function minutesOf(text: string, style: NumberStyle = "point"): number {
  const numbers = numbersIn(text, style);
  const first = numbers[0];
  if (!first) return 0;
  // The unit is the first word after the number, or after a range it opens ("1–2 jam").
  const second = numbers[1];
  const ranged = second && /^\s*(?:-|–|—|to|sampai|hingga|s\/d)\s*$/i.test(text.slice(first.end, second.start));
  const unit = (
    /^\s*([a-z]+)/i.exec(text.slice(ranged ? second.end : first.end, (ranged ? second.end : first.end) + 20))?.[1] ?? ""
  ).toLowerCase();
  const factor = /^(days?|hari)$/.test(unit) ? 1440 : /^(hours?|hrs?|h|jam)$/.test(unit) ? 60 : 1;
  return Math.max(0, Math.round(first.value * factor));
}

export function escalationTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const level = columnIndex(header, /^(level|tingkat|tier|lvl)$/);
  const who = columnIndex(
    header,
    /^(who|siapa|contact|kontak|person|escalate to|eskalasi ke|pic|role|peran|nama|name|owner|page|panggil|hubungi|dihubungi|contacted|called|to call)$/,
  );
  const after = columnIndex(
    header,
    /(after|setelah|minutes|menit|time|waktu|when|kapan|response|respons|sla|elapsed|since|sejak)/,
  );
  // Without a level column the rows are the levels, in order (a "time | escalate to" table).
  if (who < 0 || (level < 0 && after < 0)) return false;
  body.forEach((cells, i) => {
    const n = level >= 0 ? Math.round(readNumber(/\d+/.exec(cells[level] ?? "")?.[0] ?? "NaN")) : i + 1;
    const person = cleanInline(cells[who] ?? "", LIMITS.cell);
    if (!Number.isFinite(n) || n < 1 || !person) return;
    reader.escalation.push({
      level: n,
      who: person,
      afterMinutes: after >= 0 ? minutesOf(cells[after] ?? "", reader.style) : 0,
    });
  });
  return true;
}

const RACI = /^(r|a|c|i|r\/a|a\/r|—|-|–|)$/i;

export function rolesTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header || header.length < 2) return false;
  // A RACI matrix: activities down, roles across, R/A/C/I in the cells; the roles are the columns.
  if (header.length >= 3 && body.length && body.every((cells) => cells.slice(1).every((c) => RACI.test(c.trim())))) {
    for (const role of header.slice(1)) {
      const name = cleanInline(role, LIMITS.cell);
      if (name) reader.roles.push({ role: name, who: "" });
    }
    return true;
  }
  const role = Math.max(0, columnIndex(header, /^(role|peran|responsibility|tanggung jawab|time|waktu)$/));
  const whoIndex = columnIndex(header, /^(who|siapa|person|person responsible|owner|contact|kontak|nama|name|pic)$/);
  const who = whoIndex >= 0 ? whoIndex : role === 0 ? 1 : 0;
  for (const cells of body) {
    const name = cleanInline(cells[role] ?? "", LIMITS.cell);
    if (name) reader.roles.push({ role: name, who: cleanInline(cells[who] ?? "", LIMITS.cell) });
  }
  return true;
}
