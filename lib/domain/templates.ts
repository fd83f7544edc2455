import type {
  Comparison,
  CriterionKind,
  MetricDirection,
  MigrationKind,
  PlanStrategy,
  ProjectRole,
  RiskLevel,
  TriggerAction,
  TriggerMode,
} from "@/db/schema/enums";
import type { JudgeSettings } from "./judge";

// Built-in plan templates as pure data: phases with their gates, checklists and success criteria,
// KPIs with thresholds, rollback triggers, comms, risks, escalation and (for migrations) the
// migration steps. The plan service turns a draft into rows; the Markdown importer will too.

export interface DraftItem {
  key: string;
  text: string;
  required?: boolean;
  assigneeRole?: ProjectRole;
  /** Ticked already in an imported document. */
  done?: boolean;
}
export interface DraftChecklist {
  kind: "pre_deployment" | "go_no_go" | "post_deployment" | "post_rollback";
  title: string;
  window?: "immediate" | "short_term" | "long_term";
  signoffRoles: ProjectRole[];
  items: DraftItem[];
}
export interface DraftPhase {
  name: string;
  audience: string;
  trafficPercent: number;
  goal: string;
  durationDays: number;
  minDurationMinutes: number;
  requiredApprovals: number;
  checklists: DraftChecklist[];
  /** Thresholds on the canary ("error rate < 1% for 3 days"), or the canary judge's pass (kind canary_not_worse). */
  criteria: {
    metric: string;
    comparison: Comparison;
    value: number;
    sustainedMinutes: number;
    kind?: CriterionKind;
    judge?: JudgeSettings | null;
  }[];
}
export interface DraftMetric {
  key: string;
  label: string;
  unit: string;
  direction: MetricDirection;
  target: number;
  alert: number;
  critical: number;
}
/** A KPI of a plan draft: an imported document may state no threshold (null). */
export type PlanDraftMetric = Omit<DraftMetric, "target" | "alert" | "critical"> & {
  target: number | null;
  alert: number | null;
  critical: number | null;
};
export interface DraftTrigger {
  metric: string | null;
  description: string;
  mode: TriggerMode;
  comparison: Comparison;
  value: number;
  durationMinutes: number;
  action: TriggerAction;
  /** The canary judge's settings (mode canary_worse); null or absent for the KPI's defaults. */
  judge?: JudgeSettings | null;
}
export interface PlanDraft {
  strategy: PlanStrategy;
  summary: string;
  phases: DraftPhase[];
  checklists: DraftChecklist[];
  metrics: PlanDraftMetric[];
  triggers: DraftTrigger[];
  comms: { event: string; timing: string; channel: string; audience: string; template: string }[];
  risks: { description: string; likelihood: RiskLevel; impact: RiskLevel; mitigation: string }[];
  escalation: { level: number; who: string; afterMinutes: number }[];
  migrationSteps: {
    kind: MigrationKind;
    action: string;
    reversible: boolean;
    expectedDurationMinutes: number;
    risk: RiskLevel;
    validation: string;
  }[];
}

export const TEMPLATE_KEYS = ["staged", "canary", "blue_green", "backend_migration", "blank"] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const templateInfo: Record<TemplateKey, { name: string; description: string }> = {
  staged: {
    name: "Four-stage staged rollout",
    description: "Internal (1–3 people) → Pilot 10% → Expanded 25% → GA 100%, behind a feature flag.",
  },
  canary: { name: "Canary", description: "5% → 25% → 75% → 100%, each step watched against the baseline." },
  blue_green: {
    name: "Blue-green",
    description: "Warm up green with synthetic traffic, switch everyone, switch back instantly if needed.",
  },
  backend_migration: {
    name: "Backend migration",
    description: "Staging → internal → 10% → 50% → 100%, with a schema → code → backfill → cleanup migration plan.",
  },
  blank: { name: "Blank", description: "One phase at 100%; build the rest yourself." },
};

const DAY = 24 * 60;

const preDeployment: DraftChecklist = {
  kind: "pre_deployment",
  title: "Pre-deployment",
  signoffRoles: ["approver"],
  items: [
    { key: "tests-passing", text: "All tests passing (unit, integration, E2E)", assigneeRole: "engineer" },
    { key: "code-review", text: "Code review approved", assigneeRole: "engineer" },
    { key: "migration-tested", text: "Database migration tested on staging", assigneeRole: "engineer" },
    { key: "monitoring-ready", text: "Monitoring and alerting ready before deploy", assigneeRole: "engineer" },
    { key: "rollback-tested", text: "Rollback plan tested", assigneeRole: "engineer" },
    { key: "stakeholders-notified", text: "Stakeholders notified", assigneeRole: "release_manager" },
  ],
};

function validation(phase: string): DraftChecklist[] {
  return [
    {
      kind: "post_deployment",
      window: "immediate",
      title: `${phase} validation: immediate`,
      signoffRoles: [],
      items: [
        { key: "health-checks", text: "Health check endpoints responding", assigneeRole: "engineer" },
        { key: "smoke-test", text: "Smoke test of key user flows", assigneeRole: "engineer" },
      ],
    },
    {
      kind: "post_deployment",
      window: "short_term",
      title: `${phase} validation: short-term`,
      signoffRoles: [],
      items: [
        { key: "error-rate-normal", text: "Error rate within normal range", assigneeRole: "engineer" },
        { key: "response-times-sla", text: "Response times within SLA", assigneeRole: "engineer" },
      ],
    },
    {
      kind: "post_deployment",
      window: "long_term",
      title: `${phase} validation: long-term`,
      signoffRoles: [],
      items: [
        { key: "no-ticket-rise", text: "No increase in support tickets", assigneeRole: "release_manager" },
        { key: "db-metrics-stable", text: "Database metrics stable", assigneeRole: "engineer" },
      ],
    },
  ];
}

function goNoGo(phase: string, items: [string, string, ProjectRole][]): DraftChecklist {
  return {
    kind: "go_no_go",
    title: `${phase} go/no-go`,
    signoffRoles: ["approver"],
    items: items.map(([key, text, assigneeRole]) => ({ key, text, assigneeRole })),
  };
}

const webMetrics: DraftMetric[] = [
  { key: "error_rate", label: "Error rate", unit: "%", direction: "lower_is_better", target: 1, alert: 2, critical: 5 },
  {
    key: "p95_latency",
    label: "Response time p95",
    unit: "ms",
    direction: "lower_is_better",
    target: 2000,
    alert: 3000,
    critical: 4000,
  },
  {
    key: "availability",
    label: "Availability",
    unit: "%",
    direction: "higher_is_better",
    target: 99.9,
    alert: 99.5,
    critical: 99,
  },
  { key: "cpu", label: "CPU usage", unit: "%", direction: "lower_is_better", target: 60, alert: 80, critical: 90 },
  {
    key: "memory",
    label: "Memory usage",
    unit: "%",
    direction: "lower_is_better",
    target: 70,
    alert: 85,
    critical: 95,
  },
  {
    key: "db_pool",
    label: "Database connections",
    unit: "% pool",
    direction: "lower_is_better",
    target: 60,
    alert: 80,
    critical: 95,
  },
  {
    key: "queue_depth",
    label: "Queue depth",
    unit: "jobs",
    direction: "lower_is_better",
    target: 100,
    alert: 1000,
    critical: 5000,
  },
];

/** The KPIs the templates define; a plan can add any of them by key, besides its own. */
export const metricCatalogue: readonly DraftMetric[] = webMetrics;

const standardTriggers: DraftTrigger[] = [
  {
    metric: "error_rate",
    description: "Error rate > 5% for 5 min",
    mode: "absolute",
    comparison: "gt",
    value: 5,
    durationMinutes: 5,
    action: "automatic_rollback",
  },
  {
    metric: "p95_latency",
    description: "p95 > 2× baseline for 10 min",
    mode: "relative_to_baseline",
    comparison: "gt",
    value: 2,
    durationMinutes: 10,
    action: "automatic_rollback",
  },
  {
    metric: "p95_latency",
    description: "Performance degradation > 50%",
    mode: "degradation_pct",
    comparison: "gt",
    value: 50,
    durationMinutes: 15,
    action: "automatic_rollback",
  },
  {
    metric: "error_rate",
    description: "Error rate > 2% for 1 hour (manual decision)",
    mode: "absolute",
    comparison: "gt",
    value: 2,
    durationMinutes: 60,
    action: "alert_only",
  },
  {
    metric: null,
    description: "Critical security or data integrity issue",
    mode: "absolute",
    comparison: "gt",
    value: 0,
    durationMinutes: 0,
    action: "alert_only",
  },
];

const standardComms = [
  {
    event: "Phase advanced",
    timing: "At each go decision",
    channel: "#releases",
    audience: "Engineering, support",
    template: "{plan} is now in {phase} ({traffic}% of users). Next check: {eta}.",
  },
  {
    event: "No-go",
    timing: "At the decision",
    channel: "#releases",
    audience: "Engineering",
    template: "{plan} stays in {phase}: {reason}.",
  },
  {
    event: "Rollback",
    timing: "Immediately",
    channel: "#incidents",
    audience: "On-call, support leads, stakeholders",
    template: "{plan} rolled back from {phase}: {reason}. Users are back on the previous version.",
  },
  {
    event: "GA announcement",
    timing: "GA + 1 day",
    channel: "Email",
    audience: "All staff",
    template: "{plan} is live for everyone.",
  },
];

const standardEscalation = [
  { level: 1, who: "Automated rollback", afterMinutes: 0 },
  { level: 2, who: "On-call engineer", afterMinutes: 15 },
  { level: 3, who: "Engineering manager", afterMinutes: 30 },
  { level: 4, who: "CTO", afterMinutes: 60 },
];

const standardRisks = [
  {
    description: "Regression in a key user flow",
    likelihood: "medium" as const,
    impact: "high" as const,
    mitigation: "Smoke tests per phase; automatic rollback on error rate",
  },
  {
    description: "Support team unprepared for the change",
    likelihood: "medium" as const,
    impact: "low" as const,
    mitigation: "Brief support before Pilot; macros ready",
  },
];

function phase(
  name: string,
  audience: string,
  trafficPercent: number,
  goal: string,
  durationDays: number,
  opts: Partial<DraftPhase> = {},
): DraftPhase {
  return {
    name,
    audience,
    trafficPercent,
    goal,
    durationDays,
    minDurationMinutes: opts.minDurationMinutes ?? Math.min(durationDays, 3) * DAY,
    requiredApprovals: opts.requiredApprovals ?? 1,
    checklists: opts.checklists ?? [],
    criteria: opts.criteria ?? [],
  };
}

const errorBelow1 = (days: number) => ({
  metric: "error_rate",
  comparison: "lt" as const,
  value: 1,
  sustainedMinutes: days * DAY,
});

export function buildTemplate(key: TemplateKey): PlanDraft & { metrics: DraftMetric[] } {
  const base = {
    comms: standardComms,
    risks: standardRisks,
    escalation: standardEscalation,
    metrics: webMetrics,
    triggers: standardTriggers,
    checklists: [preDeployment],
    migrationSteps: [] as PlanDraft["migrationSteps"],
  };
  switch (key) {
    case "staged":
      return {
        ...base,
        strategy: "flag_based",
        summary: "Never deploy 0→100: internal team first, then a pilot, an expanded group and general availability.",
        phases: [
          phase("Internal", "Team only (1–3 people)", 1, "Catch obvious issues", 2, {
            minDurationMinutes: DAY,
            checklists: [
              goNoGo("Internal", [
                ["critical-paths", "All critical paths tested", "engineer"],
                ["no-p0", "No P0 bugs open", "engineer"],
                ["monitoring-confirmed", "Monitoring confirmed working", "engineer"],
                ["rollback-tested", "Rollback tested", "engineer"],
              ]),
            ],
          }),
          phase("Pilot", "5–10% of users (selected)", 10, "Validate with real usage", 14, {
            requiredApprovals: 2,
            checklists: [
              goNoGo("Pilot", [
                ["error-rate-sustained", "Error rate < 1% sustained", "engineer"],
                ["no-p0-p1", "No P0/P1 bugs open", "engineer"],
                ["feedback-positive", "User feedback positive", "release_manager"],
                ["support-load", "Support load acceptable", "release_manager"],
              ]),
              ...validation("Pilot"),
            ],
            criteria: [errorBelow1(3), { metric: "p95_latency", comparison: "lt", value: 2000, sustainedMinutes: DAY }],
          }),
          phase("Expanded", "25% of users", 25, "Scale validation", 14, {
            requiredApprovals: 2,
            checklists: [
              goNoGo("Expanded", [
                ["error-rate-sustained", "Error rate < 1% sustained", "engineer"],
                ["infra-handles-load", "Infrastructure handles load", "engineer"],
                ["support-trained", "Support team trained", "release_manager"],
                ["ga-comms-ready", "GA communication ready", "release_manager"],
              ]),
              ...validation("Expanded"),
            ],
            criteria: [errorBelow1(3), { metric: "cpu", comparison: "lt", value: 80, sustainedMinutes: DAY }],
          }),
          phase("GA", "100% of users", 100, "Full production", 2, {
            minDurationMinutes: 2 * DAY,
            checklists: validation("GA"),
          }),
        ],
      };
    case "canary":
      return {
        ...base,
        strategy: "canary",
        summary: "A canary watched against the baseline at each step: 5% → 25% → 75% → 100%.",
        phases: [5, 25, 75, 100].map((pct, i) =>
          phase(
            pct === 100 ? "Full rollout" : `Canary ${pct}%`,
            pct === 100 ? "All users" : `${pct}% of traffic`,
            pct,
            i === 0 ? "Catch regressions early" : "Widen while the canary holds",
            1,
            {
              minDurationMinutes: pct === 100 ? 0 : 60,
              checklists:
                pct === 100
                  ? validation("Full rollout")
                  : [
                      goNoGo(`Canary ${pct}%`, [
                        ["canary-vs-baseline", "Canary matches baseline on error rate and latency", "engineer"],
                        ["no-new-alerts", "No new alerts", "engineer"],
                      ]),
                    ],
              criteria: pct === 100 ? [] : [{ metric: "error_rate", comparison: "lt", value: 1, sustainedMinutes: 60 }],
            },
          ),
        ),
      };
    case "blue_green":
      return {
        ...base,
        strategy: "blue_green",
        summary:
          "Green is warmed up with synthetic traffic, then everyone switches; blue stays ready for an instant switch back.",
        triggers: [
          {
            metric: "error_rate",
            description: "Error rate > 2% for 2 min: switch back to blue",
            mode: "absolute",
            comparison: "gt",
            value: 2,
            durationMinutes: 2,
            action: "automatic_rollback",
          },
          ...standardTriggers.slice(3),
        ],
        phases: [
          phase("Green warm-up", "Synthetic traffic only", 0, "Prove green healthy before anyone uses it", 1, {
            minDurationMinutes: 30,
            checklists: [
              goNoGo("Green warm-up", [
                ["green-health", "Green health checks passing", "engineer"],
                ["green-smoke", "Smoke tests pass on green", "engineer"],
                ["blue-ready", "Blue kept running for switch-back", "engineer"],
              ]),
            ],
          }),
          phase("Switch", "All users on green", 100, "Switch with instant rollback", 1, {
            minDurationMinutes: 0,
            requiredApprovals: 2,
            checklists: validation("Switch"),
          }),
        ],
      };
    case "backend_migration":
      return {
        ...base,
        strategy: "flag_based",
        summary:
          "Phased backend migration behind a flag, with the database migration ordered schema → code → backfill → cleanup.",
        phases: [
          phase("Staging", "Staging environment only", 0, "Deploy and verify all systems", 7, {
            minDurationMinutes: 2 * DAY,
            checklists: [
              goNoGo("Staging", [
                ["services-healthy", "All services healthy", "engineer"],
                ["no-critical-errors", "No critical errors", "engineer"],
                ["migrations-run", "Database migrations run", "engineer"],
              ]),
            ],
            criteria: [{ metric: "p95_latency", comparison: "lt", value: 500, sustainedMinutes: 2 * DAY }],
          }),
          phase("Internal", "Internal users (10)", 1, "Test with the internal team", 7, {
            checklists: [
              goNoGo("Internal", [
                ["uat-done", "UAT with development team done", "engineer"],
                ["no-critical-bugs", "No critical bugs", "engineer"],
              ]),
            ],
          }),
          phase("Beta 10%", "10% of users", 10, "Enable for 10% of users", 7, {
            checklists: [
              goNoGo("Beta", [
                ["no-data-loss", "No data loss", "engineer"],
                ["satisfaction", "User satisfaction > 80%", "release_manager"],
              ]),
              ...validation("Beta"),
            ],
            criteria: [errorBelow1(2)],
          }),
          phase("Expanded 50%", "50% of users", 50, "Increase to 50% of users", 7, {
            requiredApprovals: 2,
            checklists: [
              goNoGo("Expanded", [
                ["stable-errors", "Stable error rates", "engineer"],
                ["good-performance", "Good performance", "engineer"],
              ]),
            ],
            criteria: [errorBelow1(3)],
          }),
          phase("GA", "100% of users", 100, "Full migration", 7, { checklists: validation("GA") }),
        ],
        migrationSteps: [
          {
            kind: "schema",
            action: "Add new columns and tables with defaults",
            reversible: true,
            expectedDurationMinutes: 1,
            risk: "low",
            validation: "Schema diff reviewed; staging migrated",
          },
          {
            kind: "code",
            action: "Deploy code that reads and writes both old and new schema",
            reversible: true,
            expectedDurationMinutes: 5,
            risk: "low",
            validation: "Smoke tests green",
          },
          {
            kind: "backfill",
            action: "Backfill data into the new schema",
            reversible: true,
            expectedDurationMinutes: 120,
            risk: "medium",
            validation: "Row counts match; sample compared field by field",
          },
          {
            kind: "cleanup",
            action: "Remove the old fields",
            reversible: false,
            expectedDurationMinutes: 1,
            risk: "low",
            validation: "Only after the backfill is validated",
          },
        ],
      };
    case "blank":
      return {
        strategy: "rolling",
        summary: "",
        phases: [phase("Rollout", "All users", 100, "", 1, { minDurationMinutes: 0 })],
        checklists: [],
        metrics: [],
        triggers: [],
        comms: [],
        risks: [],
        escalation: [],
        migrationSteps: [],
      };
  }
}
