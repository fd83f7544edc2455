import type { RiskLevel } from "@/db/schema/enums";

// The risk register's likelihood × impact view and the escalation matrix, as plain rules.

export type RiskStatus = "open" | "mitigated" | "accepted" | "closed";
export type Severity = "low" | "medium" | "high" | "critical";
export type SeverityTone = "green" | "amber" | "red";

export const RISK_LEVELS: readonly RiskLevel[] = ["low", "medium", "high"];
export const RISK_STATUSES: readonly RiskStatus[] = ["open", "mitigated", "accepted", "closed"];

export const levelWeight: Record<RiskLevel, number> = { low: 1, medium: 2, high: 3 };
export const levelLabel: Record<RiskLevel, string> = { low: "Low", medium: "Medium", high: "High" };

export const riskStatusLabel: Record<RiskStatus, string> = {
  open: "Open",
  mitigated: "Mitigated",
  accepted: "Accepted",
  closed: "Closed",
};

export const severityLabel: Record<Severity, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};
export const severityTone: Record<Severity, SeverityTone> = {
  low: "green",
  medium: "amber",
  high: "red",
  critical: "red",
};

/** Likelihood × impact, each low 1, medium 2, high 3: from 1 to 9. */
export function riskScore(likelihood: RiskLevel, impact: RiskLevel): number {
  return levelWeight[likelihood] * levelWeight[impact];
}

/** 1–2 low, 3–4 medium, 6 high, 9 critical. */
export function severityOf(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 6) return "high";
  if (score >= 3) return "medium";
  return "low";
}

/** A closed risk no longer weighs on the release; mitigated and accepted ones still may. */
export const countsOnGrid = (status: RiskStatus) => status !== "closed";

export interface GridRisk {
  id: string;
  likelihood: RiskLevel;
  impact: RiskLevel;
  status: RiskStatus;
}

export interface GridCell {
  likelihood: RiskLevel;
  impact: RiskLevel;
  score: number;
  severity: Severity;
  riskIds: string[];
}

export interface RiskGrid {
  /** Rows from high likelihood down to low, as the grid is drawn; columns from low impact to high. */
  rows: { likelihood: RiskLevel; cells: GridCell[] }[];
  counted: number;
  closed: number;
}

/** The 3 × 3 grid with the risks that still count in their cells. */
export function riskGrid(risks: readonly GridRisk[]): RiskGrid {
  const rows = [...RISK_LEVELS].reverse().map((likelihood) => ({
    likelihood,
    cells: RISK_LEVELS.map((impact) => {
      const score = riskScore(likelihood, impact);
      return {
        likelihood,
        impact,
        score,
        severity: severityOf(score),
        riskIds: risks
          .filter((r) => countsOnGrid(r.status) && r.likelihood === likelihood && r.impact === impact)
          .map((r) => r.id),
      };
    }),
  }));
  const counted = risks.filter((r) => countsOnGrid(r.status)).length;
  return { rows, counted, closed: risks.length - counted };
}

/** The register's order: the risks that count first, highest score first, then closed ones. */
export function byExposure<R extends GridRisk>(risks: readonly R[]): R[] {
  return [...risks].sort(
    (a, b) =>
      Number(countsOnGrid(b.status)) - Number(countsOnGrid(a.status)) ||
      riskScore(b.likelihood, b.impact) - riskScore(a.likelihood, a.impact),
  );
}

export interface EscalationStep {
  level: number;
  who: string;
  afterMinutes: number;
}

/** Levels by number. */
export function byLevel<E extends EscalationStep>(levels: readonly E[]): E[] {
  return [...levels].sort((a, b) => a.level - b.level);
}

/**
 * Problems of a matrix in words, by the field at fault: level numbers are unique, and a higher
 * level is reached strictly later than a lower one.
 */
export function escalationProblems(
  levels: readonly EscalationStep[],
): { field: "level" | "afterMinutes"; message: string } | null {
  const ordered = byLevel(levels);
  for (let i = 0; i + 1 < ordered.length; i++) {
    const a = ordered[i]!;
    const b = ordered[i + 1]!;
    if (a.level === b.level)
      return { field: "level", message: `Level ${a.level} is already ${a.who}: choose another level number` };
    if (b.afterMinutes <= a.afterMinutes) {
      return {
        field: "afterMinutes",
        message: `Level ${b.level} (${b.who}) after ${b.afterMinutes} min is not later than level ${a.level} (${a.who}) after ${a.afterMinutes} min: a higher level is reached later`,
      };
    }
  }
  return null;
}

export interface EscalationState<E extends EscalationStep> {
  /** The level whose time has come, or null before the first. */
  current: E | null;
  /** The next level and how many minutes remain until it. */
  next: { level: E; inMinutes: number } | null;
}

/** Which level applies after `minutes` of an incident: the highest one whose time has passed. */
export function escalationAt<E extends EscalationStep>(levels: readonly E[], minutes: number): EscalationState<E> {
  const ordered = [...levels].sort((a, b) => a.afterMinutes - b.afterMinutes || a.level - b.level);
  let current: E | null = null;
  for (const level of ordered) if (level.afterMinutes <= minutes) current = level;
  const upcoming = ordered.find((l) => l.afterMinutes > minutes);
  return { current, next: upcoming ? { level: upcoming, inMinutes: upcoming.afterMinutes - minutes } : null };
}
