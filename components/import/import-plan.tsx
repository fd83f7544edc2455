"use client";

import { useActionState, useId, useState } from "react";
import { type PreviewState, previewImportAction } from "@/app/plans/import-actions";
import { FormMessage, inputClass, SubmitButton } from "@/components/forms/fields";
import { PreviewEditor } from "./preview-editor";

/** Paste or upload a Markdown plan, preview what was understood, then edit and save it. */
export function ImportPlan({
  projects,
  defaultProjectId,
}: {
  projects: { id: string; name: string }[];
  defaultProjectId: string;
}) {
  const [state, action] = useActionState<PreviewState, FormData>(previewImportAction, null);
  const [markdown, setMarkdown] = useState("");
  const [fileNote, setFileNote] = useState<string | null>(null);
  const id = useId().replace(/:/g, "");

  async function readFile(file: File | undefined) {
    if (!file) return;
    if (file.size > 1_000_000) {
      setFileNote(`${file.name} is larger than 1 MB; choose a smaller document.`);
      return;
    }
    setMarkdown(await file.text());
    setFileNote(`Read ${file.name}. Choose Preview to see what Phasegate understood.`);
  }

  return (
    <div className="space-y-6">
      <form
        action={action}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="space-y-1">
          <label htmlFor={`${id}-file`} className="block text-sm font-medium">
            Markdown file
          </label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".md,.markdown,.txt,text/markdown,text/plain"
            onChange={(e) => void readFile(e.target.files?.[0])}
            className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:file:bg-slate-800 dark:file:text-slate-100"
            data-testid="import-file"
          />
          {fileNote ? (
            <p role="status" className="text-xs text-slate-600 dark:text-slate-400">
              {fileNote}
            </p>
          ) : null}
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-markdown`} className="block text-sm font-medium">
            Or paste the plan
          </label>
          <textarea
            id={`${id}-markdown`}
            name="markdown"
            rows={12}
            value={markdown}
            onChange={(e) => setMarkdown(e.target.value)}
            className={`${inputClass} font-mono text-xs`}
            placeholder={"# Checkout rollout\n\n**Version:** 2.4.0\n\n## Stage 1: Internal\n..."}
            data-testid="import-markdown"
          />
        </div>
        {state && !state.ok ? <FormMessage state={state} /> : null}
        <SubmitButton pendingText="Reading…">Preview</SubmitButton>
      </form>
      {state?.ok ? (
        <PreviewEditor key={state.at} preview={state.preview} projects={projects} defaultProjectId={defaultProjectId} />
      ) : null}
    </div>
  );
}
