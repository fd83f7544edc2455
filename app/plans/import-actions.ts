"use server";

import type { FormState } from "@/lib/actions/form-state";
import { redirect } from "next/navigation";
import { runAction } from "@/lib/actions/run";
import { getDb } from "@/db/client";
import { currentUser } from "@/lib/auth/session";
import { creatableProjects } from "@/lib/queries/projects";
import {
  DocumentTooDeep,
  MAX_DOCUMENT_CHARS,
  parsePlanMarkdown,
  type PlanImportPreview,
} from "@/lib/domain/plan-markdown";
import { importPlan } from "@/lib/services/plan-import";

export type PreviewState =
  { ok: true; preview: PlanImportPreview; at: number } | { ok: false; error: string; markdown: string } | null;

/**
 * Reads the pasted or uploaded document; saves nothing. Reading costs the server work, so it
 * takes what saving takes: the right to create plans in some project.
 */
export async function previewImportAction(_prev: PreviewState, form: FormData): Promise<PreviewState> {
  const markdown = String(form.get("markdown") ?? "");
  const user = await currentUser();
  if (!user) return { ok: false, error: "Your session has ended: sign in again.", markdown };
  const { db } = await getDb();
  if ((await creatableProjects(db, user)).length === 0)
    return {
      ok: false,
      error: "Your role does not allow creating plans in any project, so documents cannot be imported.",
      markdown,
    };
  if (!markdown.trim()) return { ok: false, error: "Paste a Markdown plan or choose a .md file first.", markdown };
  if (markdown.length > MAX_DOCUMENT_CHARS)
    return {
      ok: false,
      error: `The document is longer than ${MAX_DOCUMENT_CHARS.toLocaleString("en")} characters.`,
      markdown,
    };
  try {
    return { ok: true, preview: parsePlanMarkdown(markdown), at: Date.now() };
  } catch (error) {
    if (error instanceof DocumentTooDeep)
      return { ok: false, error: `${error.message}: flatten the deepest lists or quotes and try again.`, markdown };
    throw error;
  }
}

/** Saves the edited preview; the service validates it again, whatever the browser sent. */
export async function saveImportAction(_prev: FormState, form: FormData): Promise<FormState> {
  let preview: unknown;
  try {
    preview = JSON.parse(String(form.get("preview") ?? ""));
  } catch {
    return { ok: false, error: "The preview did not arrive intact; preview the document again." };
  }
  const result = await runAction((ctx) => importPlan(ctx, { projectId: form.get("projectId"), preview }));
  if (!result.ok) return result;
  redirect(`/plans/${result.data.planId}`);
}
