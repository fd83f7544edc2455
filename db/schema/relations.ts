import { relations } from "drizzle-orm";
import { auditEvents } from "./audit";
import { checklistItems, checklists, signOffs } from "./checklists";
import { flagSegmentRules, flags, segments } from "./flags";
import { apiTokens, memberships, projects, users } from "./identity";
import { incidents } from "./incidents";
import { metricSources, metrics, rollbackTriggers, samples, successCriteria } from "./metrics";
import { commsEntries, escalationLevels, migrationSteps, risks } from "./planning";
import { approvals, decisions, gates, phases, plans } from "./plans";

// All relations live in one module so the table modules never import each other in a cycle.

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
  ownedPlans: many(plans),
}));

export const projectsRelations = relations(projects, ({ many }) => ({
  memberships: many(memberships),
  apiTokens: many(apiTokens),
  plans: many(plans),
  flags: many(flags),
  segments: many(segments),
  metricSources: many(metricSources),
  auditEvents: many(auditEvents),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  project: one(projects, { fields: [memberships.projectId], references: [projects.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));

export const apiTokensRelations = relations(apiTokens, ({ one }) => ({
  project: one(projects, { fields: [apiTokens.projectId], references: [projects.id] }),
  createdBy: one(users, { fields: [apiTokens.createdById], references: [users.id] }),
}));

export const plansRelations = relations(plans, ({ one, many }) => ({
  project: one(projects, { fields: [plans.projectId], references: [projects.id] }),
  owner: one(users, { fields: [plans.ownerId], references: [users.id] }),
  phases: many(phases),
  decisions: many(decisions),
  checklists: many(checklists),
  metrics: many(metrics),
  rollbackTriggers: many(rollbackTriggers),
  incidents: many(incidents),
  flags: many(flags),
  migrationSteps: many(migrationSteps),
  risks: many(risks),
  commsEntries: many(commsEntries),
  escalationLevels: many(escalationLevels),
}));

export const phasesRelations = relations(phases, ({ one, many }) => ({
  plan: one(plans, { fields: [phases.planId], references: [plans.id] }),
  gate: one(gates),
  decisions: many(decisions),
  checklists: many(checklists),
  successCriteria: many(successCriteria),
  rollbackTriggers: many(rollbackTriggers),
  incidents: many(incidents),
}));

export const gatesRelations = relations(gates, ({ one, many }) => ({
  phase: one(phases, { fields: [gates.phaseId], references: [phases.id] }),
  approvals: many(approvals),
}));

export const approvalsRelations = relations(approvals, ({ one }) => ({
  gate: one(gates, { fields: [approvals.gateId], references: [gates.id] }),
  user: one(users, { fields: [approvals.userId], references: [users.id] }),
}));

export const decisionsRelations = relations(decisions, ({ one }) => ({
  plan: one(plans, { fields: [decisions.planId], references: [plans.id] }),
  phase: one(phases, { fields: [decisions.phaseId], references: [phases.id] }),
  decider: one(users, { fields: [decisions.deciderId], references: [users.id] }),
}));

export const checklistsRelations = relations(checklists, ({ one, many }) => ({
  plan: one(plans, { fields: [checklists.planId], references: [plans.id] }),
  phase: one(phases, { fields: [checklists.phaseId], references: [phases.id] }),
  items: many(checklistItems),
  signOffs: many(signOffs),
}));

export const checklistItemsRelations = relations(checklistItems, ({ one }) => ({
  checklist: one(checklists, { fields: [checklistItems.checklistId], references: [checklists.id] }),
  assigneeUser: one(users, { fields: [checklistItems.assigneeUserId], references: [users.id] }),
}));

export const signOffsRelations = relations(signOffs, ({ one }) => ({
  checklist: one(checklists, { fields: [signOffs.checklistId], references: [checklists.id] }),
  user: one(users, { fields: [signOffs.userId], references: [users.id] }),
}));

export const metricSourcesRelations = relations(metricSources, ({ one, many }) => ({
  project: one(projects, { fields: [metricSources.projectId], references: [projects.id] }),
  metrics: many(metrics),
}));

export const metricsRelations = relations(metrics, ({ one, many }) => ({
  plan: one(plans, { fields: [metrics.planId], references: [plans.id] }),
  source: one(metricSources, { fields: [metrics.sourceId], references: [metricSources.id] }),
  samples: many(samples),
  successCriteria: many(successCriteria),
  rollbackTriggers: many(rollbackTriggers),
}));

export const samplesRelations = relations(samples, ({ one }) => ({
  metric: one(metrics, { fields: [samples.metricId], references: [metrics.id] }),
}));

export const successCriteriaRelations = relations(successCriteria, ({ one }) => ({
  phase: one(phases, { fields: [successCriteria.phaseId], references: [phases.id] }),
  metric: one(metrics, { fields: [successCriteria.metricId], references: [metrics.id] }),
}));

export const rollbackTriggersRelations = relations(rollbackTriggers, ({ one }) => ({
  plan: one(plans, { fields: [rollbackTriggers.planId], references: [plans.id] }),
  phase: one(phases, { fields: [rollbackTriggers.phaseId], references: [phases.id] }),
  metric: one(metrics, { fields: [rollbackTriggers.metricId], references: [metrics.id] }),
}));

export const incidentsRelations = relations(incidents, ({ one }) => ({
  plan: one(plans, { fields: [incidents.planId], references: [plans.id] }),
  phase: one(phases, { fields: [incidents.phaseId], references: [phases.id] }),
  trigger: one(rollbackTriggers, { fields: [incidents.triggerId], references: [rollbackTriggers.id] }),
  decision: one(decisions, { fields: [incidents.decisionId], references: [decisions.id] }),
}));

export const flagsRelations = relations(flags, ({ one, many }) => ({
  project: one(projects, { fields: [flags.projectId], references: [projects.id] }),
  plan: one(plans, { fields: [flags.planId], references: [plans.id] }),
  segmentRules: many(flagSegmentRules),
}));

export const segmentsRelations = relations(segments, ({ one, many }) => ({
  project: one(projects, { fields: [segments.projectId], references: [projects.id] }),
  flagRules: many(flagSegmentRules),
}));

export const flagSegmentRulesRelations = relations(flagSegmentRules, ({ one }) => ({
  flag: one(flags, { fields: [flagSegmentRules.flagId], references: [flags.id] }),
  segment: one(segments, { fields: [flagSegmentRules.segmentId], references: [segments.id] }),
}));

export const migrationStepsRelations = relations(migrationSteps, ({ one }) => ({
  plan: one(plans, { fields: [migrationSteps.planId], references: [plans.id] }),
}));

export const risksRelations = relations(risks, ({ one }) => ({
  plan: one(plans, { fields: [risks.planId], references: [plans.id] }),
  owner: one(users, { fields: [risks.ownerId], references: [users.id] }),
}));

export const commsEntriesRelations = relations(commsEntries, ({ one }) => ({
  plan: one(plans, { fields: [commsEntries.planId], references: [plans.id] }),
}));

export const escalationLevelsRelations = relations(escalationLevels, ({ one }) => ({
  plan: one(plans, { fields: [escalationLevels.planId], references: [plans.id] }),
}));

export const auditEventsRelations = relations(auditEvents, ({ one }) => ({
  project: one(projects, { fields: [auditEvents.projectId], references: [projects.id] }),
}));
