import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));

// Filters of the audit page and its CSV export (query string → typed filter).
export const auditFilterSchema = z.object({
  plan: z
    .union([z.uuid(), z.literal("")])
    .optional()
    .transform((v) => v || undefined),
  actor: optionalText,
  action: optionalText,
  from: z
    .union([z.iso.date(), z.literal("")])
    .optional()
    .transform((v) => v || undefined),
  to: z
    .union([z.iso.date(), z.literal("")])
    .optional()
    .transform((v) => v || undefined),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export type AuditFilter = z.output<typeof auditFilterSchema>;
