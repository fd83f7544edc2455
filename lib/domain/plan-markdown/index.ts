import { z } from "zod";
import { planDocumentSchema, type PlanDocument } from "./schema";

export { notesToMarkdown, planToJson, planToMarkdown } from "./export";
export { DocumentTooDeep, parsePlanMarkdown } from "./parse";
export * from "./schema";
export { MAX_DOCUMENT_CHARS } from "./tree";

const jsonExportSchema = z.object({ format: z.literal("phasegate.plan.v1"), plan: planDocumentSchema });

/** Reads a JSON export back; throws a zod error naming every bad field. */
export function parsePlanJson(json: string): PlanDocument {
  return jsonExportSchema.parse(JSON.parse(json)).plan;
}
export { draftFromDocument, itemKey, savingProblems } from "./draft";
