import { z } from "zod";
import { normaliseNotes } from "@/lib/domain/incident-notes";

export const POSTMORTEM_MAX = 20_000;
export const SUMMARY_MAX = 4000;

// Times are entered and shown in UTC; a form's "2026-11-22T10:05" (no zone) is read as UTC.
const localUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const instant = (what: string) =>
  z
    .union([z.literal(""), z.null(), z.date(), z.string().trim()])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === null || v === "") return undefined;
      const date = v instanceof Date ? v : new Date(localUtc.test(v) ? `${v}Z` : v);
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: "custom", message: `Enter ${what} as a date and time (UTC)` });
        return z.NEVER;
      }
      return date;
    });

const notes = (max: number, what: string, required: boolean) =>
  z
    .string({ error: `Enter ${what}` })
    .transform(normaliseNotes)
    .pipe(
      required
        ? z
            .string()
            .min(1, { error: `Enter ${what}` })
            .max(max, { error: `Use at most ${max.toLocaleString("en")} characters` })
        : z.string().max(max, { error: `Use at most ${max.toLocaleString("en")} characters` }),
    );

const fingerprint = z
  .string({ error: "The page is missing the text you started from; reload" })
  .regex(/^[0-9a-f]{14}$/, { error: "The page is missing the text you started from; reload" });
const incidentId = z.uuid({ error: "Unknown incident" });

export const markVerifiedSchema = z.object({ incidentId, verifiedAt: instant("the verification time") });
export const resolveIncidentSchema = z.object({ incidentId });
export const reopenIncidentSchema = z.object({
  incidentId,
  reason: z
    .string()
    .trim()
    .min(1, { error: "Say why the incident is reopened" })
    .max(2000, { error: "Use at most 2,000 characters" }),
});
export const postmortemSchema = z.object({
  incidentId,
  postmortem: notes(POSTMORTEM_MAX, "the post-mortem", false),
  baseFingerprint: fingerprint,
});
export const summarySchema = z.object({
  incidentId,
  summary: notes(SUMMARY_MAX, "a summary", true),
  baseFingerprint: fingerprint,
});
export const detectionSchema = z.object({
  incidentId,
  detectedAt: instant("the detection time").refine((d) => d !== undefined, {
    error: "Enter when the problem was first noticed",
  }),
});
