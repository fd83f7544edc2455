import { z } from "zod";
import { canonicalTimeZone } from "@/lib/domain/zoned-time";

// A weekly digest's schedule: a weekday and an hour on the clocks of a named place, and the
// webhooks it is sent to. No project: the portfolio's digest.

export const digestScheduleSchema = z.object({
  projectId: z.uuid({ error: "Name the project (its id)" }).nullable(),
  weekday: z.coerce
    .number({ error: "Choose a weekday" })
    .int({ error: "Choose a weekday" })
    .min(1, { error: "Choose a weekday" })
    .max(7, { error: "Choose a weekday" }),
  hour: z.coerce
    .number({ error: "Choose an hour from 0 to 23" })
    .int({ error: "Choose an hour from 0 to 23" })
    .min(0, { error: "Choose an hour from 0 to 23" })
    .max(23, { error: "Choose an hour from 0 to 23" }),
  timeZone: z
    .string({ error: "Name a time zone, e.g. Europe/Berlin" })
    .trim()
    .transform((value, ctx) => {
      const zone = canonicalTimeZone(value);
      if (!zone) {
        ctx.addIssue({
          code: "custom",
          message: `“${value}” is not a time zone; use a name like Europe/Berlin or UTC`,
        });
        return z.NEVER;
      }
      return zone;
    }),
  webhookIds: z
    .array(z.uuid({ error: "Name each webhook by its id" }), { error: "Choose the webhooks" })
    .max(20, { error: "Choose at most 20 webhooks" })
    .transform((ids) => [...new Set(ids)]),
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
});

export type DigestScheduleInput = z.infer<typeof digestScheduleSchema>;
