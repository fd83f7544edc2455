import { z } from "zod";
import { WEBHOOK_EVENTS } from "@/lib/domain/webhook-events";
import { destinationNameSchema, destinationUrl } from "./destinations";

// A webhook's URL is shown to everyone who manages the project's webhooks and kept in the audit
// trail, so credentials never go into it: the receiver checks the signature instead.

const URL_HINT = "Enter a full URL starting with http:// or https://, e.g. https://hooks.slack.com/services/…";

export const webhookUrlSchema = z
  .string({ error: URL_HINT })
  .trim()
  .min(1, { error: URL_HINT })
  .max(2000, { error: "Use at most 2000 characters" })
  .transform((value, ctx) => {
    const url = destinationUrl(value, ctx, {
      invalid: URL_HINT,
      credentials: "Leave user name and password out of the URL: receivers check the signature instead",
    });
    if (!url) return z.NEVER;
    if (url.hash) {
      ctx.addIssue({ code: "custom", message: "Leave out the #fragment: it is never sent" });
      return z.NEVER;
    }
    return url.toString();
  });

export const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `Events are ${WEBHOOK_EVENTS.join(", ")}` }), {
    error: "Choose the events to send",
  })
  .min(1, { error: "Choose at least one event" })
  .transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e)));

export const createWebhookSchema = z.object({
  projectId: z.uuid({ error: "Name the project (its id)" }),
  name: destinationNameSchema,
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
});

export const updateWebhookSchema = z.object({
  webhookId: z.uuid({ error: "Name the webhook (its id)" }),
  name: destinationNameSchema.optional(),
  url: webhookUrlSchema.optional(),
  events: webhookEventsSchema.optional(),
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
});

export const webhookIdSchema = z.object({ webhookId: z.uuid({ error: "Name the webhook (its id)" }) });

export const deliveryIdSchema = z.object({
  deliveryId: z.coerce
    .number({ error: "Name the delivery (its number)" })
    .int()
    .positive({ error: "Name the delivery (its number)" }),
});
