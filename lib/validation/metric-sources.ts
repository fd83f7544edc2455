import { z } from "zod";
import { destinationNameSchema, destinationUrl } from "./destinations";

// A metric source is a Prometheus HTTP API the server polls; its URL is shown to everyone who can
// read the project, so credentials never go into it.

export const baseUrlSchema = z
  .string({ error: "Enter the Prometheus server's URL, e.g. http://prometheus:9090" })
  .trim()
  .min(1, { error: "Enter the Prometheus server's URL, e.g. http://prometheus:9090" })
  .max(500, { error: "Use at most 500 characters" })
  .transform((value, ctx) => {
    const url = destinationUrl(value, ctx, {
      invalid: "Enter a full URL starting with http:// or https://, e.g. http://prometheus:9090",
      credentials: "Leave user name and password out of the URL: it is shown to everyone in the project",
    });
    if (!url) return z.NEVER;
    if (url.search || url.hash) {
      ctx.addIssue({
        code: "custom",
        message: "Leave out the query string and fragment: give the address /api/v1 is under",
      });
      return z.NEVER;
    }
    // Stored without a trailing slash: /api/v1/… is appended to it.
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  });

const INTERVAL_MESSAGE = "Poll every 5 to 3600 seconds (a whole number)";

export const pollIntervalSchema = z.coerce
  .number({ error: INTERVAL_MESSAGE })
  .int({ error: INTERVAL_MESSAGE })
  .min(5, { error: INTERVAL_MESSAGE })
  .max(3600, { error: INTERVAL_MESSAGE });

/** An empty form field means "not given". */
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const createMetricSourceSchema = z.object({
  projectId: z.uuid({ error: "Name the project (its id)" }),
  name: destinationNameSchema,
  baseUrl: baseUrlSchema,
  pollIntervalSeconds: z.preprocess(blankToUndefined, pollIntervalSchema.default(15)),
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
});

export const updateMetricSourceSchema = z.object({
  sourceId: z.uuid({ error: "Name the metric source (its id)" }),
  name: destinationNameSchema.optional(),
  baseUrl: baseUrlSchema.optional(),
  pollIntervalSeconds: z.preprocess(blankToUndefined, pollIntervalSchema.optional()),
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
});

export const deleteMetricSourceSchema = z.object({ sourceId: z.uuid({ error: "Name the metric source (its id)" }) });

export type CreateMetricSourceInput = z.input<typeof createMetricSourceSchema>;
export type UpdateMetricSourceInput = z.input<typeof updateMetricSourceSchema>;
