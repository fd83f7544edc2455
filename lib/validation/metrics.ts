import { z } from "zod";

// POST /api/v1/metrics (JSON). Rows are checked one by one by lib/domain/ingest.ts, so each bad
// row can be named; here only the envelope is checked.
const documentedRow = z.object({
  metric: z.string().meta({ description: "The metric's key in the plan, e.g. error_rate" }),
  ts: z.union([z.string(), z.number()]).optional().meta({ description: "ISO 8601 or epoch milliseconds; default now" }),
  value: z
    .union([z.number(), z.string()])
    .optional()
    .meta({ description: "The KPI's value. Leave it out when the row carries numerator and denominator instead" }),
  numerator: z.union([z.number(), z.string()]).optional().meta({
    description:
      "A rate as counts: the events counted (e.g. failed requests) in this interval; send with denominator, not with value",
  }),
  denominator: z.union([z.number(), z.string()]).optional().meta({
    description:
      "A rate as counts: all events (e.g. requests) in this interval, above 0. The stored value is numerator / denominator (× 100 for a % KPI); the canary judge tests the counts themselves",
  }),
  cohort: z
    .enum(["canary", "baseline"])
    .optional()
    .meta({ description: "canary (default) or baseline: the canary judge compares the two" }),
});

/** The request body as documented in OpenAPI. */
export const metricsJsonDocSchema = z.object({
  plan: z
    .uuid({ error: "plan must be the plan's id" })
    .optional()
    .meta({ description: "The plan the metrics belong to (or ?plan= in the query)" }),
  samples: z.array(documentedRow).meta({
    description:
      "At most 10,000 rows; any bad row rejects the whole batch with 422 naming it. In Prometheus text format, a rate as counts is two families, <key>_numerator and <key>_denominator, paired by cohort label and timestamp",
  }),
});

export const ingestResponseSchema = z.object({
  stored: z.number().int(),
  metrics: z.record(z.string(), z.number().int()),
  triggersFired: z
    .array(z.string())
    .meta({ description: "Automatic rollback triggers these samples fired (the plan is now rolled back)" }),
});

/** What the route parses: the envelope only, so every row reaches the batch check and is named. */
export const metricsJsonBodySchema = z.object({
  plan: z.uuid({ error: "plan must be the plan's id" }).optional(),
  samples: z.array(z.unknown(), { error: "samples must be an array of rows" }),
});
