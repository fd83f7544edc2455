import type { Reader } from "./reader";
import type { DocMetric, DocTrigger } from "./schema";
import { judgeSettingsSchema } from "@/lib/domain/judge-settings";
import { LIMITS } from "./schema";
import {
  cleanInline,
  convertUnit,
  normaliseHeading,
  type NumberStyle,
  readHoldMinutes,
  readNumber,
  readQuantity,
} from "./text";
import { kpiNamed, wordsOf } from "./vocabulary";

// Rollback criteria in the words teams write them — "Tingkat error di atas 2% selama 5 menit",
// "p99 latency is more than 2x normal for 10 minutes", "conversion drops by more than 20% vs
// baseline over 2 hours" — as triggers bound to a KPI. A criterion names its KPI by the label a
// KPI table gave it, or by the common words for it (error rate / tingkat error …); a KPI it names
// that the document never defined is created, in the criterion's unit.

export interface RawCriterion {
  text: string;
  action: DocTrigger["action"] | null;
  /** Minutes from a table's duration column, when the criterion came from a table. */
  minutes?: number | null;
  /** Prose: only a clause naming a KPI with a threshold becomes a trigger; the rest stays a note. */
  prose?: boolean;
}

const EXPLICIT_TRIGGER =
  /^(.*?)\s+—\s+when\s+(no metric|[a-z][a-z0-9_.]{0,63})\s+(>=|<=|>|<)\s+(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(× baseline|% degradation)?\s+for\s+(\d+)\s+min,\s+(automatic rollback|alert only)$/;
const NUM = "(\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)";
/** What the exporter writes for a canary judge trigger (settings optional). */
const EXPLICIT_CANARY = new RegExp(
  `^(.*?)\\s+—\\s+when\\s+([a-z][a-z0-9_.]{0,63})\\s+is worse on the canary than the baseline(?:\\s+\\((sequential|mann_whitney), alpha ${NUM}, min (\\d+) per cohort, tolerance ${NUM}, smallest regression ${NUM}\\))?,\\s+(automatic rollback|alert only)$`,
);
/** A criterion in words: "the canary's error rate is worse than the baseline's", "canary lebih buruk dari baseline". */
const CANARY_WORSE =
  /\bcanary\b.{0,80}?\b(?:worse|lebih buruk|memburuk)\b.{0,40}?\b(?:baseline|control|kontrol)\b|\b(?:worse|lebih buruk)\b.{0,20}?\bon the canary\b.{0,40}?\bbaseline\b/i;
const COMPARISON_OF: Record<string, DocTrigger["comparison"]> = { ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" };

const RELATIVE =
  /(\d+(?:[.,]\d+)?)\s*(?:x|×|kali)\s*(?:the\s+)?(?:[\w.]{1,12}\s+){0,2}?(?:normal|baseline|biasa|dari normal|dari biasanya|lipat|usual)|(\d+(?:[.,]\d+)?)\s+times\s+(?:the\s+)?(?:[\w.]{1,12}\s+){0,2}?(?:normal|baseline|usual)/i;
const DEGRADATION_WORD =
  /\b(degradation|degradasi|degrades?|degraded|degrading|penurunan|menurun|turun|drops?|dropped|falls?|fell|declines?|berkurang|regress(?:es|ion)?)\b/i;
const BASELINE_WORD =
  /\b(baseline|dibanding|compared|vs\.?|versus|relative|dari biasanya|from normal|than normal|control|kontrol)\b/i;

/** Splits prose into the clauses a criterion can be: sentences, then ", or if …" parts. */
export function clausesOf(text: string): string[] {
  return text
    .slice(0, 5_000)
    .split(/(?<=[.!?])\s+|;|,\s*(?:or|atau)\b|\b(?:or if|or when|atau jika|atau kalau|atau apabila)\b/i)
    .map((c) => c.trim())
    .filter(Boolean);
}

interface Reading {
  comparison: DocTrigger["comparison"];
  value: number;
  unit: string;
  mode: DocTrigger["mode"];
}

function readThreshold(text: string, style: NumberStyle): Reading | null {
  const relative = RELATIVE.exec(text);
  const q = readQuantity(text, style);
  if (relative) {
    const value = readNumber(relative[1] ?? relative[2]!, style);
    if (!Number.isFinite(value)) return null;
    return {
      comparison:
        q?.comparison && q.comparison !== null
          ? q.comparison === "lt" || q.comparison === "lte"
            ? q.comparison
            : "gt"
          : "gt",
      value,
      unit: "",
      mode: "relative_to_baseline",
    };
  }
  if (!q) return null;
  const falling = DEGRADATION_WORD.test(text) && q.comparison !== "lt" && q.comparison !== "lte" && q.unit === "%";
  if (/\b(degradation|degradasi)\b/i.test(text) || (falling && BASELINE_WORD.test(text))) {
    return { comparison: "gt", value: q.value, unit: "%", mode: "degradation_pct" };
  }
  if (q.comparison === null) return null;
  return { comparison: q.comparison, value: q.value, unit: q.unit, mode: "absolute" };
}

/** The KPI a criterion names: a defined KPI by its label or key, else one of the common KPIs. */
function kpiOf(
  text: string,
  reader: Reader,
): { key: string; known: DocMetric | null; create: Omit<DocMetric, "unit"> | null } | null {
  const words = wordsOf(text);
  const labelled = [...reader.metrics.values()]
    .filter((m) => words.includes(wordsOf(m.label)) || words.includes(wordsOf(m.key.replace(/[_.]/g, " "))))
    .sort((a, b) => b.label.length - a.label.length)[0];
  if (labelled) return { key: labelled.key, known: labelled, create: null };
  const common = kpiNamed(text);
  if (common) {
    const known = reader.metrics.get(common.key) ?? null;
    return {
      key: common.key,
      known,
      create: known
        ? null
        : {
            key: common.key,
            label: common.label,
            direction: common.direction,
            target: null,
            alert: null,
            critical: null,
          },
    };
  }
  return null;
}

/** The document's criteria as triggers; KPIs they name that were never defined are added to the reader. */
export function resolveCriteria(reader: Reader): DocTrigger[] {
  const out: DocTrigger[] = [];
  for (const raw of reader.rawTriggers) {
    const canary = EXPLICIT_CANARY.exec(raw.text.slice(0, 1_000));
    if (canary) {
      const settings = canary[3]
        ? judgeSettingsSchema.safeParse({
            method: canary[3],
            alpha: Number(canary[4]),
            minSample: Number(canary[5]),
            tolerance: Number(canary[6]),
            smallestRegression: Number(canary[7]),
          })
        : null;
      out.push({
        description: cleanInline(canary[1]!, LIMITS.description),
        metric: canary[2]!,
        mode: "canary_worse",
        comparison: "gt",
        value: 0,
        durationMinutes: 0,
        action: canary[8] === "automatic rollback" ? "automatic_rollback" : "alert_only",
        judge: settings?.success ? settings.data : null,
      });
      continue;
    }
    const explicit = EXPLICIT_TRIGGER.exec(raw.text.slice(0, 1_000));
    if (explicit) {
      const metric = explicit[2] === "no metric" ? null : explicit[2]!;
      const mode =
        explicit[5] === "× baseline"
          ? "relative_to_baseline"
          : explicit[5] === "% degradation"
            ? "degradation_pct"
            : "absolute";
      out.push({
        description: cleanInline(explicit[1]!, LIMITS.description),
        metric,
        mode,
        comparison: COMPARISON_OF[explicit[3]!]!,
        value: Number(explicit[4]),
        durationMinutes: Number(explicit[6]),
        action: explicit[7] === "automatic rollback" && metric ? "automatic_rollback" : "alert_only",
      });
      continue;
    }
    const description = cleanInline(raw.text, LIMITS.description);
    if (!description) continue;
    const reading = readThreshold(raw.text, reader.style);
    // "The canary is worse than the baseline" with no number: the canary judge, on its defaults.
    if (!reading && CANARY_WORSE.test(raw.text.slice(0, 1_000))) {
      const kpi = kpiOf(raw.text, reader);
      const target = kpi ? (reader.metrics.get(kpi.key) ?? null) : null;
      if (kpi && target) {
        out.push({
          description,
          metric: kpi.key,
          mode: "canary_worse",
          comparison: target.direction === "lower_is_better" ? "gt" : "lt",
          value: 0,
          durationMinutes: 0,
          action: (raw.action ?? "automatic_rollback") === "automatic_rollback" ? "automatic_rollback" : "alert_only",
          judge: null,
        });
        continue;
      }
    }
    // Only the common KPI words create a KPI the document never defined: other words may name
    // anything ("performance", "complaints"), so such a criterion stays one people judge.
    const kpi = reading ? kpiOf(raw.text, reader) : null;
    if (raw.prose && (!reading || !kpi)) continue;
    let metric: string | null = null;
    let value = reading?.value ?? 0;
    if (reading && kpi) {
      if (kpi.create)
        reader.addMetric(
          {
            ...kpi.create,
            unit: reading.mode === "absolute" || reading.mode === "degradation_pct" ? reading.unit : "",
          },
          "Rollback criteria",
        );
      const target = reader.metrics.get(kpi.key);
      metric = target ? kpi.key : null;
      if (target && reading.mode === "absolute" && reading.unit && target.unit && reading.unit !== target.unit)
        value = convertUnit(reading.value, reading.unit, target.unit);
    }
    const minutes = raw.minutes ?? readHoldMinutes(raw.text);
    out.push({
      description,
      metric,
      mode: reading?.mode ?? "absolute",
      comparison: reading?.comparison ?? "gt",
      value: Math.round(value * 1e9) / 1e9,
      durationMinutes: Math.min(60 * 24 * 30, Math.max(0, minutes)),
      action:
        metric && (raw.action ?? "automatic_rollback") === "automatic_rollback" ? "automatic_rollback" : "alert_only",
    });
  }
  return out;
}

/** The action a trigger section's heading (or a table's action cell) asks for, if it says. */
export function actionOf(text: string, fallback: DocTrigger["action"] | null): DocTrigger["action"] | null {
  const h = normaliseHeading(text);
  if (/automatic|otomatis|\bauto\b/.test(h)) return "automatic_rollback";
  if (/manual|alert|peringatan|decision|keputusan|diskusi|discuss|judgement|judgment/.test(h)) return "alert_only";
  return fallback;
}
