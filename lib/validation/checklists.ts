import { z } from "zod";

export const itemStateSchema = z.enum(["open", "done", "not_applicable", "blocked"], {
  error: "State is open, done, not_applicable or blocked",
});

export const updateItemSchema = z
  .object({
    itemId: z.uuid(),
    state: itemStateSchema,
    reason: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .transform((v) => (v ? v : undefined)),
    evidenceUrl: z
      .union([z.literal(""), z.url({ protocol: /^https?$/, error: "Evidence must be an http(s) URL" })])
      .optional()
      .transform((v) => (v ? v : undefined)),
    evidenceNote: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .superRefine((v, ctx) => {
    if ((v.state === "not_applicable" || v.state === "blocked") && !v.reason) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: `Say why the item is ${v.state === "blocked" ? "blocked" : "not applicable"}`,
      });
    }
  });

export const signChecklistSchema = z.object({ checklistId: z.uuid() });

export const itemKeySchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, {
  error: "An item key is lowercase letters, digits, dots, dashes or underscores (up to 80)",
});

// PATCH /api/v1/checklists/{id}/items/{key}
export const itemPatchBodySchema = z.object({
  state: itemStateSchema,
  reason: z.string().max(1000).optional().meta({ description: "Required for not_applicable and blocked" }),
  evidenceUrl: z.string().max(2000).optional().meta({ description: "Link to the CI run, dashboard or ticket" }),
  evidenceNote: z.string().max(2000).optional(),
});

export const addItemSchema = z.object({
  checklistId: z.uuid(),
  text: z.string().trim().min(1, { error: "Enter the item's text" }).max(500),
  key: z
    .union([z.literal(""), itemKeySchema])
    .optional()
    .transform((v) => (v ? v : undefined)),
  required: z.coerce.boolean().default(true),
  assigneeRole: z
    .union([z.literal(""), z.enum(["viewer", "engineer", "release_manager", "approver"])])
    .optional()
    .transform((v) => (v ? v : null)),
});

export const editItemSchema = z.object({
  itemId: z.uuid(),
  assigneeUserId: z
    .union([z.literal(""), z.uuid()])
    .optional()
    .transform((v) => (v ? v : null)),
  text: z.string().trim().min(1, { error: "Enter the item's text" }).max(500),
  required: z.coerce.boolean().default(false),
  assigneeRole: z
    .union([z.literal(""), z.enum(["viewer", "engineer", "release_manager", "approver"])])
    .optional()
    .transform((v) => (v ? v : null)),
});

export const moveItemSchema = z.object({ itemId: z.uuid(), direction: z.enum(["up", "down"]) });

/** A stable key from an item's text: "All tests passing" → "all-tests-passing". */
export function keyFromText(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return slug || "item";
}
