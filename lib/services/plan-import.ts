import { z } from "zod";
import { draftFromDocument, notesToMarkdown, planDocumentSchema, savingProblems } from "@/lib/domain/plan-markdown";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse";
import { authorize } from "@/lib/auth/authorize";
import type { ServiceContext } from "./context";
import { createPlanFromDraft } from "./plans";

// Saving an imported plan: the preview comes back from a browser or a pipeline, so it is
// validated (and its text cleaned) again here; nothing the client sends is trusted.
//
// Roles stay words: "Business hours: [Primary contact]" names people as the document wrote
// them, so they are kept with the notes (a Roles table in the plan's notes) and exported again;
// they are never turned into project memberships, since a document must not grant anyone access.

const projectSchema = z.object({ projectId: z.uuid({ error: "Choose a project" }) });
const importSchema = z.object({ projectId: z.uuid(), preview: planDocumentSchema });

export async function importPlan(ctx: ServiceContext, input: unknown) {
  const { projectId } = parseInput(projectSchema, input);
  authorize(ctx.actor, projectId, { action: "plan:create", scope: "plans:write" });
  const { preview } = parseInput(importSchema, input);
  const problems = savingProblems(preview);
  if (Object.keys(problems).length) {
    throw new AppError(
      "unprocessable:batch",
      `The plan cannot be saved yet — ${Object.values(problems).flat().join("; ")}`,
      problems,
    );
  }
  const header = {
    projectId,
    name: preview.name,
    releaseVersion: preview.version,
    summary: preview.summary,
    notes: notesToMarkdown(preview),
    kind: preview.kind,
  };
  const created = await createPlanFromDraft(ctx, header, draftFromDocument(preview), {
    source: "markdown_import",
    kind: preview.kind,
    checklists: preview.checklists.length,
    metrics: preview.metrics.length,
    triggers: preview.triggers.length,
    notes: preview.notes.length,
  });
  return { ...created, preview };
}
