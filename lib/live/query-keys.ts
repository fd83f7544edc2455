// Every React Query key the client uses, in one place, so what the live stream invalidates and
// what a component reads cannot drift apart.

export const queryKeys = {
  /** Everything of one plan page. */
  plan: (planId: string) => ["plan", planId] as const,
  /** All KPI readings of one plan (prefix of `kpi`). */
  kpis: (planId: string) => ["plan", planId, "kpi"] as const,
  /** One KPI's chart and latest reading, by KPI key. */
  kpi: (planId: string, key: string) => ["plan", planId, "kpi", key] as const,
  /** What My work lists for the signed-in person, as a fingerprint. */
  myWork: () => ["my-work"] as const,
} as const;
