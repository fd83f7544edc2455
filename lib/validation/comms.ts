import { z } from "zod";

// A communication plan entry: when (a stage or event and its timing), where, to whom, and the
// message template with {placeholders}.

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, { error: `Enter the ${label}` })
    .max(max, { error: `Use at most ${max} characters` });

const entryFields = {
  event: text("stage or event, e.g. Phase advanced", 120),
  timing: z.string().trim().max(120, { error: "Use at most 120 characters" }).default(""),
  channel: text("channel, e.g. #releases or Email", 120),
  audience: text("audience, e.g. Engineering and support", 200),
  template: text("message template", 4000),
};

export const addCommsEntrySchema = z.object({ planId: z.uuid({ error: "Name the plan (its id)" }), ...entryFields });

export const updateCommsEntrySchema = z.object({
  entryId: z.uuid({ error: "Name the entry (its id)" }),
  ...entryFields,
});

export const removeCommsEntrySchema = z.object({ entryId: z.uuid({ error: "Name the entry (its id)" }) });

export const moveCommsEntrySchema = z.object({
  entryId: z.uuid({ error: "Name the entry (its id)" }),
  direction: z.enum(["up", "down"], { error: "Move up or down" }),
});
