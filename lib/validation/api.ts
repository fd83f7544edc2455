import { z } from "zod";

// Response shapes of /api/v1: they document the API (OpenAPI) and type the handlers.

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "type:surface, e.g. conflict:stale_version" }),
    message: z.string(),
    fields: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({ description: "Per-field problems for 400 responses" }),
  }),
});

const milestone = z.object({
  label: z.string(),
  dueAt: z.iso.datetime().nullable(),
  status: z.enum(["on_track", "at_risk", "late"]),
});
const health = z.enum(["green", "amber", "red", "unknown"]);
const planStatus = z.enum(["draft", "scheduled", "in_progress", "paused", "completed", "rolled_back", "cancelled"]);

export const planListResponseSchema = z.object({
  plans: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      releaseVersion: z.string(),
      status: planStatus,
      strategy: z.enum(["canary", "blue_green", "rolling", "flag_based"]),
      project: z.string(),
      phase: z.object({ name: z.string(), position: z.number().int(), count: z.number().int() }).nullable(),
      trafficPercent: z.number(),
      health,
      nextMilestone: milestone.nullable(),
    }),
  ),
  nextCursor: z.string().nullable().meta({ description: "Pass as ?cursor= for the next page; null on the last page" }),
});

export const PLAN_PAGE_DEFAULT = 50;
export const PLAN_PAGE_MAX = 200;

/** A page cursor names the last plan of the previous page; opaque to callers. */
export const encodePlanCursor = (planId: string) => Buffer.from(`plan:${planId}`).toString("base64url");

export const planListQuerySchema = z.object({
  limit: z.coerce
    .number({ error: `limit must be a whole number from 1 to ${PLAN_PAGE_MAX}` })
    .int({ error: `limit must be a whole number from 1 to ${PLAN_PAGE_MAX}` })
    .min(1, { error: `limit must be a whole number from 1 to ${PLAN_PAGE_MAX}` })
    .max(PLAN_PAGE_MAX, { error: `limit must be a whole number from 1 to ${PLAN_PAGE_MAX}` })
    .default(PLAN_PAGE_DEFAULT),
  cursor: z
    .string()
    .max(200, { error: "cursor is not one this API gave out" })
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return null;
      const decoded = Buffer.from(value, "base64url").toString("utf8");
      const id = /^plan:([0-9a-f-]{36})$/i.exec(decoded)?.[1];
      if (!id) {
        ctx.addIssue({
          code: "custom",
          message: "cursor is not one this API gave out: pass nextCursor from the previous page",
        });
        return z.NEVER;
      }
      return id.toLowerCase();
    }),
});

const phase = z.object({
  name: z.string(),
  position: z.number().int(),
  status: z.enum(["pending", "active", "passed", "failed", "rolled_back"]),
  trafficPercent: z.number(),
  plannedStartAt: z.iso.datetime().nullable(),
  plannedEndAt: z.iso.datetime().nullable(),
  actualStartAt: z.iso.datetime().nullable(),
  actualEndAt: z.iso.datetime().nullable(),
});

const checklist = z.object({
  id: z.uuid().meta({ description: "Use with PATCH /api/v1/checklists/{checklistId}/items/{key}" }),
  title: z.string(),
  kind: z.enum(["pre_deployment", "go_no_go", "post_deployment", "post_rollback"]),
  phase: z.string().nullable(),
  items: z.array(
    z.object({
      key: z.string(),
      text: z.string(),
      required: z.boolean(),
      state: z.enum(["open", "done", "not_applicable", "blocked"]),
    }),
  ),
});

export const checklistItemResponseSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  state: z.enum(["open", "done", "not_applicable", "blocked"]),
  signOffsVoided: z.number().int().meta({ description: "Sign-offs of the checklist this change voided" }),
});

const activeFreezeSchema = z
  .object({
    name: z.string().meta({ description: "The freeze (or freezes, joined) holding the plan" }),
    until: z.iso.datetime().meta({ description: "When no freeze holds the plan any more" }),
    untilAtLeast: z
      .boolean()
      .meta({ description: "True when windows run on back to back past a year: `until` is a lower bound" }),
    sentence: z.string(),
  })
  .nullable()
  .meta({ description: "The change freeze holding the plan's project now: a go needs an emergency override" });

const nextFreezeSchema = z
  .object({
    name: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    sentence: z.string(),
  })
  .nullable()
  .meta({ description: "The next change freeze to start within 24 hours, when none holds the plan now" });

export const planResponseSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  releaseVersion: z.string(),
  status: planStatus,
  version: z.number().int().meta({ description: "Send it back with a decision: a stale one gets 409" }),
  trafficPercent: z.number(),
  health,
  phases: z.array(phase),
  checklists: z.array(checklist),
  freeze: activeFreezeSchema,
  nextFreeze: nextFreezeSchema,
});

export const planStatusResponseSchema = z.object({
  planId: z.uuid(),
  name: z.string(),
  status: planStatus,
  version: z.number().int(),
  trafficPercent: z.number(),
  activePhase: z
    .object({
      name: z.string(),
      position: z.number().int(),
      trafficPercent: z.number(),
      startedAt: z.iso.datetime().nullable(),
      autoAdvance: z
        .object({
          on: z.boolean(),
          ready: z
            .boolean()
            .meta({ description: "The next check (every PHASEGATE_WATCH_SECONDS) records the go by itself" }),
          waitingFor: z.enum(["off", "not_running", "min_duration", "trigger", "freeze", "gate"]).nullable(),
          at: z.iso
            .datetime()
            .nullable()
            .meta({ description: "When the minimum duration passes, while waiting for it" }),
          message: z.string(),
        })
        .meta({ description: "Whether the phase advances by itself, and what it waits for" }),
    })
    .nullable(),
  nextPhase: z.object({ name: z.string(), trafficPercent: z.number() }).nullable(),
  gate: z
    .object({
      holds: z.boolean(),
      unmet: z.array(z.string()).meta({ description: "Every unmet condition, in words" }),
      approvals: z.object({ given: z.number().int(), required: z.number().int() }),
      criteria: z.array(z.object({ description: z.string(), met: z.boolean(), reason: z.string().nullable() })),
    })
    .nullable(),
  freeze: activeFreezeSchema,
  nextFreeze: nextFreezeSchema,
  isGo: z.boolean().meta({
    description:
      "True when the active phase's gate holds and no change freeze holds the plan: a go decision would be accepted",
  }),
});

export const decisionResponseSchema = z.object({
  decisionId: z.uuid(),
  kind: z.enum(["go", "no_go", "rollback"]),
  status: planStatus,
  version: z.number().int(),
  trafficPercent: z.number(),
  activePhase: z.string().nullable(),
  overridden: z.array(z.string()),
  incidentId: z.uuid().nullable(),
});
