// Every React Query key the client uses, in one place, so what the live stream invalidates and
// what a component reads cannot drift apart.

export const queryKeys = {
  /** Everything of one plan page. */
  plan: (planId: string) => ["plan", planId] as const,
  /** All KPI readings of one plan (prefix of `kpi`). */
  kpis: (planId: string) => ["plan", planId, "kpi"] as const,
  /** One KPI's chart and latest reading, by KPI key. */
  kpi: (planId: string, key: string) => ["plan", planId, "kpi", key] as const,
  /** All checklists of one plan (prefix of `checklist`). */
  checklists: (planId: string) => ["plan", planId, "checklist"] as const,
  /** One checklist: its items, progress and sign-offs. */
  checklist: (planId: string, checklistId: string) => ["plan", planId, "checklist", checklistId] as const,
  /** The overview: the phase in focus, its gate, what blocks it, its criteria, the plan's health. */
  overview: (planId: string) => ["plan", planId, "overview"] as const,
  /** The phase timeline with its markers and phase health. */
  timeline: (planId: string) => ["plan", planId, "timeline"] as const,
  /** What My work lists for the signed-in person, as a fingerprint. */
  myWork: () => ["my-work"] as const,
} as const;
