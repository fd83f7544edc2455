import type { Code } from "mdast";
import { keyFromLabel } from "@/lib/domain/kpi-rules";
import type { Ctx, Reader } from "./reader";
import type { DocMetric } from "./schema";
import { LIMITS } from "./schema";
import { cleanInline, isPlaceholder, normaliseHeading, readLevel, readNumber, readPercent, readQuantity, VOCABULARY as V } from "./text";

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

export function phasesTable(rows: string[][], reader: Reader, ctx: Ctx): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const stage = columnIndex(header, /^(stage|phase|tahap|fase|tahapan)$/);
  const audience = columnIndex(header, /^(audience|audiens|pengguna|target pengguna|cakupan)$/);
  const traffic = columnIndex(header, /^(traffic|traffic %|%|lalu lintas|trafik|share)$/);
  const duration = columnIndex(header, /^(duration|durasi|lama)$/);
  if (stage < 0 || (audience < 0 && traffic < 0 && duration < 0)) return false;
  const name = columnIndex(header, /^(name|nama)$/);
  const goal = columnIndex(header, /^(goal|objective|tujuan|sasaran)$/);
  const criteria = columnIndex(header, /(success criteria|kriteria)/);
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
    if (traffic >= 0 && !isPlaceholder(cell(traffic))) {
      const pct = readPercent(cell(traffic)) ?? readPercent(`${cell(traffic)}%`);
      if (pct !== null) reader.phase(number).traffic = pct;
    }
    reader.phase(number);
    if (criteria >= 0 && !isPlaceholder(cell(criteria))) {
      const list = reader.checklist({ ...ctx, phase: number }, "Success criteria", "go_no_go");
      for (const text of cell(criteria).split(/;\s*/)) if (text.trim()) list.items.push({ text: cleanInline(text, LIMITS.itemText), done: false });
    }
    if (trigger >= 0 && !isPlaceholder(cell(trigger))) reader.rawTriggers.push({ text: cell(trigger), action: null });
  });
  return true;
}

export function metricsTable(rows: string[][], reader: Reader, where: string): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const label = columnIndex(header, /^(metric|metrics|kpi|kpis|metrik|indikator|name|nama)$/);
  const target = columnIndex(header, /^(target|sasaran|goal)$/);
  const alert = columnIndex(header, /^(alert|alert threshold|threshold|ambang|ambang batas|peringatan|batas peringatan)$/);
  const critical = columnIndex(header, /^(critical|critical threshold|kritis|batas kritis)$/);
  if (label < 0 || (target < 0 && alert < 0 && critical < 0)) return false;
  const key = columnIndex(header, /^(key|kunci)$/);
  const unit = columnIndex(header, /^(unit|satuan)$/);
  const direction = columnIndex(header, /^(direction|arah)$/);
  for (const cells of body) {
    const name = cleanInline(cells[label] ?? "", LIMITS.label);
    if (!name) continue;
    const read = (index: number) => (index >= 0 ? readQuantity(cells[index] ?? "") : null);
    const [t, a, c] = [read(target), read(alert), read(critical)];
    const stated = direction >= 0 ? normaliseHeading(cells[direction] ?? "") : "";
    const higher = stated
      ? /higher|lebih tinggi|naik/.test(stated)
      : t?.comparison === "gt" || t?.comparison === "gte" || a?.comparison === "lt" || a?.comparison === "lte";
    const keyCell = key >= 0 ? cleanInline(cells[key] ?? "") : "";
    reader.addMetric(
      {
        key: /^[a-z][a-z0-9_.]{0,63}$/.test(keyCell) ? keyCell : keyFromLabel(name) || "kpi",
        label: name,
        unit: unit >= 0 ? cleanInline(cells[unit] ?? "", LIMITS.unit) : (t?.unit || a?.unit || c?.unit || ""),
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

/** "Error Rate: < 1%" or "Response time p95 < 500ms" → a KPI with its target. */
export function metricItem(text: string): DocMetric | null {
  const colon = text.indexOf(":");
  const operator = /(<=|>=|≤|≥|<|>)/.exec(text);
  const labelEnd = colon > 0 && (!operator || colon < operator.index) ? colon : operator?.index ?? -1;
  if (labelEnd <= 0) return null;
  const label = cleanInline(text.slice(0, labelEnd), LIMITS.label);
  const q = readQuantity(text.slice(labelEnd));
  if (!label || !q || !q.comparison) return null;
  const higher = q.comparison === "gt" || q.comparison === "gte";
  return { key: keyFromLabel(label) || "kpi", label, unit: q.unit, direction: higher ? "higher_is_better" : "lower_is_better", target: q.value, alert: null, critical: null };
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
  const fallbackAudience = cleanInline(heading.replace(/communications?|comms|komunikasi|plan|rencana|untuk|dengan/gi, ""));
  const cell = (cells: string[], i: number) => (i >= 0 ? cleanInline(cells[i] ?? "", LIMITS.cell) : "");
  for (const cells of body) {
    const name = cell(cells, event) || cell(cells, timing);
    if (!name) continue;
    reader.comms.push({ event: name, timing: cell(cells, timing), channel: cell(cells, channel), audience: audience >= 0 ? cell(cells, audience) : fallbackAudience, template: cell(cells, template) });
  }
  return true;
}

function minutesOf(text: string): number {
  const n = readQuantity(text);
  if (!n) return 0;
  const hours = /\b(hours?|hrs?|h|jam)\b/i.test(text);
  return Math.max(0, Math.round(n.value * (hours ? 60 : 1)));
}

export function escalationTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header) return false;
  const level = columnIndex(header, /^(level|tingkat|tier)$/);
  const who = columnIndex(header, /^(who|siapa|contact|kontak|person|escalate to|eskalasi ke)$/);
  const after = columnIndex(header, /(after|setelah|minutes|menit|time|waktu)/);
  if (level < 0 || who < 0) return false;
  for (const cells of body) {
    const n = Math.round(readNumber(/\d+/.exec(cells[level] ?? "")?.[0] ?? "NaN"));
    const person = cleanInline(cells[who] ?? "", LIMITS.cell);
    if (!Number.isFinite(n) || n < 1 || !person) continue;
    reader.escalation.push({ level: n, who: person, afterMinutes: after >= 0 ? minutesOf(cells[after] ?? "") : 0 });
  }
  return true;
}

export function rolesTable(rows: string[][], reader: Reader): boolean {
  const [header, ...body] = rows;
  if (!header || header.length < 2) return false;
  const role = Math.max(0, columnIndex(header, /^(role|peran|responsibility|tanggung jawab|time|waktu)$/));
  const whoIndex = columnIndex(header, /^(who|siapa|person|person responsible|owner|contact|kontak|nama|name|pic)$/);
  const who = whoIndex >= 0 ? whoIndex : role === 0 ? 1 : 0;
  for (const cells of body) {
    const name = cleanInline(cells[role] ?? "", LIMITS.cell);
    if (name) reader.roles.push({ role: name, who: cleanInline(cells[who] ?? "", LIMITS.cell) });
  }
  return true;
}

