import { z } from "zod";
import { WEBHOOK_EVENTS } from "@/lib/domain/webhook-events";

// A webhook's URL is shown to everyone who manages the project's webhooks and kept in the audit
// trail, so credentials never go into it: the receiver checks the signature instead.

export const webhookNameSchema = z
  .string({ error: "Enter a name" })
  .trim()
  .min(1, { error: "Enter a name" })
  .max(80, { error: "Use at most 80 characters" });

const URL_HINT = "Enter a full URL starting with http:// or https://, e.g. https://hooks.slack.com/services/…";

export const webhookUrlSchema = z
  .string({ error: URL_HINT })
  .trim()
  .min(1, { error: URL_HINT })
  .max(2000, { error: "Use at most 2000 characters" })
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: URL_HINT });
      return z.NEVER;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "Use an http:// or https:// URL" });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: "Leave user name and password out of the URL: receivers check the signature instead",
      });
      return z.NEVER;
    }
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
  name: webhookNameSchema,
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
});

export const updateWebhookSchema = z.object({
  webhookId: z.uuid({ error: "Name the webhook (its id)" }),
  name: webhookNameSchema.optional(),
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
