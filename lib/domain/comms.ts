import type { PhaseStatus, PlanStatus } from "@/db/schema/enums";
import { planStatusLabel } from "./labels";
import { currentTraffic, focusPhaseIndex } from "./rollout";
import { formatExact } from "./time";

// Communication plan templates: plain text with {placeholders} filled from the plan's live data.
// Rendering is one pass over the template, so a value that itself contains "{plan}" is copied as
// written, never expanded; and the result is text, never markup (the page shows it as text and
// people paste it into Slack or email).

export const COMMS_PLACEHOLDERS = [
  "plan",
  "version",
  "phase",
  "next_phase",
  "traffic",
  "reason",
  "eta",
  "status",
  "owner",
  "project",
] as const;
export type CommsPlaceholder = (typeof COMMS_PLACEHOLDERS)[number];

export const placeholderDescriptions: Record<CommsPlaceholder, string> = {
  plan: "the plan's name",
  version: "the release version",
  phase: "the current phase (active, or the one that ended the rollout)",
  next_phase: "the phase after it",
  traffic: "the share of traffic on the release now, as a number (write {traffic}%)",
  reason: "the rationale of the latest decision",
  eta: "when the current phase is planned to end",
  status: "the plan's status",
  owner: "the plan owner's name",
  project: "the project's name",
};

/** Values by placeholder; a missing or empty one is left visible in the text. */
export type CommsData = Partial<Record<CommsPlaceholder, string | null>>;

export type RenderedPart =
  | { kind: "text"; text: string }
  | { kind: "value"; name: CommsPlaceholder; text: string }
  /** A known placeholder with no value yet (say {reason} before any decision). */
  | { kind: "missing"; name: CommsPlaceholder; text: string }
  /** Not a placeholder Phasegate knows: kept as written so the reader sees it. */
  | { kind: "unknown"; name: string; text: string };

export interface RenderedTemplate {
  text: string;
  parts: RenderedPart[];
  /** Distinct unknown placeholder names, in order of first appearance. */
  unknown: string[];
  /** Distinct known placeholders that had no value, in order of first appearance. */
  missing: CommsPlaceholder[];
}

// A placeholder is a name in braces; braces around anything else (JSON, prose) are plain text.
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.-]*)\}/g;
const KNOWN: ReadonlySet<string> = new Set(COMMS_PLACEHOLDERS);

export const isPlaceholder = (name: string): name is CommsPlaceholder => KNOWN.has(name);

export function renderTemplate(template: string, data: CommsData): RenderedTemplate {
  const parts: RenderedPart[] = [];
  const unknown: string[] = [];
  const missing: CommsPlaceholder[] = [];
  let at = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const index = match.index;
    if (index > at) parts.push({ kind: "text", text: template.slice(at, index) });
    const name = match[1]!;
    if (isPlaceholder(name)) {
      const value = data[name];
      if (value) parts.push({ kind: "value", name, text: value });
      else {
        parts.push({ kind: "missing", name, text: match[0] });
        if (!missing.includes(name)) missing.push(name);
      }
    } else {
      parts.push({ kind: "unknown", name, text: match[0] });
      if (!unknown.includes(name)) unknown.push(name);
    }
    at = index + match[0].length;
  }
  if (at < template.length) parts.push({ kind: "text", text: template.slice(at) });
  return { text: parts.map((p) => p.text).join(""), parts, unknown, missing };
}

/** The unknown placeholders of a template, each with the known one it was probably meant to be. */
export function unknownPlaceholders(template: string): { name: string; suggestion: CommsPlaceholder | null }[] {
  return renderTemplate(template, {}).unknown.map((name) => ({ name, suggestion: suggestPlaceholder(name) }));
}

function suggestPlaceholder(name: string): CommsPlaceholder | null {
  const simple = name.toLowerCase().replace(/[.-]/g, "_");
  if (isPlaceholder(simple)) return simple;
  const aliases: Record<string, CommsPlaceholder> = {
    release: "version",
    release_version: "version",
    stage: "phase",
    next: "next_phase",
    next_stage: "next_phase",
    percent: "traffic",
    percentage: "traffic",
    rationale: "reason",
    due: "eta",
    when: "eta",
    state: "status",
    name: "plan",
    plan_name: "plan",
  };
  return aliases[simple] ?? null;
}

export interface CommsPlanFacts {
  name: string;
  releaseVersion: string;
  status: PlanStatus;
  projectName: string;
  ownerName: string | null;
  /** In order. */
  phases: readonly { name: string; status: PhaseStatus; trafficPercent: number; plannedEndAt: Date | null }[];
  /** The rationale of the latest decision, if any. */
  latestReason: string | null;
}

/** The values a plan gives its templates right now. */
export function commsDataFor(facts: CommsPlanFacts): CommsData {
  const focus = facts.phases[focusPhaseIndex(facts.status, facts.phases)];
  const focusIndex = focus ? facts.phases.indexOf(focus) : -1;
  const next = focusIndex >= 0 ? facts.phases[focusIndex + 1] : undefined;
  const traffic = currentTraffic(facts.status, facts.phases);
  return {
    plan: facts.name,
    version: facts.releaseVersion,
    phase: focus?.name ?? null,
    next_phase: next?.name ?? null,
    traffic: Number.isInteger(traffic) ? String(traffic) : traffic.toFixed(1),
    reason: facts.latestReason?.trim() || null,
    eta: focus?.plannedEndAt ? formatExact(focus.plannedEndAt) : null,
    status: planStatusLabel[facts.status].toLowerCase(),
    owner: facts.ownerName,
    project: facts.projectName,
  };
}

/** The facts of a plan record as the plan page loads it (decisions newest first). */
export function commsFactsOf(plan: {
  name: string;
  releaseVersion: string;
  status: PlanStatus;
  project: { name: string };
  owner: { name: string } | null;
  phases: CommsPlanFacts["phases"];
  decisions: readonly { rationale: string; decidedAt: Date }[];
}): CommsPlanFacts {
  const latest = plan.decisions.reduce<{ rationale: string; decidedAt: Date } | null>(
    (newest, d) => (!newest || d.decidedAt > newest.decidedAt ? d : newest),
    null,
  );
  return {
    name: plan.name,
    releaseVersion: plan.releaseVersion,
    status: plan.status,
    projectName: plan.project.name,
    ownerName: plan.owner?.name ?? null,
    phases: plan.phases,
    latestReason: latest?.rationale ?? null,
  };
}
