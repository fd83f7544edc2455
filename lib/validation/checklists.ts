import { z } from "zod";

export const itemStateSchema = z.enum(["open", "done", "not_applicable", "blocked"], { error: "State is open, done, not_applicable or blocked" });

export const updateItemSchema = z
  .object({
    itemId: z.uuid(),
    state: itemStateSchema,
    reason: z.string().trim().max(1000).optional().transform((v) => (v ? v : undefined)),
    evidenceUrl: z
      .union([z.literal(""), z.url({ protocol: /^https?$/, error: "Evidence must be an http(s) URL" })])
      .optional()
      .transform((v) => (v ? v : undefined)),
    evidenceNote: z.string().trim().max(2000).optional().transform((v) => (v ? v : undefined)),
  })
  .superRefine((v, ctx) => {
    if ((v.state === "not_applicable" || v.state === "blocked") && !v.reason) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: `Say why the item is ${v.state === "blocked" ? "blocked" : "not applicable"}` });
    }
  });

export const signChecklistSchema = z.object({ checklistId: z.uuid() });
