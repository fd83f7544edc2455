// POST /api/v1/plans/import – read a Markdown rollout plan: the preview as JSON, or with ?save=1 the saved plan (plans:write).
import { apiRoute } from "@/lib/api/route";
import { DocumentTooDeep, MAX_DOCUMENT_CHARS, parsePlanMarkdown } from "@/lib/domain/plan-markdown";
import { LIMITS } from "@/lib/domain/plan-markdown/schema";
import { AppError } from "@/lib/errors";
import { BODY_LIMITS, readBodyText } from "@/lib/http/body";
import { importPlan } from "@/lib/services/plan-import";

export const dynamic = "force-dynamic";

function readPlan(text: string) {
  try {
    return parsePlanMarkdown(text);
  } catch (error) {
    if (error instanceof DocumentTooDeep)
      throw new AppError("unprocessable:batch", `${error.message}; flatten the deepest lists or quotes`, {
        body: [error.message],
      });
    throw error;
  }
}

export const POST = apiRoute({ scope: "plans:write" }, async ({ db, actor, requestId, request }) => {
  const url = new URL(request.url);
  const project = url.searchParams.get("project");
  // A token acts in its own project only; naming another one is refused rather than ignored.
  if (project && project !== actor.projectId)
    throw new AppError("not_found:entity", "No such project for this token: ?project= must be the token's project id");
  const type = request.headers.get("content-type") ?? "";
  if (!/^text\/(markdown|plain|x-markdown)\b/i.test(type))
    throw new AppError(
      "bad_request:validation",
      "Send the plan as Markdown with Content-Type: text/markdown (or text/plain)",
      { body: ["Content-Type must be text/markdown or text/plain"] },
    );
  const text = await readBodyText(request, BODY_LIMITS.import);
  if (text.length > MAX_DOCUMENT_CHARS)
    throw new AppError("bad_request:validation", `The document is longer than ${MAX_DOCUMENT_CHARS} characters`, {
      body: [`At most ${MAX_DOCUMENT_CHARS} characters`],
    });
  if (!text.trim())
    throw new AppError("bad_request:validation", "The body is empty: send the Markdown plan", {
      body: ["Send the Markdown plan"],
    });
  // Pipelines may name what the document leaves out (often the release version), within the
  // limits a plan's own fields have (checked after the body, so an oversized body is still 413).
  const name = url.searchParams.get("name")?.trim();
  const version = url.searchParams.get("version")?.trim();
  if (name && name.length > LIMITS.name)
    throw new AppError("bad_request:validation", `?name= is longer than ${LIMITS.name} characters`, {
      name: [`At most ${LIMITS.name} characters`],
    });
  if (version && version.length > LIMITS.version)
    throw new AppError("bad_request:validation", `?version= is longer than ${LIMITS.version} characters`, {
      version: [`At most ${LIMITS.version} characters`],
    });
  const preview = readPlan(text);
  if (name) preview.name = name;
  if (version) preview.version = version;
  if (url.searchParams.get("save") !== "1") return { preview };
  const { planId } = await importPlan({ db, actor, requestId }, { projectId: actor.projectId, preview });
  return { planId, preview };
});
